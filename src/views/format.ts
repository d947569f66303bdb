import type { Locale } from '../db/schema.js';

/**
 * Western digits in both languages, decided on purpose: Saudi clinic systems, ID cards, MRNs and
 * phone numbers use them, so prices and dates read the same at every desk and in every field.
 */
function intlLocale(locale: Locale): string {
  return locale === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
}

/**
 * '5000.00' → '5,000 SAR' in English (as the catalogue prints it), '5,000 ر.س.' in Arabic
 * (the locale's own currency form); decimals only when there are some.
 */
export function formatMoney(amount: string, currency: string, locale: Locale): string {
  if (locale === 'ar') {
    return new Intl.NumberFormat(intlLocale(locale), {
      style: 'currency',
      currency,
      minimumFractionDigits: 0,
      maximumFractionDigits: 2,
    }).format(Number(amount));
  }
  const number = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(
    Number(amount),
  );
  return `${number} ${currency}`;
}

/** 'SAR' → 'Saudi Riyal' / 'ريال سعودي'. */
export function currencyName(currency: string, locale: Locale): string {
  return new Intl.DisplayNames(locale, { type: 'currency' }).of(currency) ?? currency;
}

/** 'Asia/Riyadh' → 'Arabian Standard Time' / 'التوقيت العربي الرسمي'. */
export function timeZoneName(timezone: string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: timezone,
    timeZoneName: 'longGeneric',
  }).formatToParts(new Date());
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timezone;
}

export function localName(
  row: { name_en: string; name_ar: string | null },
  locale: Locale,
): string {
  return locale === 'ar' && row.name_ar ? row.name_ar : row.name_en;
}

/** '2026-12-02' → 'Wednesday, 2 December 2026' / 'الأربعاء، 2 ديسمبر 2026'. */
export function formatLongDate(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'full',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** An instant's wall-clock time in the tenant's zone, 24-hour: '09:00'. */
export function formatTime(instant: Date, timezone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: timezone,
  }).format(instant);
}

/** '09:00–09:45' in the tenant's zone. */
export function formatTimeRange(start: Date, end: Date, timezone: string, locale: Locale): string {
  return `${formatTime(start, timezone, locale)}–${formatTime(end, timezone, locale)}`;
}

/**
 * An instant's calendar date in the tenant's zone, the month spelled out in both languages
 * ('2 Dec 2026' / '2 ديسمبر 2026'; Arabic's `dateStyle: 'medium'` would be all digits).
 */
export function formatDateAt(instant: Date, timezone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: timezone,
  }).format(instant);
}

/** A 'YYYY-MM-DD' calendar date as formatDateAt writes it: '30 Jan 2026' / '30 يناير 2026'. */
export function formatDate(date: string, locale: Locale): string {
  return formatDateAt(new Date(`${date}T12:00:00Z`), 'UTC', locale);
}
