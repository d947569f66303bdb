import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { Conflict, NotFound } from '../domain/errors.js';
import {
  dayBounds,
  freeSlots,
  type Interval,
  type Slot,
  type WorkingHours,
} from '../domain/slots.js';
import type { Database } from './client.js';

/** A provider's weekly hours, to nest in a caller's statement. */
export function workingHoursQuery(db: Database, tenantId: string, providerId: string) {
  return db
    .selectFrom('provider_schedules')
    .select(['weekday', 'start_time', 'end_time'])
    .where('tenant_id', '=', tenantId)
    .where('provider_id', '=', providerId);
}

interface ScheduleRow {
  patient_found: boolean;
  hours: WorkingHours[];
  /** Instants as JSON text: json_agg writes timestamptz as ISO 8601 with the offset. */
  busy: { start: string; end: string }[];
}

/**
 * What the slots of a provider (and patient) within `range` are computed from, in one
 * statement: the provider's working hours, and everything that blocks a slot (the provider's
 * time off, appointments and group sessions, and the patient's appointments with anyone, when
 * given). "Holding a slot" means BOOKED, CONFIRMED, ARRIVED or COMPLETED, as in the exclusion
 * constraints of the appointments table. No row when the provider is not the tenant's;
 * `patient_found` is false when the patient given is not.
 */
async function loadSchedule(
  db: Database,
  tenantId: string,
  who: { providerId: string; patientId: string | null; moving?: string },
  range: Interval,
): Promise<ScheduleRow | undefined> {
  const { providerId, patientId } = who;
  const { rows } = await sql<ScheduleRow>`
    select
      ${patientId}::uuid is null
        or exists (select from patients where tenant_id = ${tenantId} and id = ${patientId})
        as patient_found,
      (select coalesce(json_agg(hours), '[]')
        from (${workingHoursQuery(db, tenantId, providerId)}) as hours) as hours,
      (select coalesce(json_agg(busy), '[]')
        from (${busyIntervalsQuery(tenantId, who, range)}) as busy) as busy
    from providers
    where tenant_id = ${tenantId} and id = ${providerId}
  `.execute(db);
  return rows[0];
}

/**
 * Everything that blocks a slot within `range`, to nest in a caller's statement; `moving` is an
 * appointment being rescheduled (or several moved together), which do not block their own new times.
 */
export function busyIntervalsQuery(
  tenantId: string,
  who: {
    providerId: string;
    patientId: string | null;
    moving?: string | string[];
    /** A group session being moved: it does not block its own new time. */
    movingGroupSession?: string;
  },
  range: Interval,
) {
  const { providerId, patientId } = who;
  const moving = typeof who.moving === 'string' ? [who.moving] : (who.moving ?? []);
  const notMoving = moving.length ? sql`and id not in (${sql.join(moving)})` : sql``;
  const notMovingGroup = who.movingGroupSession ? sql`and id <> ${who.movingGroupSession}` : sql``;
  const overlaps = sql`starts_at < ${range.end} and ends_at > ${range.start}`;
  // The same test as a range: served by the GiST indexes of the no-overlap constraints, which
  // read only that day's rows (the b-tree on starts_at would read the whole history before it).
  const rangeOverlaps = sql`tstzrange(starts_at, ends_at) && tstzrange(${range.start}, ${range.end})`;
  const holdsSlot = sql`status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED')`;
  return sql<Interval>`
    select starts_at as "start", ends_at as "end" from provider_time_off
      where tenant_id = ${tenantId} and provider_id = ${providerId} and ${overlaps}
    union all
    select starts_at, ends_at from appointments
      where tenant_id = ${tenantId} and provider_id = ${providerId} and kind <> 'GROUP'
        and ${holdsSlot} and ${rangeOverlaps} ${notMoving}
    union all
    select starts_at, ends_at from group_sessions
      where tenant_id = ${tenantId} and provider_id = ${providerId} and status = 'SCHEDULED'
        and ${rangeOverlaps} ${notMovingGroup}
    union all
    select starts_at, ends_at from appointments
      where tenant_id = ${tenantId} and patient_id = ${patientId} and ${holdsSlot}
        and ${rangeOverlaps} ${notMoving}
  `;
}

