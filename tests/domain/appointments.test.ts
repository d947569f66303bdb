import { describe, expect, it } from 'vitest';
import {
  cancellationOutcome,
  isInLastWeekOfValidity,
  mayTransition,
  nextStatuses,
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

describe('state changes by role', () => {
  const desk = { role: 'FRONT_DESK' as const, ownsAppointment: false };
  const ownProvider = { role: 'PROVIDER' as const, ownsAppointment: true };
  const otherProvider = { role: 'PROVIDER' as const, ownsAppointment: false };
  const finance = { role: 'FINANCE' as const, ownsAppointment: false };

  it('lets the desk confirm, mark arrival and no-show', () => {
    expect(nextStatuses('BOOKED', desk)).toEqual(['CONFIRMED', 'ARRIVED', 'NO_SHOW']);
    expect(nextStatuses('ARRIVED', desk)).toEqual(['COMPLETED']);
  });

  it('lets a provider mark arrival and completion of their own appointments only', () => {
    expect(nextStatuses('BOOKED', ownProvider)).toEqual(['ARRIVED']);
    expect(nextStatuses('ARRIVED', ownProvider)).toEqual(['COMPLETED']);
    expect(nextStatuses('BOOKED', otherProvider)).toEqual([]);
    expect(mayTransition('BOOKED', 'CONFIRMED', ownProvider)).toBe(false);
  });

  it('gives finance nothing and ended appointments no way forward', () => {
    expect(nextStatuses('BOOKED', finance)).toEqual([]);
    for (const ended of ['COMPLETED', 'CANCELLED', 'LATE_CANCELLED', 'NO_SHOW'] as const) {
      expect(nextStatuses(ended, desk)).toEqual([]);
    }
  });
});
