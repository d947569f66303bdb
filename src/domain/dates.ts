import { DateTime } from 'luxon';

/** Calendar dates are 'YYYY-MM-DD' strings; which day an instant falls on depends on the zone. */

/**
 * The calendar date of `instant` in `timezone` (with the clock's now: "today" at the tenant).
 * Nearly every request asks for today: one shared Intl formatter per zone does it in a third
 * of the time of a luxon DateTime (docs/performance.md).
 */
export function localDate(timezone: string, instant: Date): string {
  let format = dateFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timezone, format);
  }
  let year = '';
  let month = '';
  let day = '';
  for (const part of format.formatToParts(instant)) {
    if (part.type === 'year') year = part.value.padStart(4, '0');
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year}-${month}-${day}`;
}

/** By IANA zone name: the tenants' zones, a handful. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** The Sunday on or before `date`: the working week of the centres (Sunday–Thursday). */
export function weekStart(date: string): string {
  return addDays(date, -(DateTime.fromISO(date, { zone: 'UTC' }).weekday % 7));
}

/** The same local time of day `days` later in `timezone`: across a DST change the clock time stays. */
export function shiftDays(instant: Date, days: number, timezone: string): Date {
  return DateTime.fromJSDate(instant, { zone: timezone }).plus({ days }).toJSDate();
}
