import { sql, type Kysely } from 'kysely';

/**
 * Failed sign-ins per account (email) and per client address, shared by every app instance.
 * Not tenant-owned: a sign-in comes before any tenant is known, and unknown emails count too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table login_throttles (
      key text primary key check (key ~ '^(account|ip):.+'),
      failures integer not null check (failures > 0),
      last_failure_at timestamptz not null,
      locked_until timestamptz
    )`.execute(db);
  // Old rows are pruned by age.
  await sql`
    create index login_throttles_last_failure_idx on login_throttles (last_failure_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table login_throttles`.execute(db);
}
