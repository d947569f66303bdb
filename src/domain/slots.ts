import { DateTime, Info, type Zone } from 'luxon';

/**
 * Free slots of one provider on one calendar day (SPEC §1 step 8).
 *
 * Everything here works on instants (epoch milliseconds) once the tenant's wall-clock times
 * have been placed on the time line with Luxon, so the server's own zone (process.env.TZ)
 * never enters the computation.
 */

/** weekday 0 = Sunday … 6 = Saturday; times 'HH:MM' or 'HH:MM:SS' in the tenant's zone. */
export interface WorkingHours {
  weekday: number;
  start_time: string;
  end_time: string;
}

/** Half-open: [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

export interface Slot {
  start: Date;
  end: Date;
}

export const DEFAULT_SLOT_STEP_MINUTES = 15;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SECONDS_PER_DAY = 86_400;

export function freeSlots(input: {
  date: string;
  timezone: string;
  workingHours: WorkingHours[];
  busy: Interval[];
  durationMinutes: number;
  stepMinutes?: number;
  now: Date;
}): Slot[] {
  const zone = parseZone(input.timezone);
  const day = parseDate(input.date);
  const durationMs = positiveWholeMinutes(input.durationMinutes, 'durationMinutes') * MINUTE_MS;
  const stepMs =
    positiveWholeMinutes(input.stepMinutes ?? DEFAULT_SLOT_STEP_MINUTES, 'stepMinutes') * MINUTE_MS;
  const now = instantMs(input.now, 'now');
  // An empty interval blocks nothing (half-open), and would otherwise look like a point inside
  // a slot.
  const busy = input.busy.map(parseBusy).filter((b) => b.end > b.start);

  // A calendar date has the same weekday in every zone; Luxon counts Monday = 1 … Sunday = 7.
  const weekday = day.weekday % 7;

  const starts = new Set<number>();
  for (const hours of input.workingHours) {
    if (!Number.isInteger(hours.weekday) || hours.weekday < 0 || hours.weekday > 6) {
      throw new Error(`freeSlots: weekday must be an integer 0 (Sunday) … 6, got ${hours.weekday}`);
    }
    if (hours.weekday !== weekday) continue;

    const rangeStart = wallClockToInstant(day, secondsOfDay(hours.start_time), zone);
    const rangeEnd = wallClockToInstant(day, secondsOfDay(hours.end_time), zone);
    // The grid is counted in elapsed time from the range start, so on a DST day the slots stay
    // `step` real minutes apart and every one of them is a wall-clock time that exists.
    for (let start = rangeStart; start + durationMs <= rangeEnd; start += stepMs) {
      const end = start + durationMs;
      if (start < now) continue;
      if (busy.some((b) => start < b.end && b.start < end)) continue;
      // Ranges of one weekday never overlap in the database, but a Set keeps the result
      // free of duplicates even if they did.
      starts.add(start);
    }
  }

  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => ({ start: new Date(start), end: new Date(start + durationMs) }));
}

/** [local midnight, next local midnight) of `date` in `timezone`: 23 or 25 hours on DST days. */
export function dayBounds(date: string, timezone: string): Interval {
  const zone = parseZone(timezone);
  const day = parseDate(date);
  return {
    start: new Date(wallClockToInstant(day, 0, zone)),
    // Wall-clock 24:00 of `date` is 00:00 of the next date.
    end: new Date(wallClockToInstant(day, SECONDS_PER_DAY, zone)),
  };
}

/** The instant the tenant's clock reads `time` ('HH:MM') on `date`, as the slot grid places it. */
export function wallClockInstant(date: string, time: string, timezone: string): Date {
  return new Date(wallClockToInstant(parseDate(date), secondsOfDay(time), parseZone(timezone)));
}

/**
 * '2026-11-29T09:00:00+03:00': the offset spelled out even for UTC ('+00:00', never 'Z') and
 * no milliseconds, so that every instant the app renders has one shape.
 */
export function formatInstant(instant: Date, timezone: string): string {
  const ms = instantMs(instant, 'instant');
  const key = `${timezone} ${ms}`;
  let text = formattedInstants.get(key);
  if (text === undefined) {
    const zone = parseZone(timezone);
    text = DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
    if (formattedInstants.size >= MAX_REMEMBERED_INSTANTS) formattedInstants.clear();
    formattedInstants.set(key, text);
  }
  return text;
}

/**
 * Instants already spelled out, by zone and millisecond. Luxon finds a zone's offset through
 * Intl on every call, which was two thirds of the slots route's CPU (docs/performance.md); the
 * slot grid repeats the same few thousand instants (15 minutes apart, a few months ahead).
 */
const formattedInstants = new Map<string, string>();
const MAX_REMEMBERED_INSTANTS = 50_000;

