import { hashPassword } from '../auth/password.js';
import type { StaffActor } from '../db/audit.js';
import type { Database } from '../db/client.js';
import * as tenants from '../db/tenants.js';
import { isSupportedCurrency, isSupportedTimeZone, type TenantSettings } from '../db/tenants.js';
import { changeSessions, type SessionStore } from './session-changes.js';

/** A centre's own rows: created (the tenant:create CLI) and its settings changed. */

/**
 * The settings, in one transaction (the queued messages follow them there); the tenant's
 * cached sessions carry them and are forgotten after.
 */
export function updateTenantSettings(
  store: SessionStore,
  actor: StaffActor,
  settings: TenantSettings,
  now: Date,
): Promise<void> {
  const change = { tenant: actor.tenantId, user: null, session: null };
  return changeSessions(store, change, (trx) =>
    tenants.updateTenantSettings(trx, actor, settings, now),
  );
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
 * unknown zone or currency and an email already in use (in any tenant). The password is
 * hashed (slow on purpose) before the transaction opens.
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
  return db.transaction().execute((trx) =>
    tenants.insertTenantWithAdmin(trx, {
      name: input.name.trim(),
      timezone: input.timezone,
      currency: input.currency,
      adminEmail: email,
      adminName: input.adminName?.trim() || 'Administrator',
      passwordHash,
    }),
  );
}
