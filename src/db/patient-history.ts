import { sql } from 'kysely';
import { appointmentRows, type AppointmentRow } from './appointment-rows.js';
import { withPackagesViewAudit, type PackagesView } from './audit.js';
import type { Database } from './client.js';
import { paymentColumns, type PaymentRow } from './payments.js';
import { purchaseStatus, serviceSplit, type ServiceBalance } from './purchases.js';
import { patientSummaryColumns, type PatientSummary } from './patients.js';
import type { PurchaseStatus } from './schema.js';

export interface HistoryPurchase {
  id: string;
  name_en: string;
  name_ar: string;
  status: PurchaseStatus;
  total_sessions: number;
  sessions_used: number;
  purchase_date: string;
  expiry_date: string;
  /** numeric(12,2) as text. */
  price: string;
  discount: string;
  amount_paid: string;
  split: ServiceBalance[];
}

export interface PatientHistory {
  patient: PatientSummary;
  purchases: HistoryPurchase[];
  appointments: AppointmentRow[];
  /** Every payment and refund of the patient's purchases, oldest first. */
  payments: PaymentRow[];
}

/**
 * Every purchase of a patient, whatever its status: the usable ones first (earliest expiry
 * first, as the package modal orders them), then the history, newest purchase first.
 */
export function listPurchaseHistory(
  db: Database,
  tenantId: string,
  patientId: string,
  today: string,
): Promise<HistoryPurchase[]> {
  const usable = sql<boolean>`(status = 'ACTIVE' and expiry_date >= ${today} and sessions_used < total_sessions)`;
  return db
    .selectFrom('package_purchases')
    .select([
      'id',
      'name_en',
      'name_ar',
      purchaseStatus(today).as('status'),
      'total_sessions',
      'sessions_used',
      'purchase_date',
      'expiry_date',
      sql<string>`price::text`.as('price'),
      sql<string>`discount::text`.as('discount'),
      sql<string>`amount_paid::text`.as('amount_paid'),
      serviceSplit(tenantId).as('split'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('patient_id', '=', patientId)
    .orderBy(usable, 'desc')
    .orderBy(sql`case when ${usable} then expiry_date end`)
    .orderBy('purchase_date', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** A patient's appointments, newest first, with where, with whom and which package session. */
export function listPatientAppointments(
  db: Database,
  tenantId: string,
  patientId: string,
): Promise<AppointmentRow[]> {
  return appointmentRows(db, tenantId)
    .where('appointments.patient_id', '=', patientId)
    .orderBy('appointments.starts_at', 'desc')
    .orderBy('appointments.id')
    .execute();
}

/** Payments and refunds of all a patient's purchases, oldest first. */
export function listPatientPayments(
  db: Database,
  tenantId: string,
  patientId: string,
): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .select(paymentColumns)
    .where('tenant_id', '=', tenantId)
    .where('purchase_id', 'in', (eb) =>
      eb
        .selectFrom('package_purchases')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('patient_id', '=', patientId),
    )
    .orderBy('received_at')
    .orderBy('invoice_number')
    .execute();
}

/**
 * The patient page's data in four queries; undefined when the tenant has no such patient. The
 * first one also writes the audit row of the view (the page shows the patient's packages).
 */
export async function loadPatientHistory(
  db: Database,
  tenantId: string,
  patientId: string,
  today: string,
  view: PackagesView,
): Promise<PatientHistory | undefined> {
  const patient = await withPackagesViewAudit(db, tenantId, patientId, view)
    .selectFrom('patients')
    .select(patientSummaryColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient) return undefined;
  const purchases = await listPurchaseHistory(db, tenantId, patientId, today);
  const appointments = await listPatientAppointments(db, tenantId, patientId);
  const payments = await listPatientPayments(db, tenantId, patientId);
  return { patient, purchases, appointments, payments };
}
