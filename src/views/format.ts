import type { Locale } from '../db/schema.js';

/**
 * Western digits in both languages, decided on purpose: Saudi clinic systems, ID cards, MRNs and
 * phone numbers use them, so prices and dates read the same at every desk and in every field.
 */
function intlLocale(locale: Locale): string {
  return locale === 'ar' ? 'ar-u-nu-latn' : 'en-GB';
}

/**
 * Building an Intl formatter costs a fraction of a millisecond, using one microseconds: each
 * is built once per locale (and time zone) and shared, which they are made for.
 */
export function memoize<Key extends string[], T>(build: (...key: Key) => T): (...key: Key) => T {
  const built = new Map<string, T>();
  return (...key) => {
    const id = key.join('\n');
    let value = built.get(id);
    if (value === undefined) built.set(id, (value = build(...key)));
    return value;
  };
}

const moneyFormat = memoize((locale: Locale, currency: string) =>
  locale === 'ar'
    ? new Intl.NumberFormat(intlLocale(locale), {
        style: 'currency',
        currency,
        minimumFractionDigits: 0,
        maximumFractionDigits: 2,
      })
    : new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }),
);

/**
 * '5000.00' → '5,000 SAR' in English (as the catalogue prints it), '5,000 ر.س.' in Arabic
 * (the locale's own currency form); decimals only when there are some. Each text is made once:
 * prices are the catalogue's, a few dozen, and the package modal prints all of them per view.
 */
export const formatMoney = memoize((amount: string, currency: string, locale: Locale): string => {
  const formatted = moneyFormat(locale, currency).format(Number(amount));
  return locale === 'ar' ? formatted : `${formatted} ${currency}`;
});

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
  return longDateFormat(locale).format(new Date(`${date}T00:00:00Z`));
}

const longDateFormat = memoize(
  (locale: Locale) =>
    new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'full', timeZone: 'UTC' }),
);

/** '2026-12-06' → 'Sun 6 Dec' / 'الأحد، 6 ديسمبر': a day in a week's column heading. */
export function formatShortDay(date: string, locale: Locale): string {
  return shortDayFormat(locale).format(new Date(`${date}T00:00:00Z`));
}

const shortDayFormat = memoize(
  (locale: Locale) =>
    new Intl.DateTimeFormat(intlLocale(locale), {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    }),
);

/** An instant's wall-clock time in the tenant's zone, 24-hour: '09:00'. */
export function formatTime(instant: Date, timezone: string, locale: Locale): string {
  return timeFormat(locale, timezone).format(instant);
}

const timeFormat = memoize(
  (locale: Locale, timeZone: string) =>
    new Intl.DateTimeFormat(intlLocale(locale), {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }),
);

/** '09:00–09:45' in the tenant's zone. */
export function formatTimeRange(start: Date, end: Date, timezone: string, locale: Locale): string {
  return `${formatTime(start, timezone, locale)}–${formatTime(end, timezone, locale)}`;
}

/**
 * An instant's calendar date in the tenant's zone, the month spelled out in both languages
 * ('2 Dec 2026' / '2 ديسمبر 2026'; Arabic's `dateStyle: 'medium'` would be all digits).
 */
export function formatDateAt(instant: Date, timezone: string, locale: Locale): string {
  return dateFormat(locale, timezone).format(instant);
}

const dateFormat = memoize(
  (locale: Locale, timeZone: string) =>
    new Intl.DateTimeFormat(intlLocale(locale), {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone,
    }),
);

/** A 'YYYY-MM-DD' calendar date as formatDateAt writes it: '30 Jan 2026' / '30 يناير 2026'. */
export function formatDate(date: string, locale: Locale): string {
  return formatDateAt(new Date(`${date}T12:00:00Z`), 'UTC', locale);
}
