import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/domain/dates.js';

describe('calendar dates', () => {
  it("takes today in the tenant's zone, not the server's", () => {
    const lateEveningUtc = new Date('2026-11-25T22:30:00Z');
    expect(localDate('Asia/Riyadh', lateEveningUtc)).toBe('2026-11-26');
    expect(localDate('Europe/London', lateEveningUtc)).toBe('2026-11-25');
    expect(localDate('America/New_York', new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
  });

  it('turns at midnight in the zone, in every month and across DST changes', () => {
    for (const zone of ['Asia/Riyadh', 'America/New_York', 'Pacific/Kiritimati', 'UTC']) {
      for (let hours = 0; hours < 24 * 400; hours += 7) {
        const instant = new Date(Date.UTC(2026, 0, 1) + hours * 3_600_000);
        const viaLuxon = DateTime.fromJSDate(instant, { zone }).toISODate();
        expect(localDate(zone, instant), `${zone} ${instant.toISOString()}`).toBe(viaLuxon);
      }
    }
  });

  it('adds days across months, years and DST changes', () => {
    expect(addDays('2026-11-25', 90)).toBe('2027-02-23');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
