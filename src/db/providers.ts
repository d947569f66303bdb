import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { NotFound, ValidationFailed, type FieldKeys } from '../domain/errors.js';
import {
  duringTimeOff,
  outsideClinics,
  outsideHours,
  StrandedAppointments,
  type LiveAppointment,
} from '../domain/provider-changes.js';
import type { WorkingHours } from '../domain/slots.js';
import { appointmentRows } from './appointment-rows.js';
import { recordAudit, type Actor } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { submitOnce } from './form-submissions.js';
import { prepared } from './prepared.js';

export interface ProviderOption {
  id: string;
  name_en: string;
  name_ar: string;
}

/** Active providers working in a clinic. */
export function listProvidersForClinic(
  db: Database,
  tenantId: string,
  clinicId: string,
): Promise<ProviderOption[]> {
  return clinicProviders(db, tenantId, clinicId).execute();
}

export function clinicProviders(db: Database, tenantId: string, clinicId: string) {
  return db
    .selectFrom('providers')
    .innerJoin('provider_clinics', (join) =>
      join
        .onRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
        .onRef('provider_clinics.provider_id', '=', 'providers.id'),
    )
    .select(['providers.id', 'providers.name_en', 'providers.name_ar'])
    .where('providers.tenant_id', '=', tenantId)
    .where('provider_clinics.clinic_id', '=', clinicId)
    .where('providers.active', '=', true)
    .orderBy('providers.name_en');
}

/**
 * The active providers of a clinic with the checks of the JSON API, in one statement:
 * undefined when the clinic is not the tenant's; `service_found` tells whether the service
 * asked for (if any) is one of this clinic's.
 */
export async function findClinicProviders(
  db: Database,
  tenantId: string,
  clinicId: string,
  serviceId: string | null,
): Promise<{ service_found: boolean; providers: ProviderOption[] } | undefined> {
  const [row] = await clinicProvidersWithService(db, { tenantId, clinicId, serviceId });
  return row;
}

/** The clinic's providers, and whether the service asked for (if any) is one of the clinic's. */
const clinicProvidersWithService = prepared(
  (db, values: { tenantId: string; clinicId: string; serviceId: string | null }) =>
    db
      .selectFrom('clinics')
      .select([
        sql<boolean>`${values.serviceId}::uuid is null or exists (
          select from services where services.tenant_id = clinics.tenant_id
            and services.id = ${values.serviceId} and services.clinic_id = clinics.id
        )`.as('service_found'),
        jsonArrayFrom(clinicProviders(db, values.tenantId, values.clinicId)).as('providers'),
      ])
      .where('clinics.tenant_id', '=', values.tenantId)
      .where('clinics.id', '=', values.clinicId),
);

/** The clinics a provider works in, by name; undefined when the provider is not the tenant's. */
export async function providerClinicIds(
  db: Database,
  tenantId: string,
  providerId: string,
): Promise<string[] | undefined> {
  const row = await db
    .selectFrom('providers')
    .select((eb) =>
      eb
        .selectFrom('provider_clinics')
        .innerJoin('clinics', (join) =>
          join
            .onRef('clinics.tenant_id', '=', 'provider_clinics.tenant_id')
            .onRef('clinics.id', '=', 'provider_clinics.clinic_id'),
        )
        .select(
          sql<
            string[]
          >`coalesce(array_agg(clinics.id::text order by clinics.name_en), '{}'::text[])`.as('ids'),
        )
        .whereRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
        .whereRef('provider_clinics.provider_id', '=', 'providers.id')
        .as('clinic_ids'),
    )
    .where('tenant_id', '=', tenantId)
    .where('id', '=', providerId)
    .executeTakeFirst();
  return row ? (row.clinic_ids ?? []) : undefined;
}

export interface AdminProvider extends ProviderOption {
  active: boolean;
  user_id: string | null;
  user_name: string | null;
  user_email: string | null;
  clinics: { id: string; name_en: string; name_ar: string }[];
  hours: WorkingHours[];
}

function adminProviders(db: Database, tenantId: string) {
  return db
    .selectFrom('providers')
    .leftJoin('users', (join) =>
      join
        .onRef('users.tenant_id', '=', 'providers.tenant_id')
        .onRef('users.id', '=', 'providers.user_id'),
    )
    .select((eb) => [
      'providers.id',
      'providers.name_en',
      'providers.name_ar',
      'providers.active',
      'providers.user_id',
      'users.name as user_name',
      'users.email as user_email',
      jsonArrayFrom(
        eb
          .selectFrom('provider_clinics')
          .innerJoin('clinics', (join) =>
            join
              .onRef('clinics.tenant_id', '=', 'provider_clinics.tenant_id')
              .onRef('clinics.id', '=', 'provider_clinics.clinic_id'),
          )
          .select(['clinics.id', 'clinics.name_en', 'clinics.name_ar'])
          .whereRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
          .whereRef('provider_clinics.provider_id', '=', 'providers.id')
          .orderBy('clinics.name_en'),
      ).as('clinics'),
      jsonArrayFrom(
        eb
          .selectFrom('provider_schedules')
          .select([
            'provider_schedules.weekday',
            sql<string>`to_char(provider_schedules.start_time, 'HH24:MI')`.as('start_time'),
            sql<string>`to_char(provider_schedules.end_time, 'HH24:MI')`.as('end_time'),
          ])
          .whereRef('provider_schedules.tenant_id', '=', 'providers.tenant_id')
          .whereRef('provider_schedules.provider_id', '=', 'providers.id')
          .orderBy('provider_schedules.weekday')
          .orderBy('provider_schedules.start_time'),
      ).as('hours'),
    ])
    .where('providers.tenant_id', '=', tenantId);
}

