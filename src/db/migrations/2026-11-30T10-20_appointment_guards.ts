import { sql, type Kysely } from 'kysely';

/**
 * The rules the booking code keeps that cross tables, kept by the database too, so a write that
 * bypasses the code (a script, a console, a future bug) cannot break them. Each refusal names
 * its constraint (db/errors.ts maps the name to a 409); the triggers raise the SQLSTATE of the
 * kind of constraint they stand for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A group appointment takes its session's provider and time (and follows it when it moves).
  await sql`
    alter table group_sessions
    add constraint group_sessions_place_key unique (tenant_id, id, provider_id, starts_at, ends_at)`.execute(
    db,
  );
  await sql`
    alter table appointments
    add constraint appointments_group_session_place_fkey
      foreign key (tenant_id, group_session_id, provider_id, starts_at, ends_at)
      references group_sessions (tenant_id, id, provider_id, starts_at, ends_at)
      on update cascade`.execute(db);

  // A single or package appointment and a group session of one provider never overlap. Both
  // sides take the provider's calendar lock (the key bookings take, db/appointments.ts) before
  // looking at the other table, so two concurrent writes queue and the second one, reading
  // after the first committed (a fresh snapshot per statement), sees it. A reversed time is
  // left to the tables' own checks.
  await sql`
    create function lock_provider_calendar(tenant uuid, provider uuid) returns void
    language sql as $$
      select pg_advisory_xact_lock(hashtextextended(tenant || ':provider:' || provider, 0))
    $$`.execute(db);
  await sql`
    create function appointments_group_session_overlap() returns trigger
    language plpgsql as $$
    begin
      perform lock_provider_calendar(new.tenant_id, new.provider_id);
      if exists (
        select from group_sessions g
        where g.tenant_id = new.tenant_id and g.provider_id = new.provider_id
          and g.status = 'SCHEDULED'
          and tstzrange(g.starts_at, g.ends_at) && tstzrange(new.starts_at, new.ends_at)
      ) then
        raise exception 'violates constraint "appointments_group_session_overlap"'
          using errcode = '23P01', constraint = 'appointments_group_session_overlap',
            table = 'appointments';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger appointments_group_session_overlap
    before insert or update of provider_id, starts_at, ends_at, status, kind on appointments
    for each row
    when (new.kind <> 'GROUP' and new.status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED')
      and new.starts_at < new.ends_at)
    execute function appointments_group_session_overlap()`.execute(db);
  await sql`
    create function group_sessions_appointment_overlap() returns trigger
    language plpgsql as $$
    begin
      perform lock_provider_calendar(new.tenant_id, new.provider_id);
      if exists (
        select from appointments a
        where a.tenant_id = new.tenant_id and a.provider_id = new.provider_id
          and a.kind <> 'GROUP' and a.status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED')
          and tstzrange(a.starts_at, a.ends_at) && tstzrange(new.starts_at, new.ends_at)
      ) then
        raise exception 'violates constraint "group_sessions_appointment_overlap"'
          using errcode = '23P01', constraint = 'group_sessions_appointment_overlap',
            table = 'group_sessions';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger group_sessions_appointment_overlap
    before insert or update of provider_id, starts_at, ends_at, status on group_sessions
    for each row when (new.status = 'SCHEDULED' and new.starts_at < new.ends_at)
    execute function group_sessions_appointment_overlap()`.execute(db);

  // A session number never exceeds its purchase's total. The appointment's side holds a share
  // lock on the purchase until commit, so a concurrent change of the total waits and then
  // sees the appointment.
  await sql`
    create function appointments_session_number_range() returns trigger
    language plpgsql as $$
    begin
      if new.session_number_in_package > (
        select p.total_sessions from package_purchases p
        where p.tenant_id = new.tenant_id and p.id = new.package_purchase_id
        for share
      ) then
        raise exception 'violates constraint "appointments_session_number_range"'
          using errcode = '23514', constraint = 'appointments_session_number_range',
            table = 'appointments';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger appointments_session_number_range
    before insert or update of session_number_in_package, package_purchase_id on appointments
    for each row when (new.package_purchase_id is not null)
    execute function appointments_session_number_range()`.execute(db);
  await sql`
    create function package_purchases_total_covers_sessions() returns trigger
    language plpgsql as $$
    begin
      if exists (
        select from appointments a
        where a.tenant_id = new.tenant_id and a.package_purchase_id = new.id
          and a.status <> 'CANCELLED' and a.session_number_in_package > new.total_sessions
      ) then
        raise exception 'violates constraint "package_purchases_total_covers_sessions"'
          using errcode = '23514', constraint = 'package_purchases_total_covers_sessions',
            table = 'package_purchases';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger package_purchases_total_covers_sessions
    before update of total_sessions on package_purchases
    for each row when (new.total_sessions < old.total_sessions)
    execute function package_purchases_total_covers_sessions()`.execute(db);

  // A group session's seats_taken is the count of its live appointments (all but cancelled
  // ones, on time or late), kept here after every change of an appointment; a write of any
  // other count is refused, and the capacity check (group_sessions_seats_range) refuses one
  // seat too many (checked first: the refusal of a count is an after trigger). The session's row is locked before counting (a lock that the foreign key
  // checks' share locks do not block), so concurrent joins queue and each counts after the one
  // before it committed.
  await sql`
    create function group_session_live_seats(tenant uuid, session uuid) returns integer
    language sql as $$
      select count(*)::int from appointments
      where tenant_id = tenant and group_session_id = session
        and status not in ('CANCELLED', 'LATE_CANCELLED')
    $$`.execute(db);
  await sql`
    create function group_sessions_seats_taken_live() returns trigger
    language plpgsql as $$
    begin
      if new.seats_taken <> group_session_live_seats(new.tenant_id, new.id) then
        raise exception 'violates constraint "group_sessions_seats_taken_live"'
          using errcode = '23514', constraint = 'group_sessions_seats_taken_live',
            table = 'group_sessions';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger group_sessions_seats_taken_live
    after insert or update on group_sessions
    for each row execute function group_sessions_seats_taken_live()`.execute(db);
  await sql`
    create function appointments_count_group_seats() returns trigger
    language plpgsql as $$
    declare
      session record;
    begin
      for session in
        select distinct tenant_id, group_session_id as id from (
          select old.tenant_id, old.group_session_id where tg_op <> 'INSERT'
          union all
          select new.tenant_id, new.group_session_id where tg_op <> 'DELETE'
        ) as touched
        where group_session_id is not null
      loop
        perform from group_sessions where tenant_id = session.tenant_id and id = session.id
          for no key update;
        update group_sessions set seats_taken = group_session_live_seats(session.tenant_id, session.id)
        where tenant_id = session.tenant_id and id = session.id;
      end loop;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger appointments_count_group_seats
    after insert or delete or update of status, group_session_id on appointments
    for each row execute function appointments_count_group_seats()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger appointments_count_group_seats on appointments`.execute(db);
  await sql`drop trigger group_sessions_seats_taken_live on group_sessions`.execute(db);
  await sql`drop trigger package_purchases_total_covers_sessions on package_purchases`.execute(db);
  await sql`drop trigger appointments_session_number_range on appointments`.execute(db);
  await sql`drop trigger group_sessions_appointment_overlap on group_sessions`.execute(db);
  await sql`drop trigger appointments_group_session_overlap on appointments`.execute(db);
  await sql`
    drop function appointments_count_group_seats(), group_sessions_seats_taken_live(),
      group_session_live_seats(uuid, uuid), package_purchases_total_covers_sessions(),
      appointments_session_number_range(), group_sessions_appointment_overlap(),
      appointments_group_session_overlap(), lock_provider_calendar(uuid, uuid)`.execute(db);
  await sql`alter table appointments drop constraint appointments_group_session_place_fkey`.execute(
    db,
  );
  await sql`alter table group_sessions drop constraint group_sessions_place_key`.execute(db);
}
