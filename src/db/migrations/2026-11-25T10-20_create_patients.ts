import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table patients (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      mrn text not null check (btrim(mrn) <> ''),
      name_en text not null check (btrim(name_en) <> ''),
      name_ar text,
      date_of_birth date,
      phone text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, mrn)
    )`.execute(db);
  // The booking page's type-ahead searches names (either language) by substring and phones.
  await sql`create index patients_phone_idx on patients (tenant_id, phone)`.execute(db);
  await sql`
    create index patients_name_en_trgm_idx on patients using gin (name_en gin_trgm_ops)`.execute(
    db,
  );
  await sql`
    create index patients_name_ar_trgm_idx on patients using gin (name_ar gin_trgm_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table patients`.execute(db);
}
