import type { Database } from '../db/client.js';
import * as throttles from '../db/login-throttles.js';
import type { ThrottleKey } from '../db/login-throttles.js';

/** Rolls back an attempt that a locked key refused (login-throttles.ts, reserveAttempt). */
class Refused extends Error {}

/**
 * Counts a sign-in attempt before its password is checked; false when one of its keys is
 * locked, and then nothing is counted anywhere.
 */
export async function reserveSignInAttempt(
  db: Database,
  keys: ThrottleKey[],
  now: Date,
): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      if (!(await throttles.reserveAttempt(trx, keys, now))) throw new Refused();
    });
    return true;
  } catch (error) {
    if (error instanceof Refused) return false;
    throw error;
  }
}

/** The attempt was right: its pair, account and address start again. */
export function acceptSignInAttempt(db: Database, keys: ThrottleKey[]): Promise<void> {
  return db.transaction().execute((trx) => throttles.acceptAttempt(trx, keys));
}
