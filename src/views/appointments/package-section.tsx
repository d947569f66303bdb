import type { ChosenPurchase } from '../../db/purchases.js';
import type { Locale } from '../../db/schema.js';
import type { NewSessionNumbers } from '../../db/session-numbers.js';
import { formatDate, localName } from '../format.js';
import { moneyLiveFragment } from '../live.js';
import { PurchaseBalance } from '../payments/money-fields.js';
import { useT } from '../request-context.js';
import { courseUrl } from './course-booking.js';
import { ServiceSplit } from '../service-split.js';
import { receiptUrl } from '../receipts/receipt-page.js';

export const PACKAGE_SECTION_ID = 'package-section';
export const PACKAGE_BALANCE_ID = 'package-balance';
export const PACKAGE_RECEIPT_LINK_ID = 'package-receipt-link';
export const NEXT_SESSION_ID = 'package-next-session';
export const BOOK_COURSE_LINK_ID = 'book-course-link';

/**
 * "Session N of M will be booked": numbers follow date order (SPEC §1.9), so N is the number of
 * a session on the chosen day (after any session of the purchase earlier that day); when the
 * day, or no day yet, leaves room for two numbers, the line gives both. Sent again (out of band)
 * with every new list of times.
 */
export function NextSessionLine(props: {
  total: number;
  nextSession: number;
  numbers: NewSessionNumbers;
  oob?: boolean;
}) {
  const t = useT();
  const first = props.numbers.first ?? props.nextSession;
  const last = props.numbers.last ?? first;
  return (
    <p id={NEXT_SESSION_ID} hx-swap-oob={props.oob ? 'true' : undefined}>
      {first === last
        ? t('sessionWillBeBooked', { number: first, total: props.total })
        : t('sessionNumberByTime', { first, last, total: props.total })}
    </p>
  );
}

/** Empty until a package is chosen; then what will be booked on it. */
export function PackageSection(props: {
  locale: Locale;
  chosen?: { purchase: ChosenPurchase; nextSession: number; numbers: NewSessionNumbers };
  /** The tenant's currency, for the balance of a chosen package. */
  currency?: string;
  oob?: boolean;
}) {
  const t = useT();
  const { locale, chosen } = props;
  const oob = props.oob ? 'true' : undefined;
  if (!chosen) return <div id={PACKAGE_SECTION_ID} hx-swap-oob={oob}></div>;
  const { purchase } = chosen;
  return (
    // Another desk booking or cancelling on this purchase changes the next session number; a
    // payment or refund, its balance.
    <div
      id={PACKAGE_SECTION_ID}
      class="package-section"
      hx-swap-oob={oob}
      hx-get={`/appointments/new/package-section?patient_id=${purchase.patient_id}&package_purchase_id=${purchase.id}`}
      {...moneyLiveFragment}
      hx-include="#date"
      hx-target="this"
      hx-swap="outerHTML"
    >
      <input type="hidden" name="package_purchase_id" value={purchase.id} />
      <h3>{localName(purchase, locale)}</h3>
      <ServiceSplit locale={locale} split={purchase.split} />
      <NextSessionLine
        total={purchase.total_sessions}
        nextSession={chosen.nextSession}
        numbers={chosen.numbers}
      />
      <p>{t('expiresOn', { date: formatDate(purchase.expiry_date, locale) })}</p>
      {props.currency && (
        <PurchaseBalance
          locale={locale}
          currency={props.currency}
          purchase={purchase}
          id={PACKAGE_BALANCE_ID}
        />
      )}
      {purchase.last_payment && (
        <p>
          <a
            id={PACKAGE_RECEIPT_LINK_ID}
            href={receiptUrl(purchase.last_payment.id)}
            target="_blank"
            rel="noopener"
          >
            {t('receiptNumbered', { number: purchase.last_payment.invoice_number })}
          </a>
        </p>
      )}
      <p>
        <a id={BOOK_COURSE_LINK_ID} class="button" href={courseUrl(purchase.id)}>
          {t('bookCourse')}
        </a>
      </p>
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
