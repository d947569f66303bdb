import { describe, expect, it } from 'vitest';
import {
  cancellationOutcome,
  isInLastWeekOfValidity,
  mayTransition,
  nextStatuses,
  tooEarly,
} from '../../src/domain/appointments.js';

const HOUR = 60 * 60 * 1000;

describe('cancellation policy', () => {
  const start = new Date('2026-12-01T09:00:00Z');

  it('returns the session exactly at the window and before it', () => {
    expect(cancellationOutcome(start, new Date(start.getTime() - 24 * HOUR), 24)).toBe('CANCELLED');
    expect(cancellationOutcome(start, new Date(start.getTime() - 48 * HOUR), 24)).toBe('CANCELLED');
  });

  it('keeps it consumed inside the window and after the start', () => {
    expect(cancellationOutcome(start, new Date(start.getTime() - 24 * HOUR + 1), 24)).toBe(
      'LATE_CANCELLED',
    );
    expect(cancellationOutcome(start, new Date(start.getTime() + HOUR), 24)).toBe('LATE_CANCELLED');
  });

  it('follows the tenant window', () => {
    const now = new Date(start.getTime() - 3 * HOUR);
    expect(cancellationOutcome(start, now, 2)).toBe('CANCELLED');
    expect(cancellationOutcome(start, now, 4)).toBe('LATE_CANCELLED');
  });
});

describe('last week of validity', () => {
  it('covers the seven days ending on the expiry date', () => {
    expect(isInLastWeekOfValidity('2027-01-30', '2027-01-30')).toBe(true);
    expect(isInLastWeekOfValidity('2027-01-24', '2027-01-30')).toBe(true);
    expect(isInLastWeekOfValidity('2027-01-23', '2027-01-30')).toBe(false);
    expect(isInLastWeekOfValidity('2027-01-31', '2027-01-30')).toBe(false);
  });
});

/** An appointment at 09:00 in Riyadh (06:00 UTC) on 2026-12-01, seen at 09:30 that day. */
const RIYADH = 'Asia/Riyadh';
const startsAt = new Date('2026-12-01T06:00:00Z');
const started = { startsAt, now: new Date('2026-12-01T06:30:00Z'), timezone: RIYADH };

describe('state changes by role', () => {
  const desk = { role: 'FRONT_DESK' as const, ownsAppointment: false };
  const ownProvider = { role: 'PROVIDER' as const, ownsAppointment: true };
  const otherProvider = { role: 'PROVIDER' as const, ownsAppointment: false };
  const finance = { role: 'FINANCE' as const, ownsAppointment: false };

  it('lets the desk confirm, mark arrival and no-show', () => {
    expect(nextStatuses('BOOKED', desk, started)).toEqual(['CONFIRMED', 'ARRIVED', 'NO_SHOW']);
    expect(nextStatuses('ARRIVED', desk, started)).toEqual(['COMPLETED']);
  });

  it('lets a provider mark arrival and completion of their own appointments only', () => {
    expect(nextStatuses('BOOKED', ownProvider, started)).toEqual(['ARRIVED']);
    expect(nextStatuses('ARRIVED', ownProvider, started)).toEqual(['COMPLETED']);
    expect(nextStatuses('BOOKED', otherProvider, started)).toEqual([]);
    expect(mayTransition('BOOKED', 'CONFIRMED', ownProvider)).toBe(false);
  });

  it('gives finance nothing and ended appointments no way forward', () => {
    expect(nextStatuses('BOOKED', finance, started)).toEqual([]);
    for (const ended of ['COMPLETED', 'CANCELLED', 'LATE_CANCELLED', 'NO_SHOW'] as const) {
      expect(nextStatuses(ended, desk, started)).toEqual([]);
    }
  });
});

describe('state changes in time (SPEC §2)', () => {
  const at = (now: string) => ({ startsAt, now: new Date(now), timezone: RIYADH });

  it('marks arrival and completion from the appointment’s local day on, not the day before', () => {
    // 00:00 in Riyadh on the day is 21:00 UTC the day before
    for (const to of ['ARRIVED', 'COMPLETED'] as const) {
      expect(tooEarly(to, at('2026-11-30T21:00:00Z'))).toBeNull();
      expect(tooEarly(to, at('2026-11-30T20:59:59Z'))).toMatchObject({
        status: 409,
        code: 'too_early_for_status',
        params: { date: '2026-12-01', next: to.toLowerCase() },
      });
    }
  });

  it('marks a no-show only once the appointment has started', () => {
    expect(tooEarly('NO_SHOW', at('2026-12-01T06:00:01Z'))).toBeNull();
    expect(tooEarly('NO_SHOW', at('2026-12-01T06:00:00Z'))?.code).toBe('no_show_before_start');
    expect(tooEarly('NO_SHOW', at('2026-12-01T05:00:00Z'))?.code).toBe('no_show_before_start');
  });

  it('lets the desk confirm at any time', () => {
    expect(tooEarly('CONFIRMED', at('2026-11-01T00:00:00Z'))).toBeNull();
  });

  it('offers only the steps that are in time', () => {
    const desk = { role: 'FRONT_DESK' as const, ownsAppointment: false };
    expect(nextStatuses('BOOKED', desk, at('2026-11-30T09:00:00Z'))).toEqual(['CONFIRMED']);
    expect(nextStatuses('BOOKED', desk, at('2026-12-01T05:00:00Z'))).toEqual([
      'CONFIRMED',
      'ARRIVED',
    ]);
  });
});
