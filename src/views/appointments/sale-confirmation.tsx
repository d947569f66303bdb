import { PACKAGE_PLACE_FIELDS } from './schedule-fields.js';
import type { CatalogueEntry } from '../../db/packages.js';
import { totalSessions } from '../../db/packages.js';
import type { Locale } from '../../db/schema.js';
import { addDays } from '../../domain/dates.js';
import { sessionCount } from '../../i18n/index.js';
import { ErrorSummary } from '../forms.js';
import { formatDate, formatMoney, localName } from '../format.js';
import {
  MethodSelect,
  MoneyInput,
  useFieldError,
  type MoneyFormState,
} from '../payments/money-fields.js';
import { useT } from '../request-context.js';
import { PACKAGE_MODAL_BODY_ID, PACKAGE_MODAL_ERROR_ID } from './package-modal.js';
import { PACKAGE_SECTION_ID } from './package-section.js';

export const SALE_FORM_ID = 'sale-form';
export const SALE_PAY_NOW_ID = 'sale-pay-now';
export const SALE_PAY_LATER_ID = 'sale-pay-later';
export const SALE_CONFIRM_ID = 'sale-confirm';

export interface SaleConfirmationProps {
  locale: Locale;
  currency: string;
  patient: { id: string; name_en: string; name_ar: string | null };
  entry: CatalogueEntry;
  /** Today in the tenant's zone: the expiry the purchase will have. */
  today: string;
  /** ADMIN and FINANCE may give a discount (with a reason). */
  canDiscount: boolean;
  /** Rendered once per confirmation: a double submit sells once and takes one payment. */
  idempotencyKey: string;
  form?: MoneyFormState;
}

/**
 * "Assign & use package" asks first (SPEC §7): the package, its price, validity and services,
 * a discount for those who may give one, then pay now (the net price by default) or later.
 */
export function SaleConfirmation(props: SaleConfirmationProps) {
  const t = useT();
  const { locale, currency, entry, form } = props;
  const values = form?.values ?? {};
  const error = useFieldError(form);
  const money = (amount: string) => formatMoney(amount, currency, locale);
  const payLater = values.payment === 'later';
  return (
    <div class="modal-content sale-confirmation">
      <header class="modal-header">
        <h2 id="package-modal-title">{t('saleTitle', { name: localName(entry, locale) })}</h2>
        <button type="button" class="modal-close" data-close-dialog aria-label={t('close')}>
          ×
        </button>
      </header>
      <div id={PACKAGE_MODAL_ERROR_ID} aria-live="assertive"></div>
      <dl class="facts sale-facts" id="sale-facts">
        <dt>{t('patient')}</dt>
        <dd>{localName(props.patient, locale)}</dd>
        <dt>{t('price')}</dt>
        <dd id="sale-price">{money(entry.price)}</dd>
        <dt>{t('expiryDate')}</dt>
        <dd>
          {t('validityDays', { days: entry.validity_days })} ·{' '}
          {formatDate(addDays(props.today, entry.validity_days), locale)}
        </dd>
        <dt>{sessionCount(locale, totalSessions(entry))}</dt>
        <dd>
          <ul class="services">
            {entry.services.map((service) => (
              <li>
                {t('serviceLine', {
                  service: locale === 'ar' ? service.name_ar : service.name_en,
                  sessions: sessionCount(locale, service.sessions),
                  clinic: locale === 'ar' ? service.clinic_ar : service.clinic_en,
                })}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <form
        id={SALE_FORM_ID}
        class="stack sale-form"
        hx-post="/appointments/new/assign"
        hx-include={PACKAGE_PLACE_FIELDS}
        hx-target={`#${PACKAGE_SECTION_ID}`}
        hx-swap="outerHTML"
        hx-disabled-elt={`#${SALE_CONFIRM_ID}`}
        data-price={entry.price}
        autocomplete="off"
        novalidate
      >
        <ErrorSummary id={`${SALE_FORM_ID}-errors`} errors={form?.errors} />
        <input type="hidden" name="patient_id" value={props.patient.id} />
        <input type="hidden" name="package_id" value={entry.id} />
        <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
        {props.canDiscount && (
          <div class="sale-discount">
            <MoneyInput
              id="sale-discount"
              name="discount"
              label="discount"
              amount
              autofocus
              value={values.discount}
              error={error('discount')}
              data={{ 'data-discount': '' }}
            />
            <MoneyInput
              id="sale-discount-reason"
              name="discount_reason"
              label="discountReason"
              maxlength={500}
              value={values.discount_reason}
              error={error('discount_reason')}
            />
          </div>
        )}
        <fieldset class="field pay-choice">
          <legend>{t('paymentChoice')}</legend>
          <label>
            <input
              type="radio"
              id={SALE_PAY_NOW_ID}
              name="payment"
              value="now"
              checked={!payLater}
              autofocus={!props.canDiscount}
            />{' '}
            {t('payNow')}
          </label>
          <label>
            <input
              type="radio"
              id={SALE_PAY_LATER_ID}
              name="payment"
              value="later"
              checked={payLater}
            />{' '}
            {t('payLater')}
          </label>
        </fieldset>
        <div class="pay-now-fields">
          <MoneyInput
            id="sale-amount"
            name="amount"
            label="amount"
            amount
            value={values.amount ?? entry.price}
            error={error('amount')}
            data={{ 'data-net-amount': '' }}
          />
          <MethodSelect id="sale-method" value={values.method} error={error('method')} />
          <MoneyInput
            id="sale-reference"
            name="reference"
            label="paymentReference"
            maxlength={100}
            value={values.reference}
            error={error('reference')}
          />
        </div>
        <p class="actions">
          <button type="submit" id={SALE_CONFIRM_ID} class="button primary">
            {t('confirmSale')}
          </button>
          <button
            type="button"
            class="button"
            hx-get={`/appointments/new/package-modal?patient_id=${props.patient.id}`}
            hx-target={`#${PACKAGE_MODAL_BODY_ID}`}
            hx-swap="innerHTML"
          >
            {t('backToPackages')}
          </button>
        </p>
      </form>
    </div>
  );
}
