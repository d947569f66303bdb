import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database } from './client.js';
import { prepared } from './prepared.js';
import type { AppointmentStatus, PurchaseStatus } from './schema.js';

export interface PurchaseDetails {
  id: string;
  patient_id: string;
  package_id: string;
  name_en: string;
  name_ar: string;
  status: PurchaseStatus;
  purchase_date: string;
  expiry_date: string;
  total_sessions: number;
  sessions_used: number;
  price: string;
  discount: string;
  amount_paid: string;
  services: {
    service_id: string;
    name_en: string;
    name_ar: string;
    sessions: number;
    sessions_used: number;
  }[];
  appointments: {
    id: string;
    /** JSON text: jsonArrayFrom's timestamps arrive as strings. */
    starts_at: string;
    ends_at: string;
    status: AppointmentStatus;
    session_number_in_package: number | null;
    provider_id: string;
  }[];
}

/** One purchase with its money, services and appointments (in time order), in one statement. */
export async function findPurchaseDetails(
  db: Database,
  tenantId: string,
  purchaseId: string,
): Promise<PurchaseDetails | undefined> {
  const [row] = await purchaseDetails(db, { tenantId, purchaseId });
  return row;
}

const purchaseDetails = prepared(
  (db, { tenantId, purchaseId }: { tenantId: string; purchaseId: string }) =>
    db
      .selectFrom('package_purchases as p')
      .select([
        'p.id',
        'p.patient_id',
        'p.package_id',
        'p.name_en',
        'p.name_ar',
        'p.status',
        'p.purchase_date',
        'p.expiry_date',
        'p.total_sessions',
        'p.sessions_used',
        'p.price',
        'p.discount',
        'p.amount_paid',
      ])
      .select((eb) => [
        jsonArrayFrom(
          eb
            .selectFrom('purchase_services as ps')
            .innerJoin('services as s', (join) =>
              join.onRef('s.tenant_id', '=', 'ps.tenant_id').onRef('s.id', '=', 'ps.service_id'),
            )
            .select(['ps.service_id', 's.name_en', 's.name_ar', 'ps.sessions', 'ps.sessions_used'])
            .whereRef('ps.tenant_id', '=', 'p.tenant_id')
            .whereRef('ps.purchase_id', '=', 'p.id')
            .orderBy('s.name_en'),
        ).as('services'),
        jsonArrayFrom(
          eb
            .selectFrom('appointments as a')
            .select([
              'a.id',
              'a.starts_at',
              'a.ends_at',
              'a.status',
              'a.session_number_in_package',
              'a.provider_id',
            ])
            .whereRef('a.tenant_id', '=', 'p.tenant_id')
            .whereRef('a.package_purchase_id', '=', 'p.id')
            .orderBy('a.starts_at')
            .orderBy('a.id'),
        ).as('appointments'),
      ])
      .where('p.tenant_id', '=', tenantId)
      .where('p.id', '=', purchaseId),
);
