import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dayBounds,
  DEFAULT_SLOT_STEP_MINUTES,
  formatInstant,
  freeSlots,
  type Interval,
  type Slot,
  type WorkingHours,
} from '../../src/domain/slots.js';

// Weekdays of the dates used below (0 = Sunday): 2026-11-29 Sunday, 2026-11-30 Monday,
// 2026-12-04 Friday, 2026-01-14 and 2026-07-15 Wednesday, 2026-03-29 and 2026-10-25 Sunday
// (Europe/London's spring-forward and fall-back days).
const RIYADH = 'Asia/Riyadh';
const LONDON = 'Europe/London';
const LONG_AGO = new Date('2000-01-01T00:00:00Z');

/** The same hours on every weekday. */
function everyDay(...ranges: [string, string][]): WorkingHours[] {
  return [0, 1, 2, 3, 4, 5, 6].flatMap((weekday) =>
    ranges.map(([start_time, end_time]) => ({ weekday, start_time, end_time })),
  );
}

/** Riyadh's working week, Sunday to Thursday. */
function sundayToThursday(start_time: string, end_time: string): WorkingHours[] {
  return [0, 1, 2, 3, 4].map((weekday) => ({ weekday, start_time, end_time }));
}

function at(iso: string): Date {
  return new Date(iso);
}

function startsUtc(slots: Slot[]): string[] {
  return slots.map((slot) => slot.start.toISOString());
}

function startsLocal(slots: Slot[], timezone: string): string[] {
  return slots.map((slot) => formatInstant(slot.start, timezone));
}

/** 'HH:MM' wall-clock starts, for days without DST surprises. */
function clockTimes(slots: Slot[], timezone: string): string[] {
  return slots.map((slot) => DateTime.fromJSDate(slot.start, { zone: timezone }).toFormat('HH:mm'));
}

