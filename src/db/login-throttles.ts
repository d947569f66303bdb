import { sql } from 'kysely';
import type { Database } from './client.js';

/**
 * Sign-in throttling, in the database so that every app instance sees the same counts.
 * After `limit` consecutive failures a key is locked, for 30 s doubling with each further
 * failure up to 15 minutes; attempts while locked are refused without counting. Rows not
 * touched for a day are forgotten, so the table stays bounded.
 */

export interface ThrottleKey {
  key: string;
  limit: number;
}

/** Five wrong passwords for one account; more for one address (a clinic's desks share it). */
export const ACCOUNT_FAILURE_LIMIT = 5;
export const ADDRESS_FAILURE_LIMIT = 20;
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 24 * 60 * 60_000;

export function accountKey(email: string): ThrottleKey {
  return { key: `account:${email}`, limit: ACCOUNT_FAILURE_LIMIT };
}

/** The account's key and, when the caller's address is known, the address's. */
export function signInKeys(email: string, ip: string | null): ThrottleKey[] {
  return ip
    ? [accountKey(email), { key: `ip:${ip}`, limit: ADDRESS_FAILURE_LIMIT }]
    : [accountKey(email)];
}

export function lockDuration(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - limit, 10));
}

export async function isLocked(db: Database, keys: ThrottleKey[], now: Date): Promise<boolean> {
  const locked = await db
    .selectFrom('login_throttles')
    .select('key')
    .where(
      'key',
      'in',
      keys.map((key) => key.key),
    )
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return locked !== undefined;
}

export async function recordFailure(db: Database, keys: ThrottleKey[], now: Date): Promise<void> {
  await db
    .deleteFrom('login_throttles')
    .where('last_failure_at', '<', new Date(now.getTime() - FORGET_AFTER_MS))
    .execute();
  for (const { key, limit } of keys) {
    const { failures } = await db
      .insertInto('login_throttles')
      .values({ key, failures: 1, last_failure_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql`login_throttles.failures + 1`,
          last_failure_at: now,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const lock = lockDuration(failures, limit);
    if (lock > 0) {
      await db
        .updateTable('login_throttles')
        .set({ locked_until: new Date(now.getTime() + lock) })
        .where('key', '=', key)
        .execute();
    }
  }
}

/** A successful sign-in: the account's failures are no longer consecutive. */
export async function clearFailures(db: Database, key: ThrottleKey): Promise<void> {
  await db.deleteFrom('login_throttles').where('key', '=', key.key).execute();
}
