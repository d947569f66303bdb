import { sql, type Kysely } from 'kysely';

/**
 * The token each "new …" form carries: the first submission claims it and records what it
 * created, so a double submit or a retried request finds that row instead of making another.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table form_submissions (
      tenant_id uuid not null references tenants (id),
      token uuid not null,
      entity text not null,
      entity_id uuid,
      created_at timestamptz not null default now(),
      primary key (tenant_id, token)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table form_submissions`.execute(db);
}