describe('freeSlots on an ordinary day', () => {
  const riyadhDay = {
    date: '2026-11-29',
    timezone: RIYADH,
    workingHours: sundayToThursday('08:00', '16:00'),
    busy: [],
    durationMinutes: 45,
    stepMinutes: 15,
    now: LONG_AGO,
  };

  it('offers every 15 minutes from the range start until the last slot that fits', () => {
    const slots = freeSlots(riyadhDay);

    // 08:00 … 15:15 local (+03:00), every 15 minutes: 7¼ hours / 15 min + 1.
    expect(slots).toHaveLength(30);
    expect(slots[0]).toEqual({
      start: at('2026-11-29T05:00:00Z'),
      end: at('2026-11-29T05:45:00Z'),
    });
    expect(slots.at(-1)).toEqual({
      start: at('2026-11-29T12:15:00Z'),
      end: at('2026-11-29T13:00:00Z'),
    });
    expect(formatInstant(slots[0]!.start, RIYADH)).toBe('2026-11-29T08:00:00+03:00');
    expect(formatInstant(slots.at(-1)!.end, RIYADH)).toBe('2026-11-29T16:00:00+03:00');
    for (const slot of slots) expect(slot.end.getTime() - slot.start.getTime()).toBe(45 * 60_000);
  });

  it('steps by 15 minutes when no step is given', () => {
    const { stepMinutes, ...withoutStep } = riyadhDay;
    expect(DEFAULT_SLOT_STEP_MINUTES).toBe(stepMinutes);
    expect(freeSlots(withoutStep)).toEqual(freeSlots(riyadhDay));
  });

  it("reads PostgreSQL's 'HH:MM:SS' the same as 'HH:MM'", () => {
    const withSeconds = { ...riyadhDay, workingHours: sundayToThursday('08:00:00', '16:00:00') };
    expect(freeSlots(withSeconds)).toEqual(freeSlots(riyadhDay));
  });

  it('never lets a slot cross the gap between two ranges of the day', () => {
    const slots = freeSlots({
      ...riyadhDay,
      workingHours: [
        { weekday: 0, start_time: '08:00', end_time: '12:00' },
        { weekday: 0, start_time: '13:00', end_time: '16:00' },
      ],
    });

    // Morning 08:00 … 11:15 (14 slots), afternoon 13:00 … 15:15 (10 slots).
    expect(slots).toHaveLength(24);
    const times = clockTimes(slots, RIYADH);
    expect(times.slice(12, 16)).toEqual(['11:00', '11:15', '13:00', '13:15']);
    const lunch = { start: at('2026-11-29T09:00:00Z'), end: at('2026-11-29T10:00:00Z') };
    expect(slots.filter((s) => s.start < lunch.end && lunch.start < s.end)).toEqual([]);
  });

  it('keeps touching ranges apart and lists each start once', () => {
    const slots = freeSlots({
      ...riyadhDay,
      // Listed out of order on purpose: the result is sorted anyway.
      workingHours: [
        { weekday: 0, start_time: '12:00', end_time: '14:00' },
        { weekday: 0, start_time: '10:00', end_time: '12:00' },
      ],
    });

    // The rows are separate ranges: no slot spans 12:00 (no 11:30 or 11:45).
    expect(clockTimes(slots, RIYADH)).toEqual([
      ...['10:00', '10:15', '10:30', '10:45', '11:00', '11:15'],
      ...['12:00', '12:15', '12:30', '12:45', '13:00', '13:15'],
    ]);
  });

  it('ignores the hours of the other weekdays', () => {
    // Friday 2026-12-04: Riyadh providers work Sunday to Thursday.
    expect(freeSlots({ ...riyadhDay, date: '2026-12-04' })).toEqual([]);
    expect(freeSlots({ ...riyadhDay, workingHours: [] })).toEqual([]);
    const mondayOnly = [{ weekday: 1, start_time: '08:00', end_time: '16:00' }];
    expect(freeSlots({ ...riyadhDay, workingHours: mondayOnly })).toEqual([]);
  });

  it('offers nothing when the duration is longer than the range, one slot when it is equal', () => {
    const oneHour = [{ weekday: 0, start_time: '08:00', end_time: '09:00' }];
    const day = { ...riyadhDay, workingHours: oneHour };
    expect(freeSlots({ ...day, durationMinutes: 90 })).toEqual([]);
    expect(freeSlots({ ...day, durationMinutes: 61 })).toEqual([]);
    expect(freeSlots({ ...day, durationMinutes: 60 })).toEqual([
      { start: at('2026-11-29T05:00:00Z'), end: at('2026-11-29T06:00:00Z') },
    ]);
  });

  it('counts the step from the start of each range', () => {
    const twoHours = (start: string, end: string) => ({
      ...riyadhDay,
      workingHours: [{ weekday: 0, start_time: start, end_time: end }],
      durationMinutes: 60,
    });

    expect(
      clockTimes(freeSlots({ ...twoHours('08:00', '10:00'), stepMinutes: 15 }), RIYADH),
    ).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00']);
    expect(
      clockTimes(freeSlots({ ...twoHours('08:00', '10:00'), stepMinutes: 30 }), RIYADH),
    ).toEqual(['08:00', '08:30', '09:00']);
    // A range starting off the quarter hour keeps its own grid.
    expect(
      clockTimes(freeSlots({ ...twoHours('08:10', '10:10'), stepMinutes: 30 }), RIYADH),
    ).toEqual(['08:10', '08:40', '09:10']);
    // A step longer than the duration: 09:30 + 30 min ends exactly at 10:00, so it is offered.
    expect(
      clockTimes(
        freeSlots({ ...twoHours('08:00', '10:00'), durationMinutes: 30, stepMinutes: 45 }),
        RIYADH,
      ),
    ).toEqual(['08:00', '08:45', '09:30']);
  });
});

