import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { normalisePhone } from './patients.js';

/**
 * A phone as people type it ('0501234567', '+966 50 123 4567', '966501234567') in E.164
 * ('+966501234567'), read in the centre's country when it has no country code. Null when it
 * is no number of that country (or, with a '+', of any). A centre without a country keeps
 * national numbers as typed (punctuation removed): there is no region to read them in.
 */
export function toE164(text: string, country: string | null): string | null {
  const cleaned = normalisePhone(text);
  if (!country && !cleaned.startsWith('+')) return /^\d{7,15}$/.test(cleaned) ? cleaned : null;
  const parsed = parsePhoneNumberFromString(
    cleaned,
    country ? { defaultCountry: country as CountryCode } : undefined,
  );
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * The digits a search looks for inside stored E.164 phones: without a trunk or international
 * prefix's leading zeros, so '0501234567', '00966501234567' and '+966 50 123 4567' all find
 * '+966501234567'. Null when too short to mean a phone.
 */
export function phoneSearchDigits(text: string): string | null {
  const digits = text.replace(/\D/g, '').replace(/^0+/, '');
  return digits.length >= 3 ? digits : null;
}
