import { sql } from 'kysely';
import type { Database } from './client.js';
import { findPatient, type PatientSummary } from './patients.js';
import type { AppointmentStatus, PurchaseStatus } from './schema.js';

export interface HistoryPurchase {
  id: string;
  name_en: string;
  name_ar: string;
  status: PurchaseStatus;
  total_sessions: number;
  sessions_used: number;
  purchase_date: string;
  expiry_date: string;
}

export interface HistoryAppointment {
  id: string;
  starts_at: Date;
  ends_at: Date;
  status: AppointmentStatus;
  clinic_name_en: string;
  clinic_name_ar: string;
  provider_name_en: string;
  provider_name_ar: string;
  service_name_en: string;
  service_name_ar: string;
  session_number_in_package: number | null;
  package_total_sessions: number | null;
}

export interface PatientHistory {
  patient: PatientSummary;
  purchases: HistoryPurchase[];
  appointments: HistoryAppointment[];
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
      'status',
      'total_sessions',
      'sessions_used',
      'purchase_date',
      'expiry_date',
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
): Promise<HistoryAppointment[]> {
  return db
    .selectFrom('appointments')
    .innerJoin('clinics', (join) =>
      join
        .onRef('clinics.tenant_id', '=', 'appointments.tenant_id')
        .onRef('clinics.id', '=', 'appointments.clinic_id'),
    )
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'appointments.tenant_id')
        .onRef('providers.id', '=', 'appointments.provider_id'),
    )
    .innerJoin('services', (join) =>
      join
        .onRef('services.tenant_id', '=', 'appointments.tenant_id')
        .onRef('services.id', '=', 'appointments.service_id'),
    )
    .leftJoin('package_purchases', (join) =>
      join
        .onRef('package_purchases.tenant_id', '=', 'appointments.tenant_id')
        .onRef('package_purchases.id', '=', 'appointments.package_purchase_id'),
    )
    .select([
      'appointments.id',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.status',
      'clinics.name_en as clinic_name_en',
      'clinics.name_ar as clinic_name_ar',
      'providers.name_en as provider_name_en',
      'providers.name_ar as provider_name_ar',
      'services.name_en as service_name_en',
      'services.name_ar as service_name_ar',
      'appointments.session_number_in_package',
      'package_purchases.total_sessions as package_total_sessions',
    ])
    .where('appointments.tenant_id', '=', tenantId)
    .where('appointments.patient_id', '=', patientId)
    .orderBy('appointments.starts_at', 'desc')
    .orderBy('appointments.id')
    .execute();
}

/** The patient page's data in three queries; undefined when the tenant has no such patient. */
export async function loadPatientHistory(
  db: Database,
  tenantId: string,
  patientId: string,
  today: string,
): Promise<PatientHistory | undefined> {
  const patient = await findPatient(db, tenantId, patientId);
  if (!patient) return undefined;
  const purchases = await listPurchaseHistory(db, tenantId, patientId, today);
  const appointments = await listPatientAppointments(db, tenantId, patientId);
  return { patient, purchases, appointments };
}
