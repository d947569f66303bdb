import { sql } from 'kysely';
import {
  dayBounds,
  freeSlots,
  type Interval,
  type Slot,
  type WorkingHours,
} from '../domain/slots.js';
import type { Database } from './client.js';

export function listWorkingHours(
  db: Database,
  tenantId: string,
  providerId: string,
): Promise<WorkingHours[]> {
  return workingHoursQuery(db, tenantId, providerId).execute();
}

/** A provider's weekly hours: a query to run, or to nest in a caller's statement. */
export function workingHoursQuery(db: Database, tenantId: string, providerId: string) {
  return db
    .selectFrom('provider_schedules')
    .select(['weekday', 'start_time', 'end_time'])
    .where('tenant_id', '=', tenantId)
    .where('provider_id', '=', providerId);
}

/**
 * Everything that blocks a slot within `range`, in one statement: the provider's time off,
 * appointments and group sessions, and the patient's appointments with anyone (when given).
 * "Holding a slot" means BOOKED, CONFIRMED, ARRIVED or COMPLETED, as in the exclusion
 * constraints of the appointments table.
 */
export async function listBusyIntervals(
  db: Database,
  tenantId: string,
  who: { providerId: string; patientId: string | null },
  range: Interval,
): Promise<Interval[]> {
  const { rows } = await busyIntervalsQuery(tenantId, who, range).execute(db);
  return rows;
}

/** The statement of listBusyIntervals, to nest in a caller's statement. */
export function busyIntervalsQuery(
  tenantId: string,
  who: { providerId: string; patientId: string | null },
  range: Interval,
) {
  const { providerId, patientId } = who;
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
        and ${holdsSlot} and ${rangeOverlaps}
    union all
    select starts_at, ends_at from group_sessions
      where tenant_id = ${tenantId} and provider_id = ${providerId} and status = 'SCHEDULED'
        and ${rangeOverlaps}
    union all
    select starts_at, ends_at from appointments
      where tenant_id = ${tenantId} and patient_id = ${patientId} and ${holdsSlot}
        and ${rangeOverlaps}
  `;
}

/** Free slots of a provider (and patient) on a date of the tenant's calendar. */
export async function findFreeSlots(
  db: Database,
  tenant: { id: string; timezone: string },
  query: { providerId: string; patientId: string | null; date: string; durationMinutes: number },
  now: Date,
): Promise<Slot[]> {
  const workingHours = await listWorkingHours(db, tenant.id, query.providerId);
  const busy = await listBusyIntervals(
    db,
    tenant.id,
    query,
    dayBounds(query.date, tenant.timezone),
  );
  return freeSlots({
    date: query.date,
    timezone: tenant.timezone,
    workingHours,
    busy,
    durationMinutes: query.durationMinutes,
    now,
  });
}
