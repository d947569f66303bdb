import { CSRF_FIELD } from '../../auth/csrf.js';
import type { HistoryPurchase } from '../../db/patient-history.js';
import type { PaymentRow } from '../../db/payments.js';
import type { Locale, PaymentKind } from '../../db/schema.js';
import { balanceDue, fromHalalas, toHalalas } from '../../domain/money.js';
import { ErrorSummary } from '../forms.js';
import { formatDate, formatDateAt, formatMoney, formatTime, localName } from '../format.js';
import {
  MethodSelect,
  MoneyInput,
  PurchaseBalance,
  useFieldError,
  type MoneyFormState,
} from '../payments/money-fields.js';
import { useT } from '../request-context.js';
import { receiptUrl } from '../receipts/receipt-page.js';

export const PATIENT_PAYMENTS_ID = 'patient-payments';
export const PAYMENT_NOTICE_ID = 'payment-notice';

/** The form of one purchase that came back refused (422), to show again with its errors. */
export interface MoneyFormRefused {
  purchaseId: string;
  kind: PaymentKind;
  state: MoneyFormState;
}

/** What the patient page shows of money, and what this user may do with it. */
export interface PatientMoney {
  currency: string;
  timezone: string;
  csrfToken: string;
  /** FRONT_DESK, FINANCE and ADMIN take payments; FINANCE and ADMIN refund. */
  canPay: boolean;
  canRefund: boolean;
  refused?: MoneyFormRefused;
  /** The payment or refund just recorded (after the form's redirect). */
  done?: PaymentRow;
}

export function paymentFormId(kind: PaymentKind, purchaseId: string) {
  return `${kind === 'PAYMENT' ? 'payment' : 'refund'}-form-${purchaseId}`;
}

/** Each purchase's balance, its payments and refunds (each with its receipt), and the forms. */
export function PurchasePayments(props: {
  locale: Locale;
  patientId: string;
  purchases: HistoryPurchase[];
  payments: PaymentRow[];
  money: PatientMoney;
}) {
  const t = useT();
  const { locale, purchases, payments, money } = props;
  return (
    <section class="card" id={PATIENT_PAYMENTS_ID} aria-labelledby="patient-payments-title">
      <h2 id="patient-payments-title">{t('paymentsHeading')}</h2>
      {money.done && (
        <p class="alert alert-ok" role="status" id={PAYMENT_NOTICE_ID}>
          {t(money.done.kind === 'PAYMENT' ? 'paymentTaken' : 'refundGiven')}{' '}
          <a href={receiptUrl(money.done.id)}>
            {t('receiptNumbered', { number: money.done.invoice_number })}
          </a>
        </p>
      )}
      {purchases.length === 0 ? (
        <p class="empty">{t('noPurchases')}</p>
      ) : (
        purchases.map((purchase) => (
          <PurchaseMoney
            locale={locale}
            patientId={props.patientId}
            purchase={purchase}
            payments={payments.filter((payment) => payment.purchase_id === purchase.id)}
            money={money}
          />
        ))
      )}
    </section>
  );
}

