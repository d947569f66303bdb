import { sql, type ExpressionBuilder } from 'kysely';
import type { Database, DbTransaction } from './client.js';
import type { DB, ThrottleScope } from './schema.js';

/**
 * Sign-in throttling, in the database so that every app instance sees the same counts
 * (README, "Sign-in throttling"). An attempt is counted on three rows — its (account, address)
 * pair, its account and its address — *before* its password is checked; once a row has
 * reached its limit it is locked, for 30 s doubling with each further attempt up to
 * 15 minutes, and attempts while locked are refused unchecked and uncounted. A row's count is
 * forgotten a day after its last attempt.
 */

/** One person mistyping, or one guesser: their address stops before the account does. */
export const PAIR_FAILURE_LIMIT = 5;
/** Guesses at one account from many addresses; high, so a guesser cannot lock its owner out. */
export const ACCOUNT_FAILURE_LIMIT = 50;
/** One address guessing many accounts; high, as a clinic's desks share one address. */
export const ADDRESS_FAILURE_LIMIT = 100;
export const FIRST_LOCK_SECONDS = 30;
export const LONGEST_LOCK_SECONDS = 15 * 60;
export const FORGET_AFTER_MS = 24 * 60 * 60_000;

const LIMITS: Record<ThrottleScope, number> = {
  pair: PAIR_FAILURE_LIMIT,
  account: ACCOUNT_FAILURE_LIMIT,
  address: ADDRESS_FAILURE_LIMIT,
};

export interface ThrottleKey {
  scope: ThrottleScope;
  account: string;
  address: string;
}

/**
 * The rows an attempt at `email` from `ip` counts on, in the order every statement takes
 * their locks (pair, account, address), so that two statements never wait on each other.
 * An unknown address (no socket) has no row of its own: it would lump every such caller.
 */
export function attemptKeys(email: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [
    { scope: 'pair', account: email, address: ip ?? '' },
    { scope: 'account', account: email, address: '' },
  ];
  if (ip) keys.push({ scope: 'address', account: '', address: ip });
  return keys;
}

const existing = 'login_throttles';

/** The row's count with this attempt: a count a day old starts again. */
function nextCount(forgetBefore: Date) {
  return sql<number>`case when ${sql.ref(`${existing}.last_failure_at`)} <= ${forgetBefore}
    then 1 else ${sql.ref(`${existing}.failures`)} + 1 end`;
}

function limitOf() {
  return sql<number>`case ${sql.ref(`${existing}.scope`)}
    when 'pair' then ${sql.lit(LIMITS.pair)}
    when 'account' then ${sql.lit(LIMITS.account)}
    else ${sql.lit(LIMITS.address)} end`;
}

/**
 * Counts one attempt on every key, in one statement: a key that is locked takes nothing
 * (its upsert's condition fails) and the statement returns fewer rows. The caller commits
 * only when every key took it (`true`), and rolls back otherwise, so that attempts refused
 * by one key do not count on the others. Concurrent attempts queue on the rows' locks and
 * each sees the count the previous one left: at most the limit gets through.
 */
export async function reserveAttempt(
  trx: DbTransaction,
  keys: ThrottleKey[],
  now: Date,
): Promise<boolean> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  const count = nextCount(forgetBefore);
  const limit = limitOf();
  const lockSeconds = sql<number>`least(${sql.lit(LONGEST_LOCK_SECONDS)},
    ${sql.lit(FIRST_LOCK_SECONDS)} * power(2, least(${count} - ${limit}, 10)))`;
  const taken = await trx
    .insertInto('login_throttles')
    .values(keys.map((key) => ({ ...key, failures: 1, last_failure_at: now, locked_until: null })))
    .onConflict((oc) =>
      oc
        .columns(['scope', 'account', 'address'])
        .doUpdateSet({
          failures: count,
          last_failure_at: now,
          locked_until: sql<Date | null>`case when ${count} >= ${limit}
            then ${now}::timestamptz + ${lockSeconds} * interval '1 second' end`,
        })
        .where((eb) =>
          eb.or([
            eb(`${existing}.locked_until`, 'is', null),
            eb(`${existing}.locked_until`, '<=', now),
          ]),
        ),
    )
    .returning('scope')
    .execute();
  return taken.length === keys.length;
}

/**
 * A successful sign-in: its pair, its account and its address start again (the issue's
 * policy: the owner proved the password, and any success from an address clears it). In lock
 * order, one statement each.
 */
export async function acceptAttempt(trx: DbTransaction, keys: ThrottleKey[]): Promise<void> {
  for (const key of keys) {
    await trx.deleteFrom('login_throttles').where(keyIs(key)).execute();
  }
}

function keyIs(key: ThrottleKey) {
  return (eb: ExpressionBuilder<DB, 'login_throttles'>) =>
    eb.and([
      eb('scope', '=', key.scope),
      eb('account', '=', key.account),
      eb('address', '=', key.address),
    ]);
}

/**
 * Forgets rows untouched for a day, so the table stays bounded. Rows another statement holds
 * are skipped, not waited for: a prune never takes part in a deadlock.
 */
export async function pruneThrottles(db: Database, now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  await db
    .deleteFrom('login_throttles')
    .where((eb) =>
      eb(
        eb.refTuple('scope', 'account', 'address'),
        'in',
        eb
          .selectFrom('login_throttles')
          .select(['scope', 'account', 'address'])
          .where('last_failure_at', '<', forgetBefore)
          .forUpdate()
          .skipLocked()
          .$asTuple('scope', 'account', 'address'),
      ),
    )
    .execute();
}

/** The latest moment until which some address cannot sign in to the account; null if none. */
export async function accountLockedUntil(
  db: Database,
  email: string,
  now: Date,
): Promise<Date | null> {
  const row = await db
    .selectFrom('login_throttles')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('account', '=', email)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ?? null;
}

/** Of these emails, those some address cannot sign in to now. */
export async function lockedAccounts(
  db: Database,
  emails: string[],
  now: Date,
): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('login_throttles')
    .select('account')
    .distinct()
    .where('account', 'in', emails)
    .where('locked_until', '>', now)
    .execute();
  return new Set(rows.map((row) => row.account));
}

/**
 * An administrator's unlock: the account's rows and its pairs' go (addresses' rows are no
 * one tenant's to clear). Pairs first, then the account: the lock order of reserveAttempt.
 * Returns how many failures were forgotten.
 */
export async function clearAccount(trx: DbTransaction, email: string): Promise<number> {
  let cleared = 0;
  for (const scope of ['pair', 'account'] as const) {
    const rows = await trx
      .deleteFrom('login_throttles')
      .where('scope', '=', scope)
      .where('account', '=', email)
      .returning('failures')
      .execute();
    if (scope === 'account') cleared = rows.reduce((sum, row) => sum + row.failures, 0);
  }
  return cleared;
}