describe('freeSlots minus busy time and the past', () => {
  // Riyadh, Sunday 2026-11-29, 08:00–12:00 local = 05:00Z–09:00Z, one-hour slots every 30 min:
  // 08:00 08:30 09:00 09:30 10:00 10:30 11:00.
  const morning = {
    date: '2026-11-29',
    timezone: RIYADH,
    workingHours: sundayToThursday('08:00', '12:00'),
    busy: [] as Interval[],
    durationMinutes: 60,
    stepMinutes: 30,
    now: LONG_AGO,
  };

  it('removes exactly the slots that overlap a busy interval, adjacency allowed on both sides', () => {
    // An appointment 09:30–10:00 local.
    const busy = [{ start: at('2026-11-29T06:30:00Z'), end: at('2026-11-29T07:00:00Z') }];
    const slots = freeSlots({ ...morning, busy });

    // 08:30–09:30 ends as it starts and 10:00–11:00 starts as it ends: both kept.
    expect(clockTimes(slots, RIYADH)).toEqual(['08:00', '08:30', '10:00', '10:30', '11:00']);
  });

  it('combines several busy intervals, including ones reaching outside the working hours', () => {
    const busy = [
      // Time off from the evening before until 08:15 local.
      { start: at('2026-11-28T18:00:00Z'), end: at('2026-11-29T05:15:00Z') },
      // The patient's appointment elsewhere 10:59–11:01 local: blocks 10:00, 10:30 and 11:00.
      { start: at('2026-11-29T07:59:00Z'), end: at('2026-11-29T08:01:00Z') },
      // After hours: blocks nothing.
      { start: at('2026-11-29T10:00:00Z'), end: at('2026-11-29T11:00:00Z') },
    ];
    expect(clockTimes(freeSlots({ ...morning, busy }), RIYADH)).toEqual([
      '08:30',
      '09:00',
      '09:30',
    ]);
  });

  it('treats an empty busy interval as blocking nothing', () => {
    const busy = [{ start: at('2026-11-29T06:15:00Z'), end: at('2026-11-29T06:15:00Z') }];
    expect(freeSlots({ ...morning, busy })).toEqual(freeSlots(morning));
  });

  it('offers nothing when time off covers the whole day', () => {
    expect(freeSlots({ ...morning, busy: [dayBounds('2026-11-29', RIYADH)] })).toEqual([]);
    const week = { start: at('2026-11-25T00:00:00Z'), end: at('2026-12-02T00:00:00Z') };
    expect(freeSlots({ ...morning, busy: [week] })).toEqual([]);
  });

  it('drops slots that start before now and keeps one starting exactly at now', () => {
    const atTen = freeSlots({ ...morning, now: at('2026-11-29T07:00:00Z') });
    expect(clockTimes(atTen, RIYADH)).toEqual(['10:00', '10:30', '11:00']);

    const justAfterTen = freeSlots({ ...morning, now: at('2026-11-29T07:00:00.001Z') });
    expect(clockTimes(justAfterTen, RIYADH)).toEqual(['10:30', '11:00']);

    // A slot already under way is not offered even though it has not ended.
    expect(freeSlots({ ...morning, now: at('2026-11-29T08:01:00Z') })).toEqual([]);
    expect(freeSlots({ ...morning, now: at('2026-11-29T09:00:00Z') })).toEqual([]);
  });
});

