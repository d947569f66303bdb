import { NotFound } from '../domain/errors.js';
import { recordAudit } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import type { StaffActor } from './audit.js';

export interface TenantSettings {
  name: string;
  timezone: string;
  currency: string;
  cancellation_window_hours: number;
}

const settingsColumns = ['name', 'timezone', 'currency', 'cancellation_window_hours'] as const;

/** Every IANA zone the runtime knows (Intl leaves out the alias 'UTC'; centres may use it). */
export function supportedTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

export function isSupportedTimeZone(zone: string): boolean {
  return supportedTimeZones().includes(zone);
}

/** ISO 4217 codes the runtime can format. */
export function isSupportedCurrency(code: string): boolean {
  return Intl.supportedValuesOf('currency').includes(code);
}

export async function findTenantSettings(db: Database, tenantId: string): Promise<TenantSettings> {
  const settings = await db
    .selectFrom('tenants')
    .select(settingsColumns)
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!settings) throw new NotFound('centreNotFound');
  return settings;
}

export async function updateTenantSettings(
  trx: DbTransaction,
  actor: StaffActor,
  settings: TenantSettings,
): Promise<void> {
  const before = await trx
    .selectFrom('tenants')
    .select(settingsColumns)
    .where('id', '=', actor.tenantId)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  const after = await trx
    .updateTable('tenants')
    .set(settings)
    .where('id', '=', actor.tenantId)
    .returning(settingsColumns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    action: 'tenant.update_settings',
    entity: 'tenant',
    entityId: actor.tenantId,
    before,
    after,
    ip: actor.ip,
  });
}

/** A new centre and its administrator, as createTenantWithAdmin (src/services/tenants.ts) checked them. */
export interface NewTenantRows {
  name: string;
  timezone: string;
  currency: string;
  /** Trimmed and lower-cased. */
  adminEmail: string;
  adminName: string;
  passwordHash: string;
}

/** The tenant row, its one ADMIN and the audit row; an email already in use is refused. */
export async function insertTenantWithAdmin(
  trx: DbTransaction,
  input: NewTenantRows,
): Promise<{ tenantId: string; adminId: string }> {
  const email = input.adminEmail;
  const taken = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (taken) throw new Error(`A user with the email ${email} already exists.`);
  const tenant = await trx
    .insertInto('tenants')
    .values({ name: input.name, timezone: input.timezone, currency: input.currency })
    .returning('id')
    .executeTakeFirstOrThrow();
  const admin = await trx
    .insertInto('users')
    .values({
      tenant_id: tenant.id,
      email,
      name: input.adminName,
      role: 'ADMIN',
      password_hash: input.passwordHash,
    })
    .returning(['id', 'email', 'name', 'role'])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: null,
    action: 'tenant.create',
    entity: 'tenant',
    entityId: tenant.id,
    after: { name: input.name, timezone: input.timezone, currency: input.currency, admin },
  });
  return { tenantId: tenant.id, adminId: admin.id };
}
