import { addDays } from './dates.js';
import type { Slot } from './slots.js';

/**
 * A course's weekly pattern (SPEC §7 series): which days of the tenant's calendar it proposes,
 * and which free time is nearest one that is not free. Pure functions; the booking rules
 * themselves stay with the booking (db/appointments.ts), which the series runs for each session.
 */

/** 0 = Sunday … 6 = Saturday, as provider_schedules.weekday; a calendar date's weekday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

/** The most sessions one course proposes (the JSON API's limit too). */
export const MAX_COURSE_SESSIONS = 60;

/**
 * The first `count` dates from `start` (inclusive) that fall on one of `weekdays`, in date
 * order; none without a weekday.
 */
export function weeklyDates(start: string, weekdays: readonly number[], count: number): string[] {
  const days = new Set(weekdays.filter((day) => Number.isInteger(day) && day >= 0 && day <= 6));
  const dates: string[] = [];
  if (days.size === 0) return dates;
  for (let date = start; dates.length < count; date = addDays(date, 1)) {
    if (days.has(weekdayOf(date))) dates.push(date);
  }
  return dates;
}

/**
 * The slot whose start is nearest `wanted` (the earlier one of two as near); undefined when
 * there is none. On another day than the one wanted, pass the wanted time of day on that day.
 */
export function nearestSlot(slots: readonly Slot[], wanted: Date): Slot | undefined {
  let best: Slot | undefined;
  let bestDistance = Infinity;
  for (const slot of slots) {
    const distance = Math.abs(slot.start.getTime() - wanted.getTime());
    if (distance < bestDistance) {
      best = slot;
      bestDistance = distance;
    }
  }
  return best;
}
