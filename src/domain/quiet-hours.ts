import { DateTime } from 'luxon';

/**
 * A centre's quiet hours ('HH:MM[:SS]' to 'HH:MM[:SS]' in its zone, usually over midnight):
 * when `now` falls inside them, the instant they end, else null. The end is a wall-clock time
 * of the tenant's day, so across a DST change it is still 08:00 there (luxon resolves the
 * local time in the zone; a time in a spring-forward gap moves to the first valid minute).
 */
export function quietHoursEnd(
  now: Date,
  timezone: string,
  start: string,
  end: string,
): Date | null {
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const from = minutesOf(start);
  const until = minutesOf(end);
  if (from === until) return null;
  const overnight = from > until;
  const quiet = overnight ? minute >= from || minute < until : minute >= from && minute < until;
  if (!quiet) return null;
  const day = overnight && minute >= from ? local.plus({ days: 1 }) : local;
  return day
    .set({ hour: Math.floor(until / 60), minute: until % 60, second: 0, millisecond: 0 })
    .toJSDate();
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}