describe('freeSlots across time zones and DST', () => {
  const hourly = (date: string, timezone: string, hours: WorkingHours[]) =>
    freeSlots({
      date,
      timezone,
      workingHours: hours,
      busy: [],
      durationMinutes: 60,
      stepMinutes: 60,
      now: LONG_AGO,
    });

  it('uses +00:00 in a London winter and +01:00 in a London summer', () => {
    const winter = hourly('2026-01-14', LONDON, everyDay(['09:00', '12:00']));
    expect(startsUtc(winter)).toEqual([
      '2026-01-14T09:00:00.000Z',
      '2026-01-14T10:00:00.000Z',
      '2026-01-14T11:00:00.000Z',
    ]);
    expect(startsLocal(winter, LONDON)).toEqual([
      '2026-01-14T09:00:00+00:00',
      '2026-01-14T10:00:00+00:00',
      '2026-01-14T11:00:00+00:00',
    ]);

    const summer = hourly('2026-07-15', LONDON, everyDay(['09:00', '12:00']));
    expect(startsUtc(summer)).toEqual([
      '2026-07-15T08:00:00.000Z',
      '2026-07-15T09:00:00.000Z',
      '2026-07-15T10:00:00.000Z',
    ]);
    expect(startsLocal(summer, LONDON)).toEqual([
      '2026-07-15T09:00:00+01:00',
      '2026-07-15T10:00:00+01:00',
      '2026-07-15T11:00:00+01:00',
    ]);
  });

  it('keeps 08:00–16:00 local on the spring-forward day (clocks 01:00 → 02:00)', () => {
    const slots = hourly('2026-03-29', LONDON, everyDay(['08:00', '16:00']));
    expect(slots).toHaveLength(8);
    expect(slots[0]!.start).toEqual(at('2026-03-29T07:00:00Z'));
    expect(slots.at(-1)!.end).toEqual(at('2026-03-29T15:00:00Z'));
    expect(formatInstant(slots[0]!.start, LONDON)).toBe('2026-03-29T08:00:00+01:00');

    // The day before is still on GMT.
    expect(hourly('2026-03-28', LONDON, everyDay(['08:00', '16:00']))[0]!.start).toEqual(
      at('2026-03-28T08:00:00Z'),
    );
  });

  it('keeps 08:00–16:00 local on the fall-back day (clocks 02:00 → 01:00)', () => {
    const slots = hourly('2026-10-25', LONDON, everyDay(['08:00', '16:00']));
    expect(slots).toHaveLength(8);
    expect(slots[0]!.start).toEqual(at('2026-10-25T08:00:00Z'));
    expect(slots.at(-1)!.end).toEqual(at('2026-10-25T16:00:00Z'));
    expect(formatInstant(slots[0]!.start, LONDON)).toBe('2026-10-25T08:00:00+00:00');

    // The day before is still on BST.
    expect(hourly('2026-10-24', LONDON, everyDay(['08:00', '16:00']))[0]!.start).toEqual(
      at('2026-10-24T07:00:00Z'),
    );
  });

  it('gives 00:00–04:00 three real hours on the spring-forward day, none at a missing time', () => {
    const slots = hourly('2026-03-29', LONDON, everyDay(['00:00', '04:00']));
    expect(startsLocal(slots, LONDON)).toEqual([
      '2026-03-29T00:00:00+00:00',
      '2026-03-29T02:00:00+01:00',
      '2026-03-29T03:00:00+01:00',
    ]);
    expect(slots.at(-1)!.end).toEqual(at('2026-03-29T03:00:00Z'));

    // Quarter-hour slots: 12 of them in 3 real hours, and 01:xx never appears on the clock.
    const quarters = freeSlots({
      date: '2026-03-29',
      timezone: LONDON,
      workingHours: everyDay(['00:00', '04:00']),
      busy: [],
      durationMinutes: 15,
      now: LONG_AGO,
    });
    expect(quarters).toHaveLength(12);
    expect(startsLocal(quarters, LONDON).filter((s) => s.includes('T01:'))).toEqual([]);
    expect(startsLocal(quarters, LONDON).slice(3, 5)).toEqual([
      '2026-03-29T00:45:00+00:00',
      '2026-03-29T02:00:00+01:00',
    ]);
  });

  it('gives 00:00–04:00 five real hours on the fall-back day, 01:00 twice', () => {
    const slots = hourly('2026-10-25', LONDON, everyDay(['00:00', '04:00']));
    expect(startsUtc(slots)).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
    expect(startsLocal(slots, LONDON)).toEqual([
      '2026-10-25T00:00:00+01:00',
      '2026-10-25T01:00:00+01:00',
      '2026-10-25T01:00:00+00:00',
      '2026-10-25T02:00:00+00:00',
      '2026-10-25T03:00:00+00:00',
    ]);
  });

  it('starts a range whose start does not exist at the moment the clocks jump', () => {
    // 01:30 never shows on 2026-03-29: the clock reads 01:30 or later from 02:00 BST on.
    const slots = freeSlots({
      date: '2026-03-29',
      timezone: LONDON,
      workingHours: everyDay(['01:30', '03:00']),
      busy: [],
      durationMinutes: 30,
      stepMinutes: 30,
      now: LONG_AGO,
    });
    expect(startsLocal(slots, LONDON)).toEqual([
      '2026-03-29T02:00:00+01:00',
      '2026-03-29T02:30:00+01:00',
    ]);
    // A range lying entirely inside the missing hour holds no time at all.
    expect(hourly('2026-03-29', LONDON, everyDay(['01:00', '02:00']))).toEqual([]);
  });

  it('starts a range whose start occurs twice at its first occurrence', () => {
    // 01:30 shows twice on 2026-10-25 (BST, then GMT): 01:30 BST to 03:00 GMT is 2½ hours.
    const slots = freeSlots({
      date: '2026-10-25',
      timezone: LONDON,
      workingHours: everyDay(['01:30', '03:00']),
      busy: [],
      durationMinutes: 30,
      stepMinutes: 30,
      now: LONG_AGO,
    });
    expect(startsLocal(slots, LONDON)).toEqual([
      '2026-10-25T01:30:00+01:00',
      '2026-10-25T01:00:00+00:00',
      '2026-10-25T01:30:00+00:00',
      '2026-10-25T02:00:00+00:00',
      '2026-10-25T02:30:00+00:00',
    ]);
  });

  it('takes the weekday from the local date when the UTC date differs', () => {
    // Monday 2026-11-30 in Auckland (+13:00) begins on Sunday 2026-11-29 in UTC.
    const hours: WorkingHours[] = [
      { weekday: 0, start_time: '14:00', end_time: '15:00' }, // Sunday: must not be used
      { weekday: 1, start_time: '08:00', end_time: '10:00' }, // Monday
    ];
    const slots = hourly('2026-11-30', 'Pacific/Auckland', hours);
    expect(startsUtc(slots)).toEqual(['2026-11-29T19:00:00.000Z', '2026-11-29T20:00:00.000Z']);
    expect(startsLocal(slots, 'Pacific/Auckland')).toEqual([
      '2026-11-30T08:00:00+13:00',
      '2026-11-30T09:00:00+13:00',
    ]);

    // Sunday evening in Los Angeles is already Monday in UTC.
    const evening = hourly('2026-11-29', 'America/Los_Angeles', hours);
    expect(startsUtc(evening)).toEqual(['2026-11-29T22:00:00.000Z']);
    expect(startsLocal(evening, 'America/Los_Angeles')).toEqual(['2026-11-29T14:00:00-08:00']);
  });

  it("runs late-evening hours up to PostgreSQL's 24:00:00", () => {
    // Sunday 22:00–24:00 in Riyadh: the last slot ends at Monday's local midnight.
    const slots = hourly('2026-11-29', RIYADH, [
      { weekday: 0, start_time: '22:00:00', end_time: '24:00:00' },
    ]);
    expect(slots).toEqual([
      { start: at('2026-11-29T19:00:00Z'), end: at('2026-11-29T20:00:00Z') },
      { start: at('2026-11-29T20:00:00Z'), end: at('2026-11-29T21:00:00Z') },
    ]);
    expect(slots.at(-1)!.end).toEqual(dayBounds('2026-11-29', RIYADH).end);
  });
});

