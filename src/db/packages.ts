import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database } from './client.js';

export interface PackageService {
  service_id: string;
  name_en: string;
  name_ar: string;
  sessions: number;
  clinic_id: string;
  clinic_en: string;
  clinic_ar: string;
}

export interface CatalogueEntry {
  id: string;
  name_en: string;
  name_ar: string;
  price: string;
  validity_days: number;
  active: boolean;
  services: PackageService[];
}

export function totalSessions(entry: { services: { sessions: number }[] }): number {
  return entry.services.reduce((sum, service) => sum + service.sessions, 0);
}

/** Packages with their services and clinics, in one statement (no query per package). */
function catalogueQuery(db: Database, tenantId: string) {
  return db
    .selectFrom('packages')
    .select((eb) => [
      'packages.id',
      'packages.name_en',
      'packages.name_ar',
      // As text, the way pg returns numeric, also when the row is nested in JSON.
      sql<string>`packages.price::text`.as('price'),
      'packages.validity_days',
      'packages.active',
      jsonArrayFrom(
        eb
          .selectFrom('package_services')
          .innerJoin('services', (join) =>
            join
              .onRef('services.tenant_id', '=', 'package_services.tenant_id')
              .onRef('services.id', '=', 'package_services.service_id'),
          )
          .innerJoin('clinics', (join) =>
            join
              .onRef('clinics.tenant_id', '=', 'services.tenant_id')
              .onRef('clinics.id', '=', 'services.clinic_id'),
          )
          .select([
            'services.id as service_id',
            'services.name_en',
            'services.name_ar',
            'package_services.sessions',
            'clinics.id as clinic_id',
            'clinics.name_en as clinic_en',
            'clinics.name_ar as clinic_ar',
          ])
          .whereRef('package_services.tenant_id', '=', 'packages.tenant_id')
          .whereRef('package_services.package_id', '=', 'packages.id')
          .orderBy('clinics.name_en')
          .orderBy('services.name_en'),
      ).as('services'),
    ])
    .where('packages.tenant_id', '=', tenantId);
}

/**
 * The modal's "available packages": every active package, even ones the patient holds.
 * A query to nest in loadPatientPackages' one statement.
 */
export function activeCatalogue(db: Database, tenantId: string) {
  return catalogueQuery(db, tenantId)
    .where('packages.active', '=', true)
    .orderBy('packages.name_en');
}

export function findPackage(
  db: Database,
  tenantId: string,
  packageId: string,
): Promise<CatalogueEntry | undefined> {
  return catalogueQuery(db, tenantId).where('packages.id', '=', packageId).executeTakeFirst();
}
