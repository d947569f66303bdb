import type { StaffActor } from '../db/audit.js';
import type { Database } from '../db/client.js';
import type { Locale, Role } from '../db/schema.js';
import * as users from '../db/users.js';
import type { NewUser } from '../db/users.js';
import { changeSessions, type SessionStore } from './session-changes.js';

/**
 * Changes to a user, each in one transaction. What a session grants (user, role, language) is
 * cached by every instance (auth/session-cache.ts): a change to an existing user is announced
 * to them all and forgets that user's cached sessions (session-changes.ts).
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
  store: SessionStore,
  user: { tenantId: string; id: string; locale: Locale },
  locale: Locale,
  ip: string | null,
): Promise<void> {
  return changeSessions(store, userChange(user.tenantId, user.id), (trx) =>
    users.setUserLocale(trx, user, locale, ip),
  );
}

export function updateTenantUser(
  store: SessionStore,
  actor: StaffActor,
  userId: string,
  change: { name: string; role: Role; locale: Locale },
): Promise<void> {
  return changeSessions(store, userChange(actor.tenantId, userId), (trx) =>
    users.updateTenantUser(trx, actor, userId, change),
  );
}

export function setUserActive(
  store: SessionStore,
  actor: StaffActor,
  userId: string,
  active: boolean,
): Promise<void> {
  return changeSessions(store, userChange(actor.tenantId, userId), (trx) =>
    users.setUserActive(trx, actor, userId, active),
  );
}

export function unlockSignIn(db: Database, actor: StaffActor, userId: string): Promise<void> {
  return db.transaction().execute((trx) => users.unlockSignIn(trx, actor, userId));
}

export function setUserPassword(
  store: SessionStore,
  actor: StaffActor,
  userId: string,
  passwordHash: string,
  keepSession?: { sessionId: string },
): Promise<void> {
  return changeSessions(store, userChange(actor.tenantId, userId), (trx) =>
    users.setUserPassword(trx, actor, userId, passwordHash, keepSession),
  );
}

function userChange(tenant: string, user: string) {
  return { tenant, user, session: null };
}