describe('dayBounds', () => {
  const hours = (interval: Interval) => (interval.end.getTime() - interval.start.getTime()) / 3.6e6;

  it('runs from local midnight to the next local midnight', () => {
    const riyadh = dayBounds('2026-11-29', RIYADH);
    expect(riyadh).toEqual({
      start: at('2026-11-28T21:00:00Z'),
      end: at('2026-11-29T21:00:00Z'),
    });
    expect(hours(dayBounds('2026-11-30', 'Pacific/Auckland'))).toBe(24);
    expect(dayBounds('2026-11-30', 'Pacific/Auckland').start).toEqual(at('2026-11-29T11:00:00Z'));
  });

  it('is 23 hours long on the spring-forward day and 25 on the fall-back day', () => {
    expect(dayBounds('2026-03-29', LONDON)).toEqual({
      start: at('2026-03-29T00:00:00Z'),
      end: at('2026-03-29T23:00:00Z'),
    });
    expect(dayBounds('2026-10-25', LONDON)).toEqual({
      start: at('2026-10-24T23:00:00Z'),
      end: at('2026-10-26T00:00:00Z'),
    });
    expect(hours(dayBounds('2026-03-29', LONDON))).toBe(23);
    expect(hours(dayBounds('2026-10-25', LONDON))).toBe(25);
  });

  it('starts at the first instant of the day where the clocks skip midnight', () => {
    // Chile moves its clocks from 00:00 to 01:00 on 2026-09-06: that day begins at 01:00.
    const day = dayBounds('2026-09-06', 'America/Santiago');
    expect(formatInstant(day.start, 'America/Santiago')).toBe('2026-09-06T01:00:00-03:00');
    expect(dayBounds('2026-09-05', 'America/Santiago').end).toEqual(day.start);
    expect(hours(day)).toBe(23);
  });
});

describe('formatInstant', () => {
  it('spells out the offset, seconds included, without milliseconds', () => {
    const instant = at('2026-01-14T09:05:07.890Z');
    expect(formatInstant(instant, 'UTC')).toBe('2026-01-14T09:05:07+00:00');
    expect(formatInstant(instant, 'Etc/UTC')).toBe('2026-01-14T09:05:07+00:00');
    expect(formatInstant(instant, LONDON)).toBe('2026-01-14T09:05:07+00:00');
    expect(formatInstant(instant, RIYADH)).toBe('2026-01-14T12:05:07+03:00');
    expect(formatInstant(instant, 'Asia/Kolkata')).toBe('2026-01-14T14:35:07+05:30');
    expect(formatInstant(instant, 'America/New_York')).toBe('2026-01-14T04:05:07-05:00');
    expect(formatInstant(instant, 'Pacific/Auckland')).toBe('2026-01-14T22:05:07+13:00');
  });
});

