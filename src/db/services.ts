import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { NotFound, ValidationFailed } from '../domain/errors.js';
import { recordAudit, type Actor } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { clinicExists } from './clinics.js';
import { submitOnce } from './form-submissions.js';
import { clinicProviders, type ProviderOption } from './providers.js';

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

/** The clinic's services; for a package, only those with sessions left on the purchase. */
export function listBookableServices(
  db: Database,
  tenantId: string,
  clinicId: string,
  purchaseId: string | null,
): Promise<ServiceOption[]> {
  return bookableServices(db, tenantId, clinicId, purchaseId).execute();
}

function bookableServices(
  db: Database,
  tenantId: string,
  clinicId: string,
  purchaseId: string | null,
) {
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
  return query.orderBy('services.name_en');
}

/**
 * What the booking form offers once a clinic is chosen, in one statement: its active
 * providers (listProvidersForClinic) and its bookable services (listBookableServices).
 */
export function listClinicChoices(
  db: Database,
  tenantId: string,
  clinicId: string,
  purchaseId: string | null,
): Promise<{ providers: ProviderOption[]; services: ServiceOption[] }> {
  return db
    .selectNoFrom([
      jsonArrayFrom(clinicProviders(db, tenantId, clinicId)).as('providers'),
      jsonArrayFrom(bookableServices(db, tenantId, clinicId, purchaseId)).as('services'),
    ])
    .executeTakeFirstOrThrow();
}

export interface ServiceValues {
  clinic_id: string;
  name_en: string;
  name_ar: string;
  default_duration_minutes: number;
  /** numeric(12,2) as text, e.g. '350.00' */
  price: string;
}

export interface AdminService extends ServiceValues {
  id: string;
  clinic_en: string;
  clinic_ar: string;
}

function adminServices(db: Database, tenantId: string) {
  return db
    .selectFrom('services')
    .innerJoin('clinics', (join) =>
      join
        .onRef('clinics.tenant_id', '=', 'services.tenant_id')
        .onRef('clinics.id', '=', 'services.clinic_id'),
    )
    .select([
      ...serviceColumns,
      'services.price',
      'clinics.name_en as clinic_en',
      'clinics.name_ar as clinic_ar',
    ])
    .where('services.tenant_id', '=', tenantId);
}

/** Every service with its clinic, clinic by clinic. */
export function listServicesByClinic(db: Database, tenantId: string): Promise<AdminService[]> {
  return adminServices(db, tenantId)
    .orderBy('clinics.name_en')
    .orderBy('services.name_en')
    .execute();
}

export function findAdminService(
  db: Database,
  tenantId: string,
  serviceId: string,
): Promise<AdminService | undefined> {
  return adminServices(db, tenantId).where('services.id', '=', serviceId).executeTakeFirst();
}

/** A clinic id from the form must be one of this tenant's clinics (else: a field error). */
async function checkClinic(db: Database, tenantId: string, clinicId: string) {
  if (!(await clinicExists(db, tenantId, clinicId))) {
    throw new ValidationFailed({ clinic_id: 'clinicChoiceInvalid' });
  }
}

export async function createService(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  formToken: string,
  values: ServiceValues,
): Promise<{ id: string; created: boolean }> {
  return submitOnce(trx, { tenantId, token: formToken, entity: 'service' }, async () => {
    await checkClinic(trx, tenantId, values.clinic_id);
    const { id } = await trx
      .insertInto('services')
      .values({ tenant_id: tenantId, ...values })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actorId: actor.id,
      ip: actor.ip,
      action: 'service.create',
      entity: 'service',
      entityId: id,
      after: values,
    });
    return id;
  });
}

export async function updateService(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  serviceId: string,
  values: ServiceValues,
): Promise<void> {
  const before = await findAdminService(trx, tenantId, serviceId);
  if (!before) throw new NotFound('serviceNotFound');
  await checkClinic(trx, tenantId, values.clinic_id);
  await trx
    .updateTable('services')
    .set(values)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', serviceId)
    .execute();
  await recordAudit(trx, {
    tenantId,
    actorId: actor.id,
    ip: actor.ip,
    action: 'service.update',
    entity: 'service',
    entityId: serviceId,
    before,
    after: values,
  });
}
