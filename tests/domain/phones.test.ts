import { describe, expect, it } from 'vitest';
import { phoneSearchDigits, toE164 } from '../../src/domain/phones.js';

describe('phones as people type them', () => {
  it('reads the three spellings of one Saudi number as one E.164 number', () => {
    for (const typed of ['0501234567', '+966 50 123 4567', '966501234567', '00966501234567']) {
      expect(toE164(typed, 'SA'), typed).toBe('+966501234567');
    }
  });

  it("refuses what is no number of the centre's country; a + number of another is kept", () => {
    expect(toE164('0123456789', 'SA')).toBeNull();
    expect(toE164('12345', 'SA')).toBeNull();
    expect(toE164('+971 50 123 4567', 'SA')).toBe('+971501234567');
  });

  it('keeps national numbers as typed for a centre without a country', () => {
    expect(toE164('050 111-2233', null)).toBe('0501112233');
    expect(toE164('+966501234567', null)).toBe('+966501234567');
    expect(toE164('123', null)).toBeNull();
  });

  it('searches the digits without leading zeros, so a national spelling finds E.164', () => {
    expect(phoneSearchDigits('0501234567')).toBe('501234567');
    expect(phoneSearchDigits('+966 50 123 4567')).toBe('966501234567');
    expect(phoneSearchDigits('00966501234567')).toBe('966501234567');
    expect(phoneSearchDigits('Ahmed')).toBeNull();
    expect(phoneSearchDigits('05')).toBeNull();
  });
});
