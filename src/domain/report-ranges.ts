import { DateTime } from 'luxon';

/** The date-range presets of the reports' filter, resolved in the tenant's time zone. */
export const RANGE_PRESETS = ['this-month', 'last-month', 'last-90-days', 'this-year'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** Calendar dates, both included. */
export interface DateRange {
  from: string;
  to: string;
}

/** The preset's dates on `today` (the tenant's date): this month so far is the whole month. */
export function presetRange(preset: RangePreset, today: string): DateRange {
  const day = DateTime.fromISO(today, { zone: 'UTC' });
  const iso = (value: DateTime) => value.toISODate()!;
  switch (preset) {
    case 'this-month':
      return { from: iso(day.startOf('month')), to: iso(day.endOf('month')) };
    case 'last-month': {
      const last = day.minus({ months: 1 });
      return { from: iso(last.startOf('month')), to: iso(last.endOf('month')) };
    }
    case 'last-90-days':
      return { from: iso(day.minus({ days: 89 })), to: today };
    case 'this-year':
      return { from: iso(day.startOf('year')), to: iso(day.endOf('year')) };
  }
}

/** The instants a range of local dates covers in `timezone`: [start of `from`, start of the day after `to`). */
export function rangeInstants(range: DateRange, timezone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(range.from, { zone: timezone }).startOf('day');
  const end = DateTime.fromISO(range.to, { zone: timezone }).startOf('day').plus({ days: 1 });
  return { start: start.toJSDate(), end: end.toJSDate() };
}

/** How many days a range covers. */
export function rangeDays(range: DateRange): number {
  const from = DateTime.fromISO(range.from, { zone: 'UTC' });
  const to = DateTime.fromISO(range.to, { zone: 'UTC' });
  return Math.round(to.diff(from, 'days').days) + 1;
}

export const BUCKETS = ['day', 'week', 'month'] as const;
export type Bucket = (typeof BUCKETS)[number];
