import type { ServiceBalance } from '../db/purchases.js';
import type { Locale } from '../db/schema.js';

/**
 * A multi-service package's balance per service, "SLP 2/8 · OT 1/4": by the clinic's
 * specialty (its Arabic name in Arabic) when that tells the services apart, else by service.
 * Nothing for a package of one service (its total says it all).
 */
export function ServiceSplit(props: { locale: Locale; split: ServiceBalance[] | undefined }) {
  const split = props.split ?? [];
  if (split.length < 2) return null;
  const bySpecialty = new Set(split.map((s) => s.specialty)).size === split.length;
  const label = (s: ServiceBalance) =>
    bySpecialty
      ? props.locale === 'ar'
        ? s.clinic_ar
        : s.specialty
      : props.locale === 'ar'
        ? s.service_ar
        : s.service_en;
  return (
    <span class="service-split">
      {split.map((s, i) => (
        <>
          {i > 0 && ' · '}
          <span class="service-balance">
            {label(s)} <span dir="ltr">{`${s.sessions_used}/${s.sessions}`}</span>
          </span>
        </>
      ))}
    </span>
  );
}
