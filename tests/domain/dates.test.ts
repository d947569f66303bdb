import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/domain/dates.js';

describe('calendar dates', () => {
  it("takes today in the tenant's zone, not the server's", () => {
    const lateEveningUtc = new Date('2026-11-25T22:30:00Z');
    expect(localDate('Asia/Riyadh', lateEveningUtc)).toBe('2026-11-26');
    expect(localDate('Europe/London', lateEveningUtc)).toBe('2026-11-25');
    expect(localDate('America/New_York', new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
  });

  it('adds days across months, years and DST changes', () => {
    expect(addDays('2026-11-25', 90)).toBe('2027-02-23');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
