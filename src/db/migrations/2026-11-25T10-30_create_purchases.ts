import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A purchase is a snapshot of the package at the time of sale (names, price, sessions):
  // editing the package later never changes what the patient bought.
  await sql`
    create table package_purchases (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      patient_id uuid not null,
      package_id uuid not null,
      name_en text not null,
      name_ar text not null,
      purchase_date date not null,
      expiry_date date not null,
      total_sessions integer not null check (total_sessions > 0),
      sessions_used integer not null default 0,
      price numeric(12, 2) not null check (price >= 0),
      status text not null default 'ACTIVE'
        check (status in ('ACTIVE', 'COMPLETED', 'EXPIRED', 'CANCELLED', 'TRANSFERRED')),
      idempotency_key text,
      assigned_by uuid not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, patient_id) references patients (tenant_id, id),
      foreign key (tenant_id, package_id) references packages (tenant_id, id),
      foreign key (tenant_id, assigned_by) references users (tenant_id, id),
      constraint package_purchases_sessions_used_range
        check (sessions_used between 0 and total_sessions),
      check (expiry_date >= purchase_date),
      constraint package_purchases_idempotency_key unique (tenant_id, idempotency_key),
      -- lets appointments reference (purchase, patient) together: see appointments
      constraint package_purchases_patient_key unique (tenant_id, id, patient_id)
    )`.execute(db);
  await sql`
    create index package_purchases_patient_idx
    on package_purchases (tenant_id, patient_id, expiry_date)`.execute(db);

  // Per-service allotments of a purchase (a package may span several services and clinics).
  await sql`
    create table purchase_services (
      tenant_id uuid not null,
      purchase_id uuid not null,
      service_id uuid not null,
      sessions integer not null check (sessions > 0),
      sessions_used integer not null default 0,
      primary key (tenant_id, purchase_id, service_id),
      foreign key (tenant_id, purchase_id) references package_purchases (tenant_id, id),
      foreign key (tenant_id, service_id) references services (tenant_id, id),
      constraint purchase_services_sessions_used_range check (sessions_used between 0 and sessions)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table purchase_services, package_purchases`.execute(db);
}
