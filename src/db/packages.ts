import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { NotFound, ValidationFailed } from '../domain/errors.js';
import { recordAudit, type Actor } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { submitOnce } from './form-submissions.js';

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

/** One package with its services: a query to run, or to nest in a caller's statement. */
export function packageQuery(db: Database, tenantId: string, packageId: string) {
  return catalogueQuery(db, tenantId).where('packages.id', '=', packageId);
}

export function findPackage(
  db: Database,
  tenantId: string,
  packageId: string,
): Promise<CatalogueEntry | undefined> {
  return packageQuery(db, tenantId, packageId).executeTakeFirst();
}

/** The whole catalogue for the administrator: on sale first, then by name. */
export function listCatalogue(db: Database, tenantId: string): Promise<CatalogueEntry[]> {
  return catalogueQuery(db, tenantId)
    .orderBy('packages.active', 'desc')
    .orderBy('packages.name_en')
    .execute();
}

export interface PackageValues {
  name_en: string;
  name_ar: string;
  /** numeric(12,2) as text */
  price: string;
  validity_days: number;
  active: boolean;
  services: { service_id: string; sessions: number }[];
}

/** Every service of the package must be one of the tenant's (else: a field error). */
async function writePackageServices(
  trx: DbTransaction,
  tenantId: string,
  packageId: string,
  services: PackageValues['services'],
) {
  const known = await trx
    .selectFrom('services')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(
      'id',
      'in',
      services.map((service) => service.service_id),
    )
    .execute();
  if (known.length !== new Set(services.map((service) => service.service_id)).size) {
    throw new ValidationFailed({ services: 'serviceChoiceInvalid' });
  }
  await trx
    .deleteFrom('package_services')
    .where('tenant_id', '=', tenantId)
    .where('package_id', '=', packageId)
    .execute();
  await trx
    .insertInto('package_services')
    .values(services.map((service) => ({ tenant_id: tenantId, package_id: packageId, ...service })))
    .execute();
}

export async function createPackage(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  formToken: string,
  values: PackageValues,
): Promise<{ id: string; created: boolean }> {
  const { services, ...columns } = values;
  return submitOnce(trx, { tenantId, token: formToken, entity: 'package' }, async () => {
    const { id } = await trx
      .insertInto('packages')
      .values({ tenant_id: tenantId, ...columns })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writePackageServices(trx, tenantId, id, services);
    await recordAudit(trx, {
      tenantId,
      actorId: actor.id,
      ip: actor.ip,
      action: 'package.create',
      entity: 'package',
      entityId: id,
      after: values,
    });
    return id;
  });
}

/**
 * Changes the package as sold from now on. Purchases already sold keep their own snapshot
 * (names, price, sessions in package_purchases and purchase_services): nothing here touches them.
 */
export async function updatePackage(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  packageId: string,
  values: PackageValues,
): Promise<void> {
  const { services, ...columns } = values;
  const before = await findPackage(trx, tenantId, packageId);
  if (!before) throw new NotFound('packageNotFound');
  await trx
    .updateTable('packages')
    .set(columns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', packageId)
    .execute();
  await writePackageServices(trx, tenantId, packageId, services);
  await recordAudit(trx, {
    tenantId,
    actorId: actor.id,
    ip: actor.ip,
    action: 'package.update',
    entity: 'package',
    entityId: packageId,
    before,
    after: values,
  });
}