describe('invalid input', () => {
  const valid = {
    date: '2026-11-29',
    timezone: RIYADH,
    workingHours: sundayToThursday('08:00', '16:00'),
    busy: [],
    durationMinutes: 45,
    now: LONG_AGO,
  };

  it.each([0, -15, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects duration %s', (d) => {
    expect(() => freeSlots({ ...valid, durationMinutes: d })).toThrow(/durationMinutes/);
  });

  it.each([0, -5, 7.5, Number.NaN])('rejects step %s', (step) => {
    expect(() => freeSlots({ ...valid, stepMinutes: step })).toThrow(/stepMinutes/);
  });

  it.each(['2026-02-30', '2026-13-01', '29/11/2026', '2026-11-29T08:00', '', 'tomorrow'])(
    "rejects the date '%s'",
    (date) => {
      expect(() => freeSlots({ ...valid, date })).toThrow(/calendar date/);
      expect(() => dayBounds(date, RIYADH)).toThrow(/calendar date/);
    },
  );

  // 'local', 'system' and 'default' would silently mean the server's zone.
  it.each(['Mars/Olympus_Mons', '', 'local', 'system', 'default'])(
    "rejects the time zone '%s'",
    (timezone) => {
      expect(() => freeSlots({ ...valid, timezone })).toThrow(/time zone/);
      expect(() => dayBounds('2026-11-29', timezone)).toThrow(/time zone/);
      expect(() => formatInstant(LONG_AGO, timezone)).toThrow(/time zone/);
    },
  );

  it.each(['8:00', '25:00', '24:30', '08:60', '08:00:60', 'noon'])(
    "rejects the working time '%s'",
    (time) => {
      const hours = [{ weekday: 0, start_time: time, end_time: '16:00' }];
      expect(() => freeSlots({ ...valid, workingHours: hours })).toThrow(/working time/);
    },
  );

  it('rejects a weekday outside 0 … 6, an inverted busy interval and an invalid now', () => {
    const sunday7 = [{ weekday: 7, start_time: '08:00', end_time: '16:00' }];
    expect(() => freeSlots({ ...valid, workingHours: sunday7 })).toThrow(/weekday/);

    const inverted = { start: at('2026-11-29T07:00:00Z'), end: at('2026-11-29T06:00:00Z') };
    expect(() => freeSlots({ ...valid, busy: [inverted] })).toThrow(/busy interval/);

    expect(() => freeSlots({ ...valid, now: new Date('not a date') })).toThrow(/now/);
    expect(() => formatInstant(new Date(Number.NaN), RIYADH)).toThrow(/instant/);
  });

  it('throws plain Errors', () => {
    expect(() => freeSlots({ ...valid, durationMinutes: 0 })).toThrow(Error);
  });
});

describe('independence from the server time zone', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('gives the same instants whatever process.env.TZ says', () => {
    // Run this file with TZ=America/New_York too; here the zone also changes mid-process
    // (Node re-reads TZ on assignment), across zones either side of UTC and the date line.
    const compute = () => ({
      london: freeSlots({
        date: '2026-03-29',
        timezone: LONDON,
        workingHours: everyDay(['00:00', '04:00'], ['08:00', '16:00']),
        busy: [{ start: at('2026-03-29T09:00:00Z'), end: at('2026-03-29T10:30:00Z') }],
        durationMinutes: 45,
        now: LONG_AGO,
      }),
      auckland: freeSlots({
        date: '2026-11-30',
        timezone: 'Pacific/Auckland',
        workingHours: everyDay(['08:00', '12:00']),
        busy: [],
        durationMinutes: 30,
        now: LONG_AGO,
      }),
      bounds: dayBounds('2026-10-25', LONDON),
      formatted: formatInstant(at('2026-11-29T05:00:00Z'), RIYADH),
    });

    const reference = compute();
    expect(reference.formatted).toBe('2026-11-29T08:00:00+03:00');
    for (const tz of ['America/New_York', 'Pacific/Kiritimati', 'Asia/Riyadh', 'UTC']) {
      process.env.TZ = tz;
      expect(compute(), tz).toEqual(reference);
    }
    // Prove the zone did change under us.
    process.env.TZ = 'Pacific/Kiritimati';
    expect(new Date('2026-01-01T00:00:00Z').getTimezoneOffset()).toBe(-14 * 60);
  });
});

