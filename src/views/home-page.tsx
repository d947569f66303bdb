import type { AuthContext } from '../auth/session.js';
import type { DayPayment, OutstandingBalance, Takings } from '../db/finance.js';
import type { Locale } from '../db/schema.js';
import { fromHalalas, toHalalas } from '../domain/money.js';
import {
  currencyName,
  formatDate,
  formatMoney,
  formatTime,
  localName,
  timeZoneName,
} from './format.js';
import { roleKey } from '../i18n/index.js';
import { useT } from './request-context.js';
import { receiptUrl } from './receipts/receipt-page.js';

/** The home page's link to the reports (ADMIN and FINANCE). */
export const HOME_REPORTS_LINK_ID = 'reports-link';

export const TAKINGS_ID = 'finance-takings';
export const OUTSTANDING_ID = 'finance-outstanding';
export const DAY_PAYMENTS_ID = 'finance-payments';

/** What FINANCE lands on (SPEC §7): today's takings by method, the balances still owed. */
export interface FinanceSummary {
  today: string;
  takings: Takings[];
  /** Today's payments and refunds, the latest first; `paymentsCut`: older ones not listed. */
  payments: DayPayment[];
  paymentsCut: boolean;
  outstanding: OutstandingBalance[];
}

export function HomePage({
  locale,
  auth,
  canBook,
  canReadReports,
  finance,
}: {
  locale: Locale;
  auth: AuthContext;
  canBook: boolean;
  canReadReports: boolean;
  finance?: FinanceSummary;
}) {
  return (
    <div class="stack">
      <Welcome locale={locale} auth={auth} canBook={canBook} canReadReports={canReadReports} />
      {finance && (
        <FinanceHome
          locale={locale}
          currency={auth.tenant.currency}
          timezone={auth.tenant.timezone}
          {...finance}
        />
      )}
    </div>
  );
}

