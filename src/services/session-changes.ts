import type { SessionCache } from '../auth/session-cache.js';
import type { Database, DbTransaction } from '../db/client.js';
import { publishSessionChange, type SessionChange } from '../events/bus.js';

/** The database and this instance's cached sessions: what a change to sessions needs. */
export interface SessionStore {
  db: Database;
  sessions: SessionCache;
}

/**
 * `write` in one transaction that announces `change` at its commit (every instance forgets the
 * sessions it covers and re-checks their event streams); this instance forgets them at once
 * when the transaction ends, committed or not, so its next request reads the change.
 */
export function changeSessions<T>(
  { db, sessions }: SessionStore,
  change: SessionChange,
  write: (trx: DbTransaction) => Promise<T>,
): Promise<T> {
  return db
    .transaction()
    .execute(async (trx) => {
      const result = await write(trx);
      await publishSessionChange(trx, change);
      return result;
    })
    .finally(() => sessions.forget(change));
}
