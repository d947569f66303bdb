import { NotFound } from '../domain/errors.js';
import { recordAudit } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import type { StaffActor } from './audit.js';
import { retimePendingReminders, skipPendingOnChannels } from './messages.js';
import type { MessageChannel } from './schema.js';

export interface TenantSettings {
  name: string;
  timezone: string;
  currency: string;
  cancellation_window_hours: number;
  log_messages: boolean;
  email_messages: boolean;
  sms_messages: boolean;
  whatsapp_messages: boolean;
  /** Null: no reminders. */
  reminder_hours_before: number | null;
  /** 'HH:MM' or 'HH:MM:SS' in the centre's zone. */
  quiet_hours_start: string;
  quiet_hours_end: string;
  /** A fraction as text, '0.1500' for 15 %. */
  vat_rate: string;
  vat_number: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
}

const settingsColumns = [
  'name',
  'timezone',
  'currency',
  'cancellation_window_hours',
  'log_messages',
  'email_messages',
  'sms_messages',
  'whatsapp_messages',
  'reminder_hours_before',
  'quiet_hours_start',
  'quiet_hours_end',
  'vat_rate',
  'vat_number',
  'country',
] as const;

const CHANNEL_COLUMNS = {
  log: 'log_messages',
  email: 'email_messages',
  sms: 'sms_messages',
  whatsapp: 'whatsapp_messages',
} as const satisfies Record<MessageChannel, keyof TenantSettings>;

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

/**
 * The settings, audited; what is still queued follows them in the same transaction: reminders
 * waiting to go out move to the new lead time (or are dropped when reminders are switched
 * off), and messages waiting on a channel switched off are not sent.
 */
export async function updateTenantSettings(
  trx: DbTransaction,
  actor: StaffActor,
  settings: TenantSettings,
  now: Date,
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
  if (after.reminder_hours_before !== before.reminder_hours_before) {
    await retimePendingReminders(trx, actor.tenantId, after.reminder_hours_before, now);
  }
  const switchedOff = (Object.keys(CHANNEL_COLUMNS) as MessageChannel[]).filter(
    (channel) => before[CHANNEL_COLUMNS[channel]] && !after[CHANNEL_COLUMNS[channel]],
  );
  await skipPendingOnChannels(trx, actor.tenantId, switchedOff);
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
