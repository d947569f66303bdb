/** Rules of a centre's settings that the form and the database share. */

/**
 * A VAT rate typed as a percentage ('15', '15.5', '0'; at most 99.99, two decimals) as the
 * fraction the database keeps (numeric(5,4): '0.1500'), computed in whole basis points so
 * no float rounding creeps in.
 */
export function percentToFraction(percent: string): string {
  const [whole = '0', decimals = ''] = percent.split('.');
  const basisPoints = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  return (basisPoints / 10_000).toFixed(4);
}

/** The stored fraction ('0.1500') as the form shows it ('15'). */
export function fractionToPercent(fraction: string): string {
  return String(Math.round(Number(fraction) * 10_000) / 100);
}

export const PERCENT_PATTERN = /^\d{1,2}(\.\d{1,2})?$/;

/** 'HH:MM' (the browser's time input) or 'HH:MM:SS' (as PostgreSQL gives a time back). */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/** A Saudi VAT registration number: 15 digits, the first and the last a 3 (ZATCA). */
export const SAUDI_VAT_NUMBER = /^3\d{13}3$/;

const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * An ISO 3166-1 alpha-2 code of a country the runtime knows: not an unknown pair of letters,
 * nor a grouping (EU, UN) or a private-use code (AA, QM–QZ, XA–XZ, ZZ).
 */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN)$/.test(code)) return false;
  return regions.of(code) !== code;
}