function PurchaseMoney(props: {
  locale: Locale;
  patientId: string;
  purchase: HistoryPurchase;
  payments: PaymentRow[];
  money: PatientMoney;
}) {
  const t = useT();
  const { locale, purchase, payments, money } = props;
  const headingId = `money-${purchase.id}-title`;
  const refused = (kind: PaymentKind) =>
    money.refused?.purchaseId === purchase.id && money.refused.kind === kind
      ? money.refused.state
      : undefined;
  const amount = (value: string) => formatMoney(value, money.currency, locale);
  const discount = toHalalas(purchase.discount);
  return (
    <section class="purchase-payments" id={`money-${purchase.id}`} aria-labelledby={headingId}>
      <h3 id={headingId}>{localName(purchase, locale)}</h3>
      <p class="muted">
        {t('purchasedOn', { date: formatDate(purchase.purchase_date, locale) })} · {t('price')}:{' '}
        {amount(purchase.price)}
        {discount > 0 && ` · ${t('discountApplied')}: ${amount(purchase.discount)}`}
      </p>
      <PurchaseBalance
        locale={locale}
        currency={money.currency}
        purchase={purchase}
        id={`balance-${purchase.id}`}
      />
      {payments.length === 0 ? (
        <p class="empty">{t('noPayments')}</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby={headingId} tabindex={0}>
          <table class="data-table payments-table">
            <thead>
              <tr>
                <th scope="col">{t('receiptDate')}</th>
                <th scope="col">{t('paymentKind')}</th>
                <th scope="col">{t('paymentMethod')}</th>
                <th scope="col">{t('amount')}</th>
                <th scope="col">{t('receiptColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((payment) => (
                <tr id={`payment-${payment.id}`}>
                  <td>
                    {formatDateAt(payment.received_at, money.timezone, locale)}{' '}
                    <span class="time">
                      {formatTime(payment.received_at, money.timezone, locale)}
                    </span>
                  </td>
                  <td>{t(`paymentKind_${payment.kind}`)}</td>
                  <td>{t(`method_${payment.method}`)}</td>
                  <td>
                    {payment.kind === 'REFUND' ? '−' : ''}
                    {amount(payment.amount)}
                  </td>
                  <td>
                    <a href={receiptUrl(payment.id)} class="receipt-link">
                      {t('receiptNumbered', { number: payment.invoice_number })}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="money-forms">
        {money.canPay && balanceDue(purchase) > 0 && (
          <MoneyForm
            kind="PAYMENT"
            patientId={props.patientId}
            purchase={purchase}
            csrfToken={money.csrfToken}
            state={refused('PAYMENT')}
          />
        )}
        {money.canRefund && toHalalas(purchase.amount_paid) > 0 && (
          <MoneyForm
            kind="REFUND"
            patientId={props.patientId}
            purchase={purchase}
            csrfToken={money.csrfToken}
            state={refused('REFUND')}
          />
        )}
      </div>
    </section>
  );
}

/** Take a payment (the balance by default) or give a refund (with its reason). */
function MoneyForm(props: {
  kind: PaymentKind;
  patientId: string;
  purchase: HistoryPurchase;
  csrfToken: string;
  state?: MoneyFormState;
}) {
  const t = useT();
  const { kind, purchase, state } = props;
  const payment = kind === 'PAYMENT';
  const formId = paymentFormId(kind, purchase.id);
  const id = (field: string) => `${formId}-${field}`;
  const values = state?.values ?? {};
  const error = useFieldError(state);
  const title = t(payment ? 'takePayment' : 'refund');
  return (
    <details class="package-operation" open={state !== undefined}>
      <summary>{title}</summary>
      <form
        method="post"
        action={`/patients/${props.patientId}/packages/${purchase.id}/${payment ? 'payments' : 'refunds'}`}
        class="stack"
        id={formId}
        novalidate
      >
        <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
        {/* One key per form shown: a double submit records one payment. */}
        <input
          type="hidden"
          name="idempotency_key"
          value={values.idempotency_key ?? crypto.randomUUID()}
        />
        <ErrorSummary id={`${formId}-errors`} errors={state?.errors} />
        <MoneyInput
          id={id('amount')}
          name="amount"
          label="amount"
          amount
          value={values.amount ?? (payment ? fromHalalas(balanceDue(purchase)) : '')}
          error={error('amount')}
        />
        <MethodSelect id={id('method')} value={values.method} error={error('method')} />
        {payment ? (
          <MoneyInput
            id={id('reference')}
            name="reference"
            label="paymentReference"
            maxlength={100}
            value={values.reference}
            error={error('reference')}
          />
        ) : (
          <MoneyInput
            id={id('reason')}
            name="reason"
            label="refundReason"
            maxlength={500}
            value={values.reason}
            error={error('reason')}
          />
        )}
        <button type="submit" class="button">
          {title}
        </button>
      </form>
    </details>
  );
}
