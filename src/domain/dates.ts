import { DateTime } from 'luxon';

/** Calendar dates are 'YYYY-MM-DD' strings; "today" depends on the tenant's time zone. */

export function todayIn(timezone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone: timezone }).toISODate()!;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}
