import { forgetTenantSessions } from '../auth/session-cache.js';
import type { StaffActor } from '../db/audit.js';
import type { Database } from '../db/client.js';
import type { Locale, Role } from '../db/schema.js';
import * as users from '../db/users.js';
import type { NewUser } from '../db/users.js';

/**
 * Changes to a user, each in one transaction. What a session grants (user, role, language)
 * is cached by this instance (auth/session-cache.ts): a change to an existing user forgets the
 * tenant's cached sessions once the transaction has ended, committed or not.
 */

export function createTenantUser(
  db: Database,
  actor: StaffActor,
  formToken: string,
  user: NewUser,
): Promise<{ id: string; created: boolean }> {
  return db.transaction().execute((trx) => users.createTenantUser(trx, actor, formToken, user));
}

export function setUserLocale(
  db: Database,
  user: { tenantId: string; id: string; locale: Locale },
  locale: Locale,
  ip: string | null,
): Promise<void> {
  return db
    .transaction()
    .execute((trx) => users.setUserLocale(trx, user, locale, ip))
    .finally(() => forgetTenantSessions(user.tenantId));
}

export function updateTenantUser(
  db: Database,
  actor: StaffActor,
  userId: string,
  change: { name: string; role: Role; locale: Locale },
): Promise<void> {
  return db
    .transaction()
    .execute((trx) => users.updateTenantUser(trx, actor, userId, change))
    .finally(() => forgetTenantSessions(actor.tenantId));
}

export function setUserActive(
  db: Database,
  actor: StaffActor,
  userId: string,
  active: boolean,
): Promise<void> {
  return db
    .transaction()
    .execute((trx) => users.setUserActive(trx, actor, userId, active))
    .finally(() => forgetTenantSessions(actor.tenantId));
}

export function unlockSignIn(db: Database, actor: StaffActor, userId: string): Promise<void> {
  return db.transaction().execute((trx) => users.unlockSignIn(trx, actor, userId));
}

export function setUserPassword(
  db: Database,
  actor: StaffActor,
  userId: string,
  passwordHash: string,
  keepSession?: { sessionId: string },
): Promise<void> {
  return db
    .transaction()
    .execute((trx) => users.setUserPassword(trx, actor, userId, passwordHash, keepSession))
    .finally(() => forgetTenantSessions(actor.tenantId));
}
