import type { Database } from './client.js';

export interface ClinicOption {
  id: string;
  name_en: string;
  name_ar: string;
  specialty: string;
}

export function listClinics(db: Database, tenantId: string): Promise<ClinicOption[]> {
  return activeClinics(db, tenantId).execute();
}

export async function clinicExists(db: Database, tenantId: string, clinicId: string) {
  const row = await db
    .selectFrom('clinics')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', clinicId)
    .executeTakeFirst();
  return row !== undefined;
}

function activeClinics(db: Database, tenantId: string) {
  return db
    .selectFrom('clinics')
    .select(['clinics.id', 'clinics.name_en', 'clinics.name_ar', 'clinics.specialty'])
    .where('clinics.tenant_id', '=', tenantId)
    .where('clinics.active', '=', true)
    .orderBy('clinics.name_en');
}

/** Clinics that perform a service of the purchase that still has sessions left. */
export function clinicsForPurchase(
  db: Database,
  tenantId: string,
  purchaseId: string,
): Promise<ClinicOption[]> {
  return activeClinics(db, tenantId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('purchase_services')
          .innerJoin('services', (join) =>
            join
              .onRef('services.tenant_id', '=', 'purchase_services.tenant_id')
              .onRef('services.id', '=', 'purchase_services.service_id'),
          )
          .whereRef('services.clinic_id', '=', 'clinics.id')
          .where('purchase_services.tenant_id', '=', tenantId)
          .where('purchase_services.purchase_id', '=', purchaseId)
          .whereRef('purchase_services.sessions_used', '<', 'purchase_services.sessions'),
      ),
    )
    .execute();
}

/** Clinics that perform a service of the package (before it is sold). */
export function clinicsForPackage(
  db: Database,
  tenantId: string,
  packageId: string,
): Promise<ClinicOption[]> {
  return activeClinics(db, tenantId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('package_services')
          .innerJoin('services', (join) =>
            join
              .onRef('services.tenant_id', '=', 'package_services.tenant_id')
              .onRef('services.id', '=', 'package_services.service_id'),
          )
          .whereRef('services.clinic_id', '=', 'clinics.id')
          .where('package_services.tenant_id', '=', tenantId)
          .where('package_services.package_id', '=', packageId),
      ),
    )
    .execute();
}
