import type { Locale } from '../db/schema.js';

/** Western digits in both languages: MRNs, phones and prices read the same at every desk. */
function intlLocale(locale: Locale): string {
  return locale === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
}

/** '5000.00' → '5,000 SAR' (decimals only when there are some). */
export function formatMoney(amount: string, currency: string, locale: Locale): string {
  const number = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(
    Number(amount),
  );
  return `${number} ${currency}`;
}

/** '2026-01-30' → '30 Jan 2026' / '30 يناير 2026'. */
export function formatDate(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

export function localName(
  row: { name_en: string; name_ar: string | null },
  locale: Locale,
): string {
  return locale === 'ar' && row.name_ar ? row.name_ar : row.name_en;
}
