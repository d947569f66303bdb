import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { NotFound } from '../domain/errors.js';
import { recordAudit, type Actor } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { submitOnce } from './form-submissions.js';
import { prepared } from './prepared.js';

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
export function purchaseClinics(db: Database, tenantId: string, purchaseId: string) {
  return activeClinics(db, tenantId).where((eb) =>
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
  );
}

/** Clinics that perform a service of the package (before it is sold). */
function packageClinics(db: Database, tenantId: string, packageId: string) {
  return activeClinics(db, tenantId).where((eb) =>
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
  );
}

/**
 * A purchase's name and the clinics it can still be booked in, in one statement; undefined
 * when the purchase is not the tenant's.
 */
export async function findPurchaseClinics(
  db: Database,
  tenantId: string,
  purchaseId: string,
): Promise<{ name_en: string; clinics: ClinicOption[] } | undefined> {
  const [row] = await purchaseWithClinics(db, { tenantId, purchaseId });
  return row;
}

const purchaseWithClinics = prepared((db, values: { tenantId: string; purchaseId: string }) =>
  db
    .selectFrom('package_purchases')
    .select([
      'name_en',
      jsonArrayFrom(purchaseClinics(db, values.tenantId, values.purchaseId)).as('clinics'),
    ])
    .where('tenant_id', '=', values.tenantId)
    .where('id', '=', values.purchaseId),
);

/**
 * A package's name, whether it is on sale, and the clinics that perform its services, in one
 * statement; undefined when the package is not the tenant's.
 */
export function findPackageClinics(
  db: Database,
  tenantId: string,
  packageId: string,
): Promise<{ name_en: string; active: boolean; clinics: ClinicOption[] } | undefined> {
  return db
    .selectFrom('packages')
    .select([
      'name_en',
      'active',
      jsonArrayFrom(packageClinics(db, tenantId, packageId)).as('clinics'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', packageId)
    .executeTakeFirst();
}

export interface ClinicValues {
  name_en: string;
  name_ar: string;
  specialty: string;
}

export function findClinic(
  db: Database,
  tenantId: string,
  clinicId: string,
): Promise<ClinicOption | undefined> {
  return db
    .selectFrom('clinics')
    .select(['id', 'name_en', 'name_ar', 'specialty'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', clinicId)
    .executeTakeFirst();
}

/** A new clinic, once per form token (a double submit answers with the first one's id). */
export async function createClinic(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  formToken: string,
  values: ClinicValues,
): Promise<{ id: string; created: boolean }> {
  return submitOnce(trx, { tenantId, token: formToken, entity: 'clinic' }, async () => {
    const { id } = await trx
      .insertInto('clinics')
      .values({ tenant_id: tenantId, ...values })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actorId: actor.id,
      ip: actor.ip,
      action: 'clinic.create',
      entity: 'clinic',
      entityId: id,
      after: values,
    });
    return id;
  });
}

export async function updateClinic(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  clinicId: string,
  values: ClinicValues,
): Promise<void> {
  const before = await findClinic(trx, tenantId, clinicId);
  if (!before) throw new NotFound('clinicNotFound');
  await trx
    .updateTable('clinics')
    .set(values)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', clinicId)
    .execute();
  await recordAudit(trx, {
    tenantId,
    actorId: actor.id,
    ip: actor.ip,
    action: 'clinic.update',
    entity: 'clinic',
    entityId: clinicId,
    before,
    after: values,
  });
}
