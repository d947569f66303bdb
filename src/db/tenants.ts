import { forgetTenantSessions } from '../auth/session-cache.js';
import { hashPassword } from '../auth/password.js';
import { NotFound } from '../domain/errors.js';
import { recordAudit } from './audit.js';
import type { Database } from './client.js';
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

export function updateTenantSettings(
  db: Database,
  actor: StaffActor,
  settings: TenantSettings,
): Promise<void> {
  const written = db.transaction().execute(async (trx) => {
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
  });
  return written.finally(() => forgetTenantSessions(actor.tenantId));
}

export interface NewTenant {
  name: string;
  timezone: string;
  currency: string;
  adminEmail: string;
  adminPassword: string;
  adminName?: string;
}

/**
 * An empty centre with one administrator, who sets up the rest through the UI. Refuses an
 * unknown zone or currency and an email already in use (in any tenant).
 */
export async function createTenantWithAdmin(
  db: Database,
  input: NewTenant,
): Promise<{ tenantId: string; adminId: string }> {
  if (!isSupportedTimeZone(input.timezone)) throw new Error(`Unknown time zone: ${input.timezone}`);
  if (!isSupportedCurrency(input.currency)) throw new Error(`Unknown currency: ${input.currency}`);
  if (input.adminPassword.length < 10)
    throw new Error('The password needs at least 10 characters.');
  const email = input.adminEmail.trim().toLowerCase();
  const passwordHash = await hashPassword(input.adminPassword);
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (taken) throw new Error(`A user with the email ${email} already exists.`);
    const tenant = await trx
      .insertInto('tenants')
      .values({ name: input.name.trim(), timezone: input.timezone, currency: input.currency })
      .returning('id')
      .executeTakeFirstOrThrow();
    const admin = await trx
      .insertInto('users')
      .values({
        tenant_id: tenant.id,
        email,
        name: input.adminName?.trim() || 'Administrator',
        role: 'ADMIN',
        password_hash: passwordHash,
      })
      .returning(['id', 'email', 'name', 'role'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId: tenant.id,
      actorId: null,
      action: 'tenant.create',
      entity: 'tenant',
      entityId: tenant.id,
      after: { name: input.name.trim(), timezone: input.timezone, currency: input.currency, admin },
    });
    return { tenantId: tenant.id, adminId: admin.id };
  });
}
