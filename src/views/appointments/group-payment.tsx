import type { GroupSeatPackage } from '../../db/group-sessions.js';
import type { Locale } from '../../db/schema.js';
import { formatDate, localName } from '../format.js';
import { useT } from '../request-context.js';

export const GROUP_PAYMENT_ID = 'group-payment';

/**
 * How a group seat is paid for, once a session is chosen: one of the patient's packages that
 * covers its service (the earliest expiring chosen), or a single paid seat. Empty until then.
 */
export function GroupPayment(props: {
  locale: Locale;
  /** null: no session (or no patient) chosen yet. */
  packages: GroupSeatPackage[] | null;
  oob?: boolean;
}) {
  const t = useT();
  const { locale, packages } = props;
  const oob = props.oob ? 'true' : undefined;
  if (packages === null) return <div id={GROUP_PAYMENT_ID} hx-swap-oob={oob}></div>;
  if (packages.length === 0) {
    return (
      <div id={GROUP_PAYMENT_ID} hx-swap-oob={oob}>
        <p class="help">{t('groupPayNoPackage')}</p>
      </div>
    );
  }
  return (
    <fieldset id={GROUP_PAYMENT_ID} class="slot-list group-payment" hx-swap-oob={oob}>
      <legend>{t('groupPayWith')}</legend>
      {packages.map((purchase, index) => (
        <label class="group-session">
          <input type="radio" name="group_purchase_id" value={purchase.id} checked={index === 0} />
          <span>
            <strong>
              {t('groupPayPackage', {
                name: localName(purchase, locale),
                number: purchase.session_number ?? purchase.sessions_used + 1,
                total: purchase.total_sessions,
              })}
            </strong>
            <br />
            {t('groupPayPackageDetails', {
              remaining: purchase.total_sessions - purchase.sessions_used,
              date: formatDate(purchase.expiry_date, locale),
            })}
          </span>
        </label>
      ))}
      <label class="group-session">
        <input type="radio" name="group_purchase_id" value="" />
        <span>{t('groupPaySingle')}</span>
      </label>
    </fieldset>
  );
}