describe('freeSlots invariants over random days', () => {
  /** mulberry32: a tiny seeded generator, so a failure can be replayed. */
  function seededRandom(seed: number) {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  const zones = [RIYADH, LONDON, 'Pacific/Auckland', 'America/New_York', 'Asia/Kolkata'];
  // Ordinary days and the DST days of London, New York (2026-03-08, 2026-11-01) and Auckland
  // (2026-04-05, 2026-09-27).
  const dates = [
    '2026-01-14',
    '2026-03-08',
    '2026-03-29',
    '2026-04-05',
    '2026-07-15',
    '2026-09-27',
    '2026-10-25',
    '2026-11-01',
    '2026-11-29',
  ];

  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

  it('every slot fits a working range, has the duration, avoids busy time and the past, on the grid', () => {
    const random = seededRandom(20261129);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    let slotsSeen = 0;

    for (let run = 0; run < 400; run++) {
      const timezone = pick(zones);
      const date = pick(dates);
      const day = dayBounds(date, timezone);
      const weekday = DateTime.fromISO(date, { zone: 'utc' }).weekday % 7;

      // Up to three non-overlapping ranges on the day's weekday (after 04:00, away from the
      // DST jumps, so that Luxon alone places them), plus noise on another weekday.
      const workingHours: WorkingHours[] = [];
      let cursor = between(4 * 60, 10 * 60);
      for (let n = between(0, 3); n > 0 && cursor < 23 * 60; n--) {
        const end = Math.min(cursor + between(1, 24) * 15, 24 * 60 - 15);
        workingHours.push({ weekday, start_time: hhmm(cursor), end_time: hhmm(end) });
        cursor = end + between(0, 8) * 15;
      }
      workingHours.push({ weekday: (weekday + 1) % 7, start_time: '00:00', end_time: '23:59' });

      const dayMs = day.end.getTime() - day.start.getTime();
      const busy: Interval[] = Array.from({ length: between(0, 6) }, () => {
        const start = day.start.getTime() - 3_600_000 + Math.floor(random() * (dayMs + 7_200_000));
        return { start: new Date(start), end: new Date(start + between(1, 180) * 60_000) };
      });
      const durationMinutes = pick([10, 15, 30, 45, 60, 90]);
      const stepMinutes = pick([5, 10, 15, 20, 30, 60]);
      const now = random() < 0.3 ? LONG_AGO : new Date(day.start.getTime() + random() * dayMs);

      const input = { date, timezone, workingHours, busy, durationMinutes, stepMinutes, now };
      const slots = freeSlots(input);
      slotsSeen += slots.length;

      const ranges = workingHours
        .filter((hours) => hours.weekday === weekday)
        .map((hours) => ({
          start: DateTime.fromISO(`${date}T${hours.start_time}`, { zone: timezone }).toMillis(),
          end: DateTime.fromISO(`${date}T${hours.end_time}`, { zone: timezone }).toMillis(),
        }));
      const context = JSON.stringify(input);

      let previous = -Infinity;
      for (const { start: startDate, end: endDate } of slots) {
        const start = startDate.getTime();
        const end = endDate.getTime();
        expect(end - start, context).toBe(durationMinutes * 60_000);
        const range = ranges.find((r) => r.start <= start && end <= r.end);
        expect(range, context).toBeDefined();
        expect((start - range!.start) % (stepMinutes * 60_000), context).toBe(0);
        expect(start, context).toBeGreaterThanOrEqual(now.getTime());
        expect(
          busy.filter((b) => start < b.end.getTime() && b.start.getTime() < end),
          context,
        ).toEqual([]);
        expect(start, context).toBeGreaterThan(previous);
        previous = start;
      }

      // And nothing allowed is missing: every grid start that passes every rule is offered.
      const offered = new Set(slots.map((slot) => slot.start.getTime()));
      for (const range of ranges) {
        for (let start = range.start; start + durationMinutes * 60_000 <= range.end;) {
          const end = start + durationMinutes * 60_000;
          const free = busy.every((b) => end <= b.start.getTime() || b.end.getTime() <= start);
          if (free && start >= now.getTime()) expect(offered.has(start), context).toBe(true);
          start += stepMinutes * 60_000;
        }
      }
    }

    // The generator must actually produce slots for the invariants to mean anything.
    expect(slotsSeen).toBeGreaterThan(1000);
  });
});