export function listAdminProviders(db: Database, tenantId: string): Promise<AdminProvider[]> {
  return adminProviders(db, tenantId).orderBy('providers.name_en').execute();
}

export function findAdminProvider(
  db: Database,
  tenantId: string,
  providerId: string,
): Promise<AdminProvider | undefined> {
  return adminProviders(db, tenantId).where('providers.id', '=', providerId).executeTakeFirst();
}

/** Users who may be linked to this provider: active PROVIDER users no other provider holds. */
export function listLinkableUsers(
  db: Database,
  tenantId: string,
  providerId: string | null,
): Promise<{ id: string; name: string; email: string }[]> {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.name', 'users.email'])
    .where('users.tenant_id', '=', tenantId)
    .where('users.role', '=', 'PROVIDER')
    .where('users.active', '=', true)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('providers')
            .whereRef('providers.tenant_id', '=', 'users.tenant_id')
            .whereRef('providers.user_id', '=', 'users.id')
            .$if(providerId !== null, (query) => query.where('providers.id', '<>', providerId!)),
        ),
      ),
    )
    .orderBy('users.name')
    .execute();
}

/** The provider's booked and confirmed appointments that have not started yet. */
export function listLiveAppointments(
  db: Database,
  tenantId: string,
  providerId: string,
  now: Date,
): Promise<LiveAppointment[]> {
  return appointmentRows(db, tenantId)
    .where('appointments.provider_id', '=', providerId)
    .where('appointments.status', 'in', ['BOOKED', 'CONFIRMED'])
    .where('appointments.starts_at', '>', now)
    .orderBy('appointments.starts_at')
    .execute();
}

export interface ProviderValues {
  name_en: string;
  name_ar: string;
  user_id: string | null;
  clinic_ids: string[];
}

/** A change that would strand appointments goes through only when the admin keeps them. */
export interface StrandingPolicy {
  now: Date;
  keepAppointments: boolean;
}

function refuseStranding(stranded: LiveAppointment[], policy: StrandingPolicy) {
  if (stranded.length > 0 && !policy.keepAppointments) throw new StrandedAppointments(stranded);
  return stranded.map((appointment) => appointment.id);
}

/** The linked user and clinics must be this tenant's (else: field errors). */
async function checkProviderLinks(
  db: Database,
  tenantId: string,
  providerId: string | null,
  values: ProviderValues,
) {
  const errors: FieldKeys = {};
  if (values.user_id) {
    const linkable = await listLinkableUsers(db, tenantId, providerId);
    if (!linkable.some((user) => user.id === values.user_id))
      errors.user_id = 'providerUserInvalid';
  }
  const clinics = await db
    .selectFrom('clinics')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', values.clinic_ids.length ? values.clinic_ids : [NO_ID])
    .execute();
  if (clinics.length !== values.clinic_ids.length) errors.clinic_ids = 'clinicChoiceInvalid';
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
}

const NO_ID = '00000000-0000-4000-8000-000000000000';

async function writeProviderClinics(
  trx: DbTransaction,
  tenantId: string,
  providerId: string,
  clinicIds: string[],
) {
  await trx
    .deleteFrom('provider_clinics')
    .where('tenant_id', '=', tenantId)
    .where('provider_id', '=', providerId)
    .execute();
  if (clinicIds.length === 0) return;
  await trx
    .insertInto('provider_clinics')
    .values(
      clinicIds.map((clinicId) => ({
        tenant_id: tenantId,
        provider_id: providerId,
        clinic_id: clinicId,
      })),
    )
    .execute();
}

export async function createProvider(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  formToken: string,
  values: ProviderValues,
): Promise<{ id: string; created: boolean }> {
  const { clinic_ids, ...columns } = values;
  return submitOnce(trx, { tenantId, token: formToken, entity: 'provider' }, async () => {
    await checkProviderLinks(trx, tenantId, null, values);
    const { id } = await trx
      .insertInto('providers')
      .values({ tenant_id: tenantId, ...columns })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeProviderClinics(trx, tenantId, id, clinic_ids);
    await recordAudit(trx, {
      tenantId,
      actorId: actor.id,
      ip: actor.ip,
      action: 'provider.create',
      entity: 'provider',
      entityId: id,
      after: values,
    });
    return id;
  });
}

