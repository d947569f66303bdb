import { sql, type Kysely } from 'kysely';

/**
 * Failed sign-ins counted per (account, address) pair, per account and per address, each its
 * own row, so that an administrator can clear an account's rows and a success can clear its
 * pair's. The counts are short-lived: the old table is dropped, not converted (at worst a
 * throttled caller gets its attempts back once, at the deploy).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop table login_throttles`.execute(db);
  await sql`
    create table login_throttles (
      scope text not null check (scope in ('pair', 'account', 'address')),
      -- The email tried (known or not); '' on an address's row.
      account text not null,
      -- The caller's address; '' on an account's row, or when the address is unknown.
      address text not null,
      -- Attempts reserved and not given back; 0 once a success gave its reservation back.
      failures integer not null check (failures >= 0),
      last_failure_at timestamptz not null,
      locked_until timestamptz,
      primary key (scope, account, address),
      check ((scope = 'address') = (account = '')),
      check (scope <> 'account' or address = '')
    )`.execute(db);
  // Old rows are pruned by age.
  await sql`
    create index login_throttles_last_failure_idx on login_throttles (last_failure_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table login_throttles`.execute(db);
  await sql`
    create table login_throttles (
      key text primary key check (key ~ '^(account|ip):.+'),
      failures integer not null check (failures > 0),
      last_failure_at timestamptz not null,
      locked_until timestamptz
    )`.execute(db);
  await sql`
    create index login_throttles_last_failure_idx on login_throttles (last_failure_at)`.execute(db);
}
