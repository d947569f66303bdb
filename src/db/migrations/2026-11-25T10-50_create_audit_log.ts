import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      actor_id uuid,
      action text not null,
      entity text not null,
      entity_id uuid,
      before jsonb,
      after jsonb,
      at timestamptz not null default now(),
      ip text,
      primary key (tenant_id, id),
      foreign key (tenant_id, actor_id) references users (tenant_id, id)
    )`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (tenant_id, at desc)`.execute(db);
  await sql`
    create index audit_log_entity_idx on audit_log (tenant_id, entity, entity_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_log`.execute(db);
}
