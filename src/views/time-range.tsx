import type { Locale } from '../db/schema.js';
import { formatTimeRange } from './format.js';

/** '09:00–09:45', kept left to right on Arabic pages too (start on the left, as on a clock). */
export function TimeRange(props: { start: Date; end: Date; timezone: string; locale: Locale }) {
  return (
    <span dir="ltr">{formatTimeRange(props.start, props.end, props.timezone, props.locale)}</span>
  );
}