/**
 * The instant at which the wall clock of `zone` first reads `seconds` past the start of `day`
 * (86 400 = midnight ending the day). Luxon's own resolution is not used because it picks the
 * later of two ambiguous instants and moves a nonexistent time forward by the whole gap; here:
 *
 * - a time that occurs twice (autumn, clocks go back) means its first occurrence;
 * - a time that does not exist (spring, clocks go forward) means the moment of the jump, the
 *   first instant at which the clock reads at or past it. A range 01:30–03:00 on the day London
 *   jumps from 01:00 to 02:00 therefore starts at 02:00 BST and holds one real hour.
 *
 * Both rules make the mapping non-decreasing in `seconds`, so a range whose end is after its
 * start on the wall clock never turns backwards on the time line.
 */
function wallClockToInstant(day: DateTime, seconds: number, zone: Zone): number {
  const wallAsUtc = day.toMillis() + seconds * 1000;
  const key = `${zone.name} ${wallAsUtc}`;
  let instant = resolvedWallClocks.get(key);
  if (instant === undefined) {
    instant = resolveWallClock(wallAsUtc, zone);
    if (resolvedWallClocks.size >= MAX_REMEMBERED_INSTANTS) resolvedWallClocks.clear();
    resolvedWallClocks.set(key, instant);
  }
  return instant;
}

/**
 * Wall-clock readings already resolved, by zone and reading: each takes four to six offset
 * lookups through Intl (a sixth of the slots route's CPU), and the working hours and day
 * bounds of a few months are a few thousand readings.
 */
const resolvedWallClocks = new Map<string, number>();

function resolveWallClock(wallAsUtc: number, zone: Zone): number {
  // An instant is never more than a day away from its wall-clock reading read as UTC, so the
  // offsets in force a day either side include every offset this wall time could have.
  const offsets = new Set(
    [wallAsUtc - DAY_MS, wallAsUtc, wallAsUtc + DAY_MS].map((t) => zone.offset(t)),
  );
  const candidates = [...offsets].map((offset) => wallAsUtc - offset * MINUTE_MS);
  const occurrences = candidates.filter((t) => t + zone.offset(t) * MINUTE_MS === wallAsUtc);
  if (occurrences.length > 0) return Math.min(...occurrences);

  // In a gap: before the jump the clock reads less than the wall time, after it more. Search
  // the instant of the jump, to the millisecond, between the two readings.
  const readsAtOrPast = (t: number) => t + zone.offset(t) * MINUTE_MS >= wallAsUtc;
  let before = Math.min(...candidates);
  let after = Math.max(...candidates);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (readsAtOrPast(middle)) after = middle;
    else before = middle;
  }
  return after;
}

/** 'HH:MM' or 'HH:MM:SS' (PostgreSQL `time`, which also allows '24:00:00') → seconds of the day. */
function secondsOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  const seconds = Number(match?.[3] ?? 0);
  const total = hours * 3600 + minutes * 60 + seconds;
  if (!match || minutes > 59 || seconds > 59 || total > SECONDS_PER_DAY) {
    throw new Error(`freeSlots: working time must be 'HH:MM' or 'HH:MM:SS', got '${time}'`);
  }
  return total;
}

/** The calendar day as a UTC midnight, used only for its fields and to read wall times as UTC. */
function parseDate(date: string): DateTime {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date)
    ? DateTime.fromISO(date, { zone: 'utc' })
    : undefined;
  if (!day?.isValid) throw new Error(`Invalid calendar date '${date}', expected 'YYYY-MM-DD'`);
  return day;
}

/**
 * An IANA name (or a fixed offset such as 'UTC'). Luxon also accepts 'local', 'system' and
 * 'default', which mean the server's zone: refused, since the tenant's zone is always explicit.
 */
function parseZone(timezone: string): Zone {
  const zone = Info.normalizeZone(timezone);
  if (!zone.isValid || (zone.type !== 'iana' && zone.type !== 'fixed')) {
    throw new Error(`Invalid time zone '${timezone}', expected an IANA name such as 'Asia/Riyadh'`);
  }
  return zone;
}

function positiveWholeMinutes(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`freeSlots: ${name} must be a positive whole number of minutes, got ${value}`);
  }
  return value;
}

function instantMs(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(ms)) throw new Error(`${name} must be a valid Date`);
  return ms;
}

function parseBusy(interval: Interval): { start: number; end: number } {
  const start = instantMs(interval.start, 'busy.start');
  const end = instantMs(interval.end, 'busy.end');
  if (end < start) {
    const shown = `${interval.start.toISOString()} → ${interval.end.toISOString()}`;
    throw new Error(`freeSlots: busy interval ends before it starts (${shown})`);
  }
  return { start, end };
}

/**
 * When a booking may still fall: on `date` (from now, if it is today), or, with no date chosen
 * yet, any time from now on (`to` null).
 */
export function bookableRange(
  date: string | null,
  timezone: string,
  now: Date,
): { from: Date; to: Date | null } {
  if (date === null) return { from: now, to: null };
  const day = dayBounds(date, timezone);
  return { from: day.start > now ? day.start : now, to: day.end };
}
