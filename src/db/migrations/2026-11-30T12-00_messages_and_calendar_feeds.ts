import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What a centre sends: which channels, how long before a session its reminder goes out (null:
  // no reminders) and the night hours in its own zone when nothing goes out.
  await sql`
    alter table tenants
      add column log_messages boolean not null default true,
      add column email_messages boolean not null default false,
      add column sms_messages boolean not null default false,
      add column whatsapp_messages boolean not null default false,
      add column reminder_hours_before integer default 24
        check (reminder_hours_before between 1 and 168),
      add column quiet_hours_start time not null default '21:00',
      add column quiet_hours_end time not null default '08:00'`.execute(db);

  // The patient's language and consent: messages about bookings go to the channels consented
  // to; reminders only when those are wanted too.
  await sql`
    alter table patients
      add column email text check (position('@' in email) > 1),
      add column preferred_language text not null default 'en'
        check (preferred_language in ('en', 'ar')),
      add column consent_reminders boolean not null default true,
      add column consent_email boolean not null default true,
      add column consent_sms boolean not null default true,
      add column consent_whatsapp boolean not null default true`.execute(db);

  // The outbox: written in the transaction of the change it tells about, delivered afterwards
  // by the worker (src/messages/worker.ts). dedupe_key names the event (appointment, kind,
  // channel, time), so a replayed booking writes no second row. A row is 'sending' while a
  // worker holds its lease (claim_token, locked_until); 'sent' rows are never picked again.
  await sql`
    create table messages (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      appointment_id uuid not null,
      kind text not null check (kind in ('booked', 'cancelled', 'rescheduled', 'reminder')),
      channel text not null check (channel in ('log', 'email', 'sms', 'whatsapp')),
      dedupe_key text not null,
      appointment_starts_at timestamptz not null,
      status text not null default 'pending'
        check (status in ('pending', 'sending', 'sent', 'dead', 'skipped')),
      attempts integer not null default 0 check (attempts >= 0),
      available_at timestamptz not null,
      claim_token uuid,
      locked_until timestamptz,
      last_error text,
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, dedupe_key),
      foreign key (tenant_id, appointment_id) references appointments (tenant_id, id)
    )`.execute(db);
  // The worker's scan: only rows still to deliver, by when they are due.
  await sql`
    create index messages_due_idx on messages (available_at)
      where status in ('pending', 'sending')`.execute(db);
  await sql`create index messages_appointment_idx on messages (tenant_id, appointment_id)`.execute(
    db,
  );
  await sql`
    create index messages_dead_idx on messages (tenant_id, created_at)
      where status = 'dead'`.execute(db);

  // Private iCalendar URLs of a provider's or a clinic's appointments: only the token's SHA-256
  // is kept; revoking sets revoked_at.
  await sql`
    create table calendar_feeds (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      provider_id uuid,
      clinic_id uuid,
      token_hash text not null unique,
      created_by uuid not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      primary key (tenant_id, id),
      check ((provider_id is null) <> (clinic_id is null)),
      foreign key (tenant_id, provider_id) references providers (tenant_id, id),
      foreign key (tenant_id, clinic_id) references clinics (tenant_id, id),
      foreign key (tenant_id, created_by) references users (tenant_id, id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table calendar_feeds, messages`.execute(db);
  await sql`
    alter table patients
      drop column email, drop column preferred_language, drop column consent_reminders,
      drop column consent_email, drop column consent_sms, drop column consent_whatsapp`.execute(db);
  await sql`
    alter table tenants
      drop column log_messages, drop column email_messages, drop column sms_messages,
      drop column whatsapp_messages, drop column reminder_hours_before,
      drop column quiet_hours_start, drop column quiet_hours_end`.execute(db);
}
