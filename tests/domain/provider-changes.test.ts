import { describe, expect, it } from 'vitest';
import {
  duringTimeOff,
  outsideClinics,
  outsideHours,
  overlappingRanges,
  type LiveAppointment,
} from '../../src/domain/provider-changes.js';

function appointment(id: string, start: string, minutes = 45, clinic = 'slp'): LiveAppointment {
  const startsAt = new Date(start);
  return {
    id,
    starts_at: startsAt,
    ends_at: new Date(startsAt.getTime() + minutes * 60_000),
    clinic_id: clinic,
    patient_name_en: 'P',
    patient_name_ar: null,
    service_name_en: 'S',
    service_name_ar: 'س',
  };
}

describe('appointments a provider change would strand', () => {
  // Sunday 29 Nov 2026: 09:00 in Riyadh is 06:00 UTC; in New York 09:00 is 14:00 UTC.
  const nineInRiyadh = appointment('a', '2026-11-29T06:00:00Z');
  const lateInRiyadh = appointment('b', '2026-11-29T12:30:00Z'); // 15:30–16:15

  it('reads weekdays and times in the tenant’s zone', () => {
    const sunday = [{ weekday: 0, start_time: '08:00', end_time: '16:00' }];
    expect(outsideHours([nineInRiyadh, lateInRiyadh], sunday, 'Asia/Riyadh')).toEqual([
      lateInRiyadh,
    ]);
    // The same instants are 01:00 and 07:30 on Sunday in New York: both outside.
    expect(outsideHours([nineInRiyadh], sunday, 'America/New_York')).toEqual([nineInRiyadh]);
  });

  it('needs one range to hold the whole appointment (two touching ranges do not)', () => {
    const split = [
      { weekday: 0, start_time: '08:00:00', end_time: '09:30:00' },
      { weekday: 0, start_time: '09:30:00', end_time: '12:00:00' },
    ];
    const inFirst = appointment('c', '2026-11-29T06:00:00Z', 30); // 09:00–09:30
    expect(outsideHours([inFirst, nineInRiyadh], split, 'Asia/Riyadh')).toEqual([nineInRiyadh]);
    expect(outsideHours([nineInRiyadh], [{ ...split[0]!, weekday: 1 }], 'Asia/Riyadh')).toEqual([
      nineInRiyadh,
    ]);
  });

  it('finds time off overlaps (ends are open) and clinics left', () => {
    const off = { start: new Date('2026-11-29T06:45:00Z'), end: new Date('2026-11-29T12:00:00Z') };
    expect(duringTimeOff([nineInRiyadh, lateInRiyadh], off)).toEqual([]);
    expect(
      duringTimeOff([nineInRiyadh], { ...off, start: new Date('2026-11-29T06:44:00Z') }),
    ).toEqual([nineInRiyadh]);
    const aba = appointment('d', '2026-11-30T06:00:00Z', 45, 'aba');
    expect(outsideClinics([nineInRiyadh, aba], ['slp'])).toEqual([aba]);
  });

  it('flags the later of two overlapping ranges of one weekday only', () => {
    expect(
      overlappingRanges([
        { weekday: 0, start_time: '08:00', end_time: '12:00' },
        { weekday: 1, start_time: '11:00', end_time: '13:00' },
        { weekday: 0, start_time: '12:00', end_time: '14:00' },
        { weekday: 0, start_time: '13:59', end_time: '15:00' },
      ]),
    ).toEqual([3]);
  });
});
