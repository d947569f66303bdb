import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // seats_taken is kept by joins: the check makes "capacity never exceeded" a database fact.
  await sql`
    create table group_sessions (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      clinic_id uuid not null,
      service_id uuid not null,
      provider_id uuid not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      capacity integer not null check (capacity between 1 and 100),
      seats_taken integer not null default 0,
      status text not null default 'SCHEDULED' check (status in ('SCHEDULED', 'CANCELLED')),
      primary key (tenant_id, id),
      foreign key (tenant_id, clinic_id) references clinics (tenant_id, id),
      foreign key (tenant_id, service_id) references services (tenant_id, id),
      foreign key (tenant_id, provider_id) references providers (tenant_id, id),
      check (starts_at < ends_at),
      constraint group_sessions_seats_range check (seats_taken between 0 and capacity),
      constraint group_sessions_provider_no_overlap exclude using gist (
        tenant_id with =, provider_id with =, tstzrange(starts_at, ends_at) with &&
      ) where (status = 'SCHEDULED')
    )`.execute(db);
  await sql`
    create index group_sessions_clinic_idx on group_sessions (tenant_id, clinic_id, starts_at)`.execute(
    db,
  );

  // Statuses that hold a time slot: BOOKED, CONFIRMED, ARRIVED, COMPLETED.
  // Statuses that consume a package session: every one but CANCELLED (a late cancellation
  // or a no-show keeps the session used).
  // Group appointments share their provider's time on purpose, so only the patient overlap
  // applies to them; group sessions themselves never overlap per provider (above).
  await sql`
    create table appointments (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      patient_id uuid not null,
      provider_id uuid not null,
      clinic_id uuid not null,
      service_id uuid not null,
      kind text not null check (kind in ('SINGLE', 'PACKAGE', 'GROUP')),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      status text not null default 'BOOKED' check (status in
        ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED', 'CANCELLED', 'LATE_CANCELLED', 'NO_SHOW')),
      status_reason text,
      package_purchase_id uuid,
      session_number_in_package integer check (session_number_in_package >= 1),
      group_session_id uuid,
      idempotency_key text,
      booked_by uuid not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, patient_id) references patients (tenant_id, id),
      foreign key (tenant_id, provider_id) references providers (tenant_id, id),
      foreign key (tenant_id, clinic_id) references clinics (tenant_id, id),
      foreign key (tenant_id, service_id) references services (tenant_id, id),
      -- A package appointment is always for the purchase's own patient.
      constraint appointments_purchase_patient_fkey
        foreign key (tenant_id, package_purchase_id, patient_id)
        references package_purchases (tenant_id, id, patient_id),
      foreign key (tenant_id, group_session_id) references group_sessions (tenant_id, id),
      foreign key (tenant_id, booked_by) references users (tenant_id, id),
      check (starts_at < ends_at),
      constraint appointments_package_session_pair
        check ((package_purchase_id is null) = (session_number_in_package is null)),
      constraint appointments_kind_links check (
        (kind = 'SINGLE' and package_purchase_id is null and group_session_id is null)
        or (kind = 'PACKAGE' and package_purchase_id is not null and group_session_id is null)
        or (kind = 'GROUP' and group_session_id is not null)
      ),
      constraint appointments_idempotency_key unique (tenant_id, idempotency_key),
      constraint appointments_provider_no_overlap exclude using gist (
        tenant_id with =, provider_id with =, tstzrange(starts_at, ends_at) with &&
      ) where (status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED') and kind <> 'GROUP'),
      constraint appointments_patient_no_overlap exclude using gist (
        tenant_id with =, patient_id with =, tstzrange(starts_at, ends_at) with &&
      ) where (status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED'))
    )`.execute(db);
  await sql`
    create unique index appointments_purchase_session_number_key
    on appointments (tenant_id, package_purchase_id, session_number_in_package)
    where package_purchase_id is not null and status <> 'CANCELLED'`.execute(db);
  await sql`
    create index appointments_provider_idx on appointments (tenant_id, provider_id, starts_at)`.execute(
    db,
  );
  await sql`
    create index appointments_patient_idx on appointments (tenant_id, patient_id, starts_at)`.execute(
    db,
  );
  await sql`
    create index appointments_clinic_idx on appointments (tenant_id, clinic_id, starts_at)`.execute(
    db,
  );
  await sql`
    create index appointments_purchase_idx on appointments (tenant_id, package_purchase_id)
    where package_purchase_id is not null`.execute(db);
  await sql`
    create index appointments_group_session_idx on appointments (tenant_id, group_session_id)
    where group_session_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table appointments, group_sessions`.execute(db);
}
