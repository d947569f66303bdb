import { DateTime } from 'luxon';

/** Calendar dates are 'YYYY-MM-DD' strings; which day an instant falls on depends on the zone. */

/** The calendar date of `instant` in `timezone` (with the clock's now: "today" at the tenant). */
export function localDate(timezone: string, instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toISODate()!;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}
