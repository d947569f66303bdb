import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table clinics (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      name_en text not null check (btrim(name_en) <> ''),
      name_ar text not null check (btrim(name_ar) <> ''),
      specialty text not null,
      active boolean not null default true,
      primary key (tenant_id, id)
    )`.execute(db);

  await sql`
    create table services (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      clinic_id uuid not null,
      name_en text not null check (btrim(name_en) <> ''),
      name_ar text not null check (btrim(name_ar) <> ''),
      default_duration_minutes integer not null check (default_duration_minutes between 5 and 480),
      price numeric(12, 2) not null check (price >= 0),
      active boolean not null default true,
      primary key (tenant_id, id),
      foreign key (tenant_id, clinic_id) references clinics (tenant_id, id)
    )`.execute(db);
  await sql`create index services_clinic_idx on services (tenant_id, clinic_id)`.execute(db);

  await sql`
    create table providers (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      name_en text not null check (btrim(name_en) <> ''),
      name_ar text not null check (btrim(name_ar) <> ''),
      user_id uuid,
      active boolean not null default true,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id)
    )`.execute(db);
  await sql`
    create unique index providers_user_key on providers (tenant_id, user_id)
    where user_id is not null`.execute(db);

  await sql`
    create table provider_clinics (
      tenant_id uuid not null,
      provider_id uuid not null,
      clinic_id uuid not null,
      primary key (tenant_id, provider_id, clinic_id),
      foreign key (tenant_id, provider_id) references providers (tenant_id, id) on delete cascade,
      foreign key (tenant_id, clinic_id) references clinics (tenant_id, id)
    )`.execute(db);
  await sql`
    create index provider_clinics_clinic_idx on provider_clinics (tenant_id, clinic_id)`.execute(
    db,
  );

  // Weekly working hours in the tenant's time zone; weekday 0 is Sunday (as in JavaScript).
  // Ranges of one provider on one weekday never overlap.
  await sql`
    create table provider_schedules (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      provider_id uuid not null,
      weekday smallint not null check (weekday between 0 and 6),
      start_time time not null,
      end_time time not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, provider_id) references providers (tenant_id, id) on delete cascade,
      check (start_time < end_time),
      constraint provider_schedules_no_overlap exclude using gist (
        tenant_id with =, provider_id with =, weekday with =,
        tsrange(date '2000-01-01' + start_time, date '2000-01-01' + end_time) with &&
      )
    )`.execute(db);

  await sql`
    create table provider_time_off (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      provider_id uuid not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason text not null default '',
      primary key (tenant_id, id),
      foreign key (tenant_id, provider_id) references providers (tenant_id, id) on delete cascade,
      check (starts_at < ends_at)
    )`.execute(db);
  await sql`
    create index provider_time_off_provider_idx
    on provider_time_off (tenant_id, provider_id, ends_at)`.execute(db);

  await sql`
    create table packages (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      name_en text not null check (btrim(name_en) <> ''),
      name_ar text not null check (btrim(name_ar) <> ''),
      price numeric(12, 2) not null check (price >= 0),
      validity_days integer not null check (validity_days between 1 and 3650),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  await sql`create index packages_active_idx on packages (tenant_id) where active`.execute(db);

  await sql`
    create table package_services (
      tenant_id uuid not null,
      package_id uuid not null,
      service_id uuid not null,
      sessions integer not null check (sessions between 1 and 1000),
      primary key (tenant_id, package_id, service_id),
      foreign key (tenant_id, package_id) references packages (tenant_id, id) on delete cascade,
      foreign key (tenant_id, service_id) references services (tenant_id, id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table package_services, packages, provider_time_off, provider_schedules,
      provider_clinics, providers, services, clinics`.execute(db);
}
