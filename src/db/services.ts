import type { Database } from './client.js';

export interface ServiceOption {
  id: string;
  clinic_id: string;
  name_en: string;
  name_ar: string;
  default_duration_minutes: number;
}

const serviceColumns = [
  'services.id',
  'services.clinic_id',
  'services.name_en',
  'services.name_ar',
  'services.default_duration_minutes',
] as const;

export function findService(
  db: Database,
  tenantId: string,
  serviceId: string,
): Promise<ServiceOption | undefined> {
  return db
    .selectFrom('services')
    .select(serviceColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', serviceId)
    .executeTakeFirst();
}

/** The clinic's services; for a package, only those with sessions left on the purchase. */
export function listBookableServices(
  db: Database,
  tenantId: string,
  clinicId: string,
  purchaseId: string | null,
): Promise<ServiceOption[]> {
  let query = db
    .selectFrom('services')
    .select(serviceColumns)
    .where('services.tenant_id', '=', tenantId)
    .where('services.clinic_id', '=', clinicId)
    .where('services.active', '=', true);
  if (purchaseId) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('purchase_services')
          .whereRef('purchase_services.tenant_id', '=', 'services.tenant_id')
          .whereRef('purchase_services.service_id', '=', 'services.id')
          .where('purchase_services.purchase_id', '=', purchaseId)
          .whereRef('purchase_services.sessions_used', '<', 'purchase_services.sessions'),
      ),
    );
  }
  return query.orderBy('services.name_en').execute();
}
