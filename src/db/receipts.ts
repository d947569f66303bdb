import type { Database } from './client.js';
import type { PaymentKind, PaymentMethod } from './schema.js';

export interface Receipt {
  id: string;
  kind: PaymentKind;
  invoice_number: number;
  amount: string;
  vat_amount: string;
  method: PaymentMethod;
  reference: string | null;
  reason: string | null;
  received_at: Date;
  received_by_name: string;
  purchase_id: string;
  package_en: string;
  package_ar: string;
  patient_id: string;
  patient_en: string;
  patient_ar: string | null;
  mrn: string;
  seller: string;
  vat_number: string | null;
  vat_rate: string;
  currency: string;
}

/** A payment or refund with what its receipt prints: seller, patient, package. */
export function findReceipt(
  db: Database,
  tenantId: string,
  paymentId: string,
): Promise<Receipt | undefined> {
  return db
    .selectFrom('payments as pay')
    .innerJoin('package_purchases as p', (join) =>
      join.onRef('p.tenant_id', '=', 'pay.tenant_id').onRef('p.id', '=', 'pay.purchase_id'),
    )
    .innerJoin('patients as pt', (join) =>
      join.onRef('pt.tenant_id', '=', 'p.tenant_id').onRef('pt.id', '=', 'p.patient_id'),
    )
    .innerJoin('users as u', (join) =>
      join.onRef('u.tenant_id', '=', 'pay.tenant_id').onRef('u.id', '=', 'pay.received_by'),
    )
    .innerJoin('tenants as t', 't.id', 'pay.tenant_id')
    .select([
      'pay.id',
      'pay.kind',
      'pay.invoice_number',
      'pay.amount',
      'pay.vat_amount',
      'pay.method',
      'pay.reference',
      'pay.reason',
      'pay.received_at',
      'u.name as received_by_name',
      'p.id as purchase_id',
      'p.name_en as package_en',
      'p.name_ar as package_ar',
      'pt.id as patient_id',
      'pt.name_en as patient_en',
      'pt.name_ar as patient_ar',
      'pt.mrn',
      't.name as seller',
      't.vat_number',
      't.vat_rate',
      't.currency',
    ])
    .where('pay.tenant_id', '=', tenantId)
    .where('pay.id', '=', paymentId)
    .executeTakeFirst();
}
