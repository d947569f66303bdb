import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The last MRN number handed out per tenant. Taking the next one updates this row, so two
  // desks registering at once queue on its lock instead of both reading the same max(mrn).
  await sql`
    create table patient_mrn_counters (
      tenant_id uuid primary key references tenants (id),
      last_number integer not null check (last_number >= 0)
    )`.execute(db);

  // One row per submitted form token (rendered into create forms): a double click or a
  // retried POST finds the row of the first submit and answers with what it created.
  await sql`
    create table form_submissions (
      tenant_id uuid not null references tenants (id),
      token text not null check (length(token) between 16 and 100),
      entity text not null,
      entity_id uuid,
      created_at timestamptz not null default now(),
      primary key (tenant_id, token)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table form_submissions, patient_mrn_counters`.execute(db);
}
