import { sql } from 'kysely';
import type { Database } from './client.js';
import type { PaymentKind, PaymentMethod } from './schema.js';

/** Money taken in a time range, per method: payments less refunds (numeric as text). */
export interface Takings {
  method: PaymentMethod;
  paid: string;
  refunded: string;
}

export function listTakings(
  db: Database,
  tenantId: string,
  range: { from: Date; to: Date },
): Promise<Takings[]> {
  return db
    .selectFrom('payments')
    .select([
      'method',
      sql<string>`coalesce(sum(amount) filter (where kind = 'PAYMENT'), 0)::text`.as('paid'),
      sql<string>`coalesce(sum(amount) filter (where kind = 'REFUND'), 0)::text`.as('refunded'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('received_at', '>=', range.from)
    .where('received_at', '<', range.to)
    .groupBy('method')
    .orderBy('method')
    .execute();
}

/** A purchase with money still owed on it, and whose it is. */
export interface OutstandingBalance {
  purchase_id: string;
  patient_id: string;
  patient_en: string;
  patient_ar: string | null;
  mrn: string;
  name_en: string;
  name_ar: string;
  purchase_date: string;
  balance_due: string;
}

/** Purchases with a balance due, the oldest sale first: the first ones to chase. */
export function listOutstandingBalances(
  db: Database,
  tenantId: string,
  limit: number,
): Promise<OutstandingBalance[]> {
  return db
    .selectFrom('package_purchases as p')
    .innerJoin('patients as pt', (join) =>
      join.onRef('pt.tenant_id', '=', 'p.tenant_id').onRef('pt.id', '=', 'p.patient_id'),
    )
    .select([
      'p.id as purchase_id',
      'pt.id as patient_id',
      'pt.name_en as patient_en',
      'pt.name_ar as patient_ar',
      'pt.mrn',
      'p.name_en',
      'p.name_ar',
      'p.purchase_date',
      sql<string>`(p.price - p.discount - p.amount_paid)::text`.as('balance_due'),
    ])
    .where('p.tenant_id', '=', tenantId)
    .where(sql<boolean>`p.amount_paid < p.price - p.discount`)
    .orderBy('p.purchase_date')
    .orderBy('p.created_at')
    .limit(limit)
    .execute();
}

/** A payment or refund of the day, with whose purchase it was (the finance home's list). */
export interface DayPayment {
  id: string;
  kind: PaymentKind;
  method: PaymentMethod;
  /** numeric(12,2) as text. */
  amount: string;
  received_at: Date;
  invoice_number: number;
  purchase_id: string;
  package_en: string;
  package_ar: string;
  patient_id: string;
  patient_en: string;
  patient_ar: string | null;
}

/** The payments and refunds received in a time range, the latest first (at most `limit`). */
export function listPaymentsReceived(
  db: Database,
  tenantId: string,
  range: { from: Date; to: Date },
  limit: number,
): Promise<DayPayment[]> {
  return db
    .selectFrom('payments as pay')
    .innerJoin('package_purchases as p', (join) =>
      join.onRef('p.tenant_id', '=', 'pay.tenant_id').onRef('p.id', '=', 'pay.purchase_id'),
    )
    .innerJoin('patients as pt', (join) =>
      join.onRef('pt.tenant_id', '=', 'p.tenant_id').onRef('pt.id', '=', 'p.patient_id'),
    )
    .select([
      'pay.id',
      'pay.kind',
      'pay.method',
      'pay.amount',
      'pay.received_at',
      'pay.invoice_number',
      'p.id as purchase_id',
      'p.name_en as package_en',
      'p.name_ar as package_ar',
      'pt.id as patient_id',
      'pt.name_en as patient_en',
      'pt.name_ar as patient_ar',
    ])
    .where('pay.tenant_id', '=', tenantId)
    .where('pay.received_at', '>=', range.from)
    .where('pay.received_at', '<', range.to)
    .orderBy('pay.received_at', 'desc')
    .orderBy('pay.invoice_number', 'desc')
    .limit(limit)
    .execute();
}
