import type { PurchaseSummary } from '../../db/purchases.js';
import type { Locale } from '../../db/schema.js';
import { formatDate, localName } from '../format.js';
import { liveFragment } from '../live.js';
import { useT } from '../request-context.js';

export const PACKAGE_SECTION_ID = 'package-section';

/** Empty until a package is chosen; then what will be booked on it. */
export function PackageSection(props: {
  locale: Locale;
  chosen?: { purchase: PurchaseSummary; nextSession: number };
  oob?: boolean;
}) {
  const t = useT();
  const { locale, chosen } = props;
  const oob = props.oob ? 'true' : undefined;
  if (!chosen) return <div id={PACKAGE_SECTION_ID} hx-swap-oob={oob}></div>;
  const { purchase, nextSession } = chosen;
  return (
    // Another desk booking or cancelling on this purchase changes the next session number.
    <div
      id={PACKAGE_SECTION_ID}
      class="package-section"
      hx-swap-oob={oob}
      hx-get={`/appointments/new/package-section?patient_id=${purchase.patient_id}&package_purchase_id=${purchase.id}`}
      {...liveFragment}
      hx-target="this"
      hx-swap="outerHTML"
    >
      <input type="hidden" name="package_purchase_id" value={purchase.id} />
      <h3>{localName(purchase, locale)}</h3>
      <p id="package-next-session">
        {t('sessionWillBeBooked', { number: nextSession, total: purchase.total_sessions })}
      </p>
      <p>{t('expiresOn', { date: formatDate(purchase.expiry_date, locale) })}</p>
      <button
        type="button"
        class="link-button"
        hx-get={`/appointments/new/package-modal?patient_id=${purchase.patient_id}`}
        hx-target="#package-modal-body"
        hx-swap="innerHTML"
        hx-indicator="#package-modal-loading"
        hx-disabled-elt="this"
      >
        {t('changePackage')}
      </button>
    </div>
  );
}
