/**
 * Money travels as `numeric(12,2)` text ('4500.00') from both drivers; sums and comparisons are
 * made here in integer halalas (hundredths), never in floating point. The JSON API's numbers
 * are made once, by `moneyNumber`.
 */

const DECIMAL = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/** The largest amount a numeric(12,2) column holds, in halalas. */
export const MAX_HALALAS = 999_999_999_999;

/** '4500.5' → 450050; null when the text is not a non-negative amount of at most 2 decimals. */
export function parseHalalas(text: string): number | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A database numeric ('4500.00', or PGlite's '4500') in halalas. */
export function toHalalas(numeric: string): number {
  const halalas = parseHalalas(numeric);
  if (halalas === null) throw new Error(`Not an amount of money: ${numeric}`);
  return halalas;
}

/** 450050 → '4500.50': what the database and formatMoney take. */
export function fromHalalas(halalas: number): string {
  const sign = halalas < 0 ? '-' : '';
  const abs = Math.abs(halalas);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A database numeric as the JSON API's number (2 decimals at most by construction). */
export function moneyNumber(numeric: string): number {
  return Number(numeric);
}

/** What a purchase still owes, in halalas: price − discount − amount paid (net of refunds). */
export function balanceDue(purchase: { price: string; discount: string; amount_paid: string }) {
  return toHalalas(purchase.price) - toHalalas(purchase.discount) - toHalalas(purchase.amount_paid);
}
