import { describe, expect, it } from 'vitest';
import { localizeError } from '../../src/views/error-page.js';
import { translator } from '../../src/views/i18n.js';
import { errorMessageKey, errorsEn } from '../../src/views/messages/errors.js';

describe('error messages in the reader’s language', () => {
  it('recognises every message of the list, with the parts that vary', () => {
    for (const [key, english] of Object.entries(errorsEn)) {
      expect(errorMessageKey(english)?.key).toBe(key);
    }
    expect(errorMessageKey('This package expired on 2026-10-01.')).toEqual({
      key: 'err_expiredOn',
      values: { date: '2026-10-01' },
    });
  });

  it('writes them in Arabic, dates as the page writes them', () => {
    const ar = translator('ar');
    expect(localizeError('This package expired on 2026-10-01.', ar, 'ar')).toBe(
      'انتهت هذه الباقة في 1 أكتوبر 2026.',
    );
    expect(localizeError('Appointment not found.', ar, 'ar')).toBe('الموعد غير موجود.');
  });

  it('leaves English as thrown, and a message not in the list as it is', () => {
    const en = translator('en');
    expect(localizeError('Choose a time.', en, 'en')).toBe('Choose a time.');
    expect(localizeError('Something new.', translator('ar'), 'ar')).toBe('Something new.');
  });
});
