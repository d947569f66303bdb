import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from '../../src/domain/quiet-hours.js';

describe('quiet hours', () => {
  it('holds a message sent at night until the end of the quiet hours, in the centre’s zone', () => {
    // 23:30 in Riyadh (UTC+3): held until 08:00 the next morning, 05:00Z.
    expect(
      quietHoursEnd(new Date('2026-12-01T20:30:00Z'), 'Asia/Riyadh', '21:00', '08:00'),
    ).toEqual(new Date('2026-12-02T05:00:00Z'));
    // 06:00 in Riyadh: held until 08:00 the same morning.
    expect(
      quietHoursEnd(new Date('2026-12-02T03:00:00Z'), 'Asia/Riyadh', '21:00', '08:00'),
    ).toEqual(new Date('2026-12-02T05:00:00Z'));
  });

  it('lets a message through during the day and at the first minute after the quiet hours', () => {
    expect(quietHoursEnd(new Date('2026-12-02T05:00:00Z'), 'Asia/Riyadh', '21:00', '08:00')).toBe(
      null,
    );
    expect(quietHoursEnd(new Date('2026-12-02T17:59:00Z'), 'Asia/Riyadh', '21:00', '08:00')).toBe(
      null,
    );
  });

  it('ends at 08:00 local on the morning after clocks go back (Europe/London, 25 Oct 2026)', () => {
    // 22:00 BST on Saturday (21:00Z); the clocks go back at 02:00 BST; 08:00 GMT is 08:00Z.
    expect(
      quietHoursEnd(new Date('2026-10-24T21:00:00Z'), 'Europe/London', '21:00', '08:00'),
    ).toEqual(new Date('2026-10-25T08:00:00Z'));
  });

  it('ends at 08:00 local on the morning after clocks go forward (America/New_York, 8 Mar 2026)', () => {
    // 23:00 EST on Saturday (04:00Z Sunday); at 08:00 EDT it is 12:00Z, not 13:00Z.
    expect(
      quietHoursEnd(new Date('2026-03-08T04:00:00Z'), 'America/New_York', '21:00', '08:00'),
    ).toEqual(new Date('2026-03-08T12:00:00Z'));
  });

  it('handles quiet hours within one day, and none when start equals end', () => {
    expect(quietHoursEnd(new Date('2026-12-02T10:00:00Z'), 'UTC', '09:00:00', '12:00:00')).toEqual(
      new Date('2026-12-02T12:00:00Z'),
    );
    expect(quietHoursEnd(new Date('2026-12-02T10:00:00Z'), 'UTC', '00:00', '00:00')).toBe(null);
  });
});
