import { DateTime } from 'luxon';
import type { AppointmentStatus } from '../db/schema.js';
import { freeSlots, type Interval, type WorkingHours } from './slots.js';

/**
 * The desk's calendar as a time grid: rows of 15 minutes of the tenant's wall clock, from the
 * earliest to the latest schedule hour of the columns shown (widened to whatever is booked
 * outside them), one column per provider (a day) or per day (a provider's week).
 */
export const ROW_MINUTES = 15;

/** The statuses that hold their time (as the exclusion constraints count them): drawn as blocks. */
const HOLDING: readonly AppointmentStatus[] = ['BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED'];

export function holdsTime(status: AppointmentStatus): boolean {
  return HOLDING.includes(status);
}

/** Minutes of the wall clock, [from, to): whole hours. */
export interface GridRange {
  from: number;
  to: number;
}

/** Where an item sits: its first row (1 = the range's first quarter hour) and how many it spans. */
export interface Placement {
  row: number;
  span: number;
}

export interface GridAppointment {
  id: string;
  status: AppointmentStatus;
  kind: string;
  group_session_id: string | null;
  starts_at: Date;
  ends_at: Date;
}

export interface ColumnLayout<A extends GridAppointment> {
  /** Free quarter hours still to come, each bookable: its start and wall-clock time 'HH:MM'. */
  free: { row: number; start: Date; time: string }[];
  timeOff: Placement[];
  /** Busy without an appointment of this calendar: a group session, another clinic. */
  busy: Placement[];
  /** Appointments holding their time; a group session's patients share one block. */
  blocks: (Placement & { appointments: A[] })[];
}

/** The wall-clock minute of `instant` on `date`, 0 before that day and 1440 after it. */
export function minuteOfDay(date: string, timezone: string, instant: Date): number {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  const day = local.toISODate()!;
  if (day < date) return 0;
  if (day > date) return 24 * 60;
  return local.hour * 60 + local.minute;
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** A calendar date's weekday, 0 = Sunday, as provider_schedules counts them. */
export function weekdayOf(date: string): number {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday % 7;
}

/**
 * The rows of a grid: from the earliest start to the latest end of the working hours on those
 * days, widened to `booked` (appointments, group sessions) on them; whole hours. Null when
 * nobody works and nothing is booked.
 */
export function gridRange(
  days: { date: string; hours: WorkingHours[]; booked: Interval[] }[],
  timezone: string,
): GridRange | null {
  let from = Infinity;
  let to = -Infinity;
  for (const day of days) {
    const weekday = weekdayOf(day.date);
    for (const hours of day.hours) {
      if (hours.weekday !== weekday) continue;
      from = Math.min(from, minutesOf(hours.start_time));
      to = Math.max(to, minutesOf(hours.end_time) || 24 * 60);
    }
    for (const interval of day.booked) {
      const start = minuteOfDay(day.date, timezone, interval.start);
      const end = minuteOfDay(day.date, timezone, interval.end);
      if (end <= start) continue;
      from = Math.min(from, start);
      to = Math.max(to, end);
    }
  }
  if (from >= to) return null;
  return { from: Math.floor(from / 60) * 60, to: Math.min(24 * 60, Math.ceil(to / 60) * 60) };
}

/** The rows an interval covers on `date` (outward to whole quarter hours); null when none. */
export function placement(
  date: string,
  timezone: string,
  range: GridRange,
  interval: Interval,
): Placement | null {
  const start = Math.max(range.from, minuteOfDay(date, timezone, interval.start));
  const end = Math.min(range.to, minuteOfDay(date, timezone, interval.end));
  if (end <= start) return null;
  const first = Math.floor((start - range.from) / ROW_MINUTES);
  const last = Math.ceil((end - range.from) / ROW_MINUTES);
  return { row: first + 1, span: Math.max(1, last - first) };
}

/** The number of rows of a range. */
export function rowCount(range: GridRange): number {
  return (range.to - range.from) / ROW_MINUTES;
}

/** The hours down the time axis: 'HH:00' at their first row, four rows each. */
export function hourLabels(range: GridRange): { row: number; label: string }[] {
  const labels = [];
  for (let minute = range.from; minute < range.to; minute += 60) {
    labels.push({
      row: (minute - range.from) / ROW_MINUTES + 1,
      label: `${String(minute / 60).padStart(2, '0')}:00`,
    });
  }
  return labels;
}

/**
 * One column of one day: its free quarter hours (within the hours, nothing in the way, not
 * past), its time off, other busy time and its appointments' blocks. Appointments that do not
 * hold their time (cancelled, no-show) are left to the caller, which lists them apart.
 */
export function layoutColumn<A extends GridAppointment>(input: {
  date: string;
  timezone: string;
  range: GridRange;
  hours: WorkingHours[];
  timeOff: Interval[];
  elsewhere: Interval[];
  appointments: A[];
  now: Date;
}): ColumnLayout<A> {
  const { date, timezone, range } = input;
  const place = (interval: Interval) => placement(date, timezone, range, interval);
  const holding = input.appointments.filter((a) => holdsTime(a.status));
  const appointmentTimes = holding.map((a) => ({ start: a.starts_at, end: a.ends_at }));

  const free: ColumnLayout<A>['free'] = [];
  const seen = new Set<number>();
  for (const slot of freeSlots({
    date,
    timezone,
    workingHours: input.hours,
    busy: [...input.timeOff, ...input.elsewhere, ...appointmentTimes],
    durationMinutes: ROW_MINUTES,
    now: input.now,
  })) {
    const spot = place(slot);
    if (!spot || seen.has(spot.row)) continue;
    seen.add(spot.row);
    const local = DateTime.fromJSDate(slot.start, { zone: timezone });
    free.push({ row: spot.row, start: slot.start, time: local.toFormat('HH:mm') });
  }

  const blocks: ColumnLayout<A>['blocks'] = [];
  const groups = new Map<string, A[]>();
  for (const appointment of holding) {
    if (appointment.kind === 'GROUP' && appointment.group_session_id) {
      const group = groups.get(appointment.group_session_id);
      if (group) {
        group.push(appointment);
        continue;
      }
      groups.set(appointment.group_session_id, [appointment]);
    }
    const spot = place({ start: appointment.starts_at, end: appointment.ends_at });
    if (spot) {
      const shared = groups.get(appointment.group_session_id ?? '');
      blocks.push({ ...spot, appointments: shared ?? [appointment] });
    }
  }

  const placed = (intervals: Interval[]) =>
    intervals.map(place).filter((spot): spot is Placement => spot !== null);
  return { free, timeOff: placed(input.timeOff), busy: placed(input.elsewhere), blocks };
}
