import type { AppointmentStatus, Role } from '../db/schema.js';
import { addDays, localDate } from './dates.js';
import { Conflict, Forbidden } from './errors.js';

/** Rules of an appointment's life. Pure functions. */

const HOUR_MS = 60 * 60 * 1000;

/** Cancelled early enough, the session returns to the package; later, it stays consumed. */
export function cancellationOutcome(
  startsAt: Date,
  now: Date,
  windowHours: number,
): 'CANCELLED' | 'LATE_CANCELLED' {
  return startsAt.getTime() - now.getTime() >= windowHours * HOUR_MS
    ? 'CANCELLED'
    : 'LATE_CANCELLED';
}

export const CANCELLABLE: readonly AppointmentStatus[] = ['BOOKED', 'CONFIRMED'];

/** A slot in the last 7 days of a package's validity deserves a warning (not a block). */
export function isInLastWeekOfValidity(slotDate: string, expiryDate: string): boolean {
  return slotDate <= expiryDate && slotDate > addDays(expiryDate, -7);
}

type Actor = { role: Role; ownsAppointment: boolean };

/** The states an appointment moves forward to (cancelling has its own rules). */
export const STEP_STATUSES = ['CONFIRMED', 'ARRIVED', 'COMPLETED', 'NO_SHOW'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * Who may move an appointment from one state to the next. Providers act only on their own
 * appointments, and only to mark arrival and completion. Cancelling has its own route.
 */
const TRANSITIONS: Partial<
  Record<`${AppointmentStatus}>${StepStatus}`, (actor: Actor) => boolean>
> = {
  'BOOKED>CONFIRMED': (a) => a.role === 'ADMIN' || a.role === 'FRONT_DESK',
  'BOOKED>ARRIVED': (a) => deskOrOwnProvider(a),
  'CONFIRMED>ARRIVED': (a) => deskOrOwnProvider(a),
  'ARRIVED>COMPLETED': (a) => deskOrOwnProvider(a),
  'BOOKED>NO_SHOW': (a) => a.role === 'ADMIN' || a.role === 'FRONT_DESK',
  'CONFIRMED>NO_SHOW': (a) => a.role === 'ADMIN' || a.role === 'FRONT_DESK',
};

function deskOrOwnProvider(actor: Actor): boolean {
  return (
    actor.role === 'ADMIN' ||
    actor.role === 'FRONT_DESK' ||
    (actor.role === 'PROVIDER' && actor.ownsAppointment)
  );
}

export function isKnownTransition(from: AppointmentStatus, to: StepStatus): boolean {
  return `${from}>${to}` in TRANSITIONS;
}

export function mayTransition(from: AppointmentStatus, to: StepStatus, actor: Actor): boolean {
  return TRANSITIONS[`${from}>${to}`]?.(actor) ?? false;
}

/** When a step happens: the appointment's start, now, and the tenant's zone for its day. */
export interface StepTime {
  startsAt: Date;
  now: Date;
  timezone: string;
}

/**
 * SPEC §2's guards in time: ARRIVED and COMPLETED from the appointment's day on (in the
 * tenant's zone), NO_SHOW only once it has started. The refusal, or null when in time.
 */
export function tooEarly(to: StepStatus, when: StepTime): Conflict | null {
  if (to === 'NO_SHOW') {
    return when.now.getTime() > when.startsAt.getTime() ? null : new Conflict('noShowBeforeStart');
  }
  if (to !== 'ARRIVED' && to !== 'COMPLETED') return null;
  const day = localDate(when.timezone, when.startsAt);
  if (localDate(when.timezone, when.now) >= day) return null;
  return new Conflict('tooEarlyForStatus', { date: day, next: to.toLowerCase() });
}

/** Marked by mistake: set back to BOOKED by the desk on the appointment's day (SPEC §2). */
export const REVERTIBLE: readonly AppointmentStatus[] = ['ARRIVED', 'COMPLETED', 'NO_SHOW'];

/**
 * Why this appointment cannot go back to BOOKED now (null when it can): only an ADMIN or the
 * front desk, only from a state in REVERTIBLE, and only on the appointment's own day in the
 * tenant's zone (a later correction is a matter for the audit, not a quiet undo).
 */
export function revertRefusal(
  from: AppointmentStatus,
  role: Role,
  when: StepTime,
): Forbidden | Conflict | null {
  if (role !== 'ADMIN' && role !== 'FRONT_DESK') return new Forbidden();
  if (!REVERTIBLE.includes(from)) {
    return new Conflict('statusChangeRefused', { status: from.toLowerCase(), next: 'booked' });
  }
  const day = localDate(when.timezone, when.startsAt);
  if (localDate(when.timezone, when.now) !== day)
    return new Conflict('revertNotSameDay', { date: day });
  return null;
}

/** The next states this actor may choose now, for the buttons of the appointment page. */
export function nextStatuses(from: AppointmentStatus, actor: Actor, when: StepTime): StepStatus[] {
  return STEP_STATUSES.filter((to) => mayTransition(from, to, actor) && !tooEarly(to, when));
}