async function existingProvider(db: Database, tenantId: string, providerId: string) {
  const provider = await findAdminProvider(db, tenantId, providerId);
  if (!provider) throw new NotFound('providerNotFound');
  return provider;
}

/** Names, linked user and clinics; leaving a clinic with live appointments there strands them. */
export async function updateProvider(
  trx: DbTransaction,
  tenant: { id: string },
  actor: Actor,
  providerId: string,
  values: ProviderValues,
  policy: StrandingPolicy,
): Promise<void> {
  const { clinic_ids, ...columns } = values;
  const before = await existingProvider(trx, tenant.id, providerId);
  await checkProviderLinks(trx, tenant.id, providerId, values);
  const live = await listLiveAppointments(trx, tenant.id, providerId, policy.now);
  const kept = refuseStranding(outsideClinics(live, clinic_ids), policy);
  await trx
    .updateTable('providers')
    .set(columns)
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', providerId)
    .execute();
  await writeProviderClinics(trx, tenant.id, providerId, clinic_ids);
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    ip: actor.ip,
    action: 'provider.update',
    entity: 'provider',
    entityId: providerId,
    before: { ...before, hours: undefined },
    after: { ...values, kept_appointments: kept },
  });
}

/** Replaces the weekly hours; ranges of one weekday never overlap (checked, and constrained). */
export async function replaceWeeklyHours(
  trx: DbTransaction,
  tenant: { id: string; timezone: string },
  actor: Actor,
  providerId: string,
  hours: WorkingHours[],
  policy: StrandingPolicy,
): Promise<void> {
  const before = await existingProvider(trx, tenant.id, providerId);
  const live = await listLiveAppointments(trx, tenant.id, providerId, policy.now);
  const kept = refuseStranding(outsideHours(live, hours, tenant.timezone), policy);
  await trx
    .deleteFrom('provider_schedules')
    .where('tenant_id', '=', tenant.id)
    .where('provider_id', '=', providerId)
    .execute();
  if (hours.length > 0) {
    await trx
      .insertInto('provider_schedules')
      .values(hours.map((range) => ({ tenant_id: tenant.id, provider_id: providerId, ...range })))
      .execute();
  }
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    ip: actor.ip,
    action: 'provider.schedule',
    entity: 'provider',
    entityId: providerId,
    before: { hours: before.hours },
    after: { hours, kept_appointments: kept },
  });
}

export interface TimeOff {
  id: string;
  starts_at: Date;
  ends_at: Date;
  reason: string;
}

/** Time off that has not ended yet, soonest first. */
export function listTimeOff(
  db: Database,
  tenantId: string,
  providerId: string,
  now: Date,
): Promise<TimeOff[]> {
  return db
    .selectFrom('provider_time_off')
    .select(['id', 'starts_at', 'ends_at', 'reason'])
    .where('tenant_id', '=', tenantId)
    .where('provider_id', '=', providerId)
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .execute();
}

export async function addTimeOff(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  formToken: string,
  providerId: string,
  off: Omit<TimeOff, 'id'>,
  policy: StrandingPolicy,
): Promise<{ id: string; created: boolean }> {
  await existingProvider(trx, tenantId, providerId);
  return submitOnce(trx, { tenantId, token: formToken, entity: 'time_off' }, async () => {
    const live = await listLiveAppointments(trx, tenantId, providerId, policy.now);
    const kept = refuseStranding(
      duringTimeOff(live, { start: off.starts_at, end: off.ends_at }),
      policy,
    );
    const { id } = await trx
      .insertInto('provider_time_off')
      .values({ tenant_id: tenantId, provider_id: providerId, ...off })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actorId: actor.id,
      ip: actor.ip,
      action: 'provider.time_off.add',
      entity: 'provider',
      entityId: providerId,
      after: { id, ...off, kept_appointments: kept },
    });
    return id;
  });
}

export async function removeTimeOff(
  trx: DbTransaction,
  tenantId: string,
  actor: Actor,
  providerId: string,
  timeOffId: string,
): Promise<void> {
  const removed = await trx
    .deleteFrom('provider_time_off')
    .where('tenant_id', '=', tenantId)
    .where('provider_id', '=', providerId)
    .where('id', '=', timeOffId)
    .returning(['id', 'starts_at', 'ends_at', 'reason'])
    .executeTakeFirst();
  if (!removed) throw new NotFound('timeOffNotFound');
  await recordAudit(trx, {
    tenantId,
    actorId: actor.id,
    ip: actor.ip,
    action: 'provider.time_off.remove',
    entity: 'provider',
    entityId: providerId,
    before: removed,
  });
}