function FinanceHome(
  props: FinanceSummary & { locale: Locale; currency: string; timezone: string },
) {
  const t = useT();
  const { locale, takings, outstanding } = props;
  const money = (halalas: number) => formatMoney(fromHalalas(halalas), props.currency, locale);
  const net = (row: Takings) => toHalalas(row.paid) - toHalalas(row.refunded);
  const total = takings.reduce((sum, row) => sum + net(row), 0);
  return (
    <>
      <section class="card" id={TAKINGS_ID} aria-labelledby="takings-title">
        <h2 id="takings-title">
          {t('takingsToday')} · {formatDate(props.today, locale)}
        </h2>
        {takings.length === 0 ? (
          <p class="empty">{t('noTakingsToday')}</p>
        ) : (
          <div class="table-scroll" role="region" aria-labelledby="takings-title" tabindex={0}>
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('paymentMethod')}</th>
                  <th scope="col">{t('paymentKind_PAYMENT')}</th>
                  <th scope="col">{t('paymentKind_REFUND')}</th>
                  <th scope="col">{t('takingsTotal')}</th>
                </tr>
              </thead>
              <tbody>
                {takings.map((row) => (
                  <tr>
                    <th scope="row">{t(`method_${row.method}`)}</th>
                    <td>{money(toHalalas(row.paid))}</td>
                    <td>{money(toHalalas(row.refunded))}</td>
                    <td>{money(net(row))}</td>
                  </tr>
                ))}
                <tr class="takings-total">
                  <th scope="row">{t('takingsTotal')}</th>
                  <td></td>
                  <td></td>
                  <td id="takings-total">{money(total)}</td>
                </tr>
              </tbody>
            </table>
          </div>
        )}
      </section>
      <DayPayments {...props} />
      <section class="card" id={OUTSTANDING_ID} aria-labelledby="outstanding-title">
        <h2 id="outstanding-title">{t('outstandingBalances')}</h2>
        {outstanding.length === 0 ? (
          <p class="empty">{t('noOutstandingBalances')}</p>
        ) : (
          <div class="table-scroll" role="region" aria-labelledby="outstanding-title" tabindex={0}>
            <table class="data-table wraps-on-phone">
              <thead>
                <tr>
                  <th scope="col">{t('patient')}</th>
                  <th scope="col">{t('packageName')}</th>
                  <th scope="col" class="wide-only">
                    {t('purchasedColumn')}
                  </th>
                  <th scope="col" class="num">
                    {t('balanceDue')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {outstanding.map((row) => (
                  <tr id={`outstanding-${row.purchase_id}`}>
                    <th scope="row">
                      <a href={`/patients/${row.patient_id}#money-${row.purchase_id}`}>
                        {localName({ name_en: row.patient_en, name_ar: row.patient_ar }, locale)}
                      </a>
                    </th>
                    <td>{localName(row, locale)}</td>
                    <td class="wide-only">{formatDate(row.purchase_date, locale)}</td>
                    <td class="num">{money(toHalalas(row.balance_due))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** Each payment and refund of the day with its receipt: what the till is reconciled against. */
function DayPayments(props: {
  locale: Locale;
  currency: string;
  timezone: string;
  payments: DayPayment[];
  paymentsCut: boolean;
}) {
  const t = useT();
  const { locale, payments } = props;
  if (payments.length === 0) return null;
  return (
    <section class="card" id={DAY_PAYMENTS_ID} aria-labelledby="day-payments-title">
      <h2 id="day-payments-title">{t('paymentsToday')}</h2>
      {props.paymentsCut && (
        <p class="muted">{t('paymentsTodayCut', { count: payments.length })}</p>
      )}
      <div class="table-scroll" role="region" aria-labelledby="day-payments-title" tabindex={0}>
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{t('receiptColumn')}</th>
              <th scope="col">{t('time')}</th>
              <th scope="col">{t('paymentKind')}</th>
              <th scope="col">{t('paymentMethod')}</th>
              <th scope="col">{t('amount')}</th>
              <th scope="col">{t('patient')}</th>
              <th scope="col">{t('packageName')}</th>
            </tr>
          </thead>
          <tbody>
            {payments.map((payment) => (
              <tr id={`day-payment-${payment.id}`}>
                <th scope="row">
                  <a href={receiptUrl(payment.id)}>
                    {t('receiptNumbered', { number: payment.invoice_number })}
                  </a>
                </th>
                <td>
                  <span class="time">
                    {formatTime(payment.received_at, props.timezone, locale)}
                  </span>
                </td>
                <td>{t(`paymentKind_${payment.kind}`)}</td>
                <td>{t(`method_${payment.method}`)}</td>
                <td>
                  {payment.kind === 'REFUND' ? '−' : ''}
                  {formatMoney(payment.amount, props.currency, locale)}
                </td>
                <td>
                  <a href={`/patients/${payment.patient_id}#money-${payment.purchase_id}`}>
                    {localName(
                      { name_en: payment.patient_en, name_ar: payment.patient_ar },
                      locale,
                    )}
                  </a>
                </td>
                <td>
                  {localName({ name_en: payment.package_en, name_ar: payment.package_ar }, locale)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Welcome({
  locale,
  auth,
  canBook,
  canReadReports,
}: {
  locale: Locale;
  auth: AuthContext;
  canBook: boolean;
  canReadReports: boolean;
}) {
  const t = useT();
  const { user, tenant } = auth;
  return (
    <section class="card" aria-labelledby="home-title">
      <h1 id="home-title">{t('welcome', { name: user.name })}</h1>
      <dl class="facts" id="home-facts">
        <dt>{t('signedInAs')}</dt>
        <dd>
          <span dir="ltr" translate="no">
            {user.email}
          </span>
        </dd>
        <dt>{t('role')}</dt>
        <dd>{t(roleKey(user.role))}</dd>
        <dt>{t('centre')}</dt>
        <dd translate="no">{tenant.name}</dd>
        <dt>{t('timezone')}</dt>
        <dd>{timeZoneName(tenant.timezone, locale)}</dd>
        <dt>{t('currency')}</dt>
        <dd>{currencyName(tenant.currency, locale)}</dd>
      </dl>
      <p class="home-links">
        {canBook && (
          <a class="button primary" href="/appointments/new" id="book-link">
            {t('bookAppointment')}
          </a>
        )}
        <a class="button" href="/appointments" id="day-view-link">
          {t('dayView')}
        </a>
        {canReadReports && (
          <a class="button" href="/reports" id={HOME_REPORTS_LINK_ID}>
            {t('reports')}
          </a>
        )}
      </p>
    </section>
  );
}