/**
 * Free slots of a provider (and patient) on a date of the tenant's calendar; 404 when either
 * is not the tenant's.
 */
export async function findFreeSlots(
  db: Database,
  tenant: { id: string; timezone: string },
  query: {
    providerId: string;
    patientId: string | null;
    date: string;
    durationMinutes: number;
    moving?: string;
  },
  now: Date,
): Promise<Slot[]> {
  const schedule = await loadSchedule(db, tenant.id, query, dayBounds(query.date, tenant.timezone));
  if (!schedule) throw new NotFound('providerNotFound');
  if (!schedule.patient_found) throw new NotFound('patientNotFound');
  return freeSlots({
    date: query.date,
    timezone: tenant.timezone,
    workingHours: schedule.hours,
    busy: schedule.busy.map((b) => ({ start: new Date(b.start), end: new Date(b.end) })),
    durationMinutes: query.durationMinutes,
    now,
  });
}

/** Who and where a booking or a move would place an appointment (the same checks for both). */
export interface PlaceQuery {
  clinicId: string;
  providerId: string;
  /** null for a group session: only the provider's calendar counts. */
  patientId: string | null;
  /** The appointments moving aside: they do not block their own new times. */
  moving?: string[];
  /** The group session moving: it does not block its own new time. */
  movingGroupSession?: string;
}

/**
 * The columns a booking's or a move's one statement reads to check its place: whether the
 * provider is an active one of the clinic, the provider's weekly hours and what keeps the
 * provider or the patient busy on the tenant's `date`. `freeSlotAt` reads them back.
 */
export function placeColumns(
  db: Database,
  tenant: { id: string; timezone: string },
  place: PlaceQuery,
  date: string,
) {
  const { providerId } = place;
  const who = {
    providerId,
    patientId: place.patientId,
    moving: place.moving,
    movingGroupSession: place.movingGroupSession,
  };
  return [
    sql<boolean>`exists (
      select from provider_clinics pc
      join providers p on p.tenant_id = pc.tenant_id and p.id = pc.provider_id
      where pc.tenant_id = ${tenant.id} and pc.clinic_id = ${place.clinicId}
        and pc.provider_id = ${providerId} and p.active
    )`.as('provider_found'),
    jsonArrayFrom(workingHoursQuery(db, tenant.id, providerId)).as('working_hours'),
    sql<{ start: string; end: string }[]>`(
      select coalesce(json_agg(busy), '[]')
      from (${busyIntervalsQuery(tenant.id, who, dayBounds(date, tenant.timezone))}) as busy
    )`.as('busy'),
  ] as const;
}

/**
 * The free slot starting at `start` on `date` (provider of the clinic, inside the hours, nothing
 * in the way), from `placeColumns`; refused as a booking is: 404 provider, 409 slot taken.
 */
export function freeSlotAt(
  tenant: { timezone: string },
  facts: {
    provider_found: boolean;
    working_hours: WorkingHours[];
    busy: { start: string; end: string }[];
  },
  want: { date: string; start: Date; durationMinutes: number },
  now: Date,
): Slot {
  if (!facts.provider_found) throw new NotFound('providerNotInClinic');
  const slot = freeSlots({
    date: want.date,
    timezone: tenant.timezone,
    workingHours: facts.working_hours,
    busy: facts.busy.map((busy) => ({ start: new Date(busy.start), end: new Date(busy.end) })),
    durationMinutes: want.durationMinutes,
    now,
  }).find((s) => s.start.getTime() === want.start.getTime());
  if (!slot) throw new Conflict('slotTaken');
  return slot;
}
