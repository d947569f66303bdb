import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);

  await sql`
    create table tenants (
      id uuid primary key default gen_random_uuid(),
      name text not null check (btrim(name) <> ''),
      timezone text not null,
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      cancellation_window_hours integer not null default 24
        check (cancellation_window_hours between 0 and 720),
      created_at timestamptz not null default now()
    )`.execute(db);

  // Every tenant-owned table has the primary key (tenant_id, id): other tables point at it
  // with composite foreign keys, so no row can reference another tenant's row.
  await sql`
    create table users (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      email text not null check (email = lower(btrim(email)) and email like '%_@_%'),
      name text not null check (btrim(name) <> ''),
      password_hash text not null,
      role text not null check (role in ('ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE')),
      locale text not null default 'en' check (locale in ('en', 'ar')),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`.execute(db);
  // Sign-in is by email alone, so an email is unique across tenants.
  await sql`create unique index users_email_key on users (email)`.execute(db);

  // A session's id is the SHA-256 of the token in the cookie; the token itself is never stored.
  await sql`
    create table sessions (
      id text primary key check (id ~ '^[0-9a-f]{64}$'),
      tenant_id uuid not null,
      user_id uuid not null,
      csrf_token text not null,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (tenant_id, user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table sessions, users, tenants`.execute(db);
}
