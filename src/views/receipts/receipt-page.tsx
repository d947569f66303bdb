import { raw } from 'hono/html';
import type { Receipt } from '../../db/receipts.js';
import { fromHalalas, toHalalas } from '../../domain/money.js';
import type { Locale } from '../../db/schema.js';
import { formatDateAt, formatMoney, formatTime, localName } from '../format.js';
import { useT } from '../request-context.js';

export type Paper = 'a4' | 'thermal';

/** The receipt page of a payment or a refund. */
export function receiptUrl(paymentId: string): string {
  return `/receipts/${paymentId}`;
}

/**
 * A payment's or refund's receipt: a simplified tax invoice, printable on A4 or an 80 mm
 * thermal roll (the print stylesheet picks the page size by the paper chosen here).
 */
export function ReceiptPage(props: {
  receipt: Receipt;
  qrSvg: string;
  paper: Paper;
  locale: Locale;
  timezone: string;
}) {
  const { receipt, locale, timezone, paper } = props;
  const t = useT();
  const money = (amount: string) => formatMoney(amount, receipt.currency, locale);
  const refund = receipt.kind === 'REFUND';
  const vatPercent = String(Math.round(Number(receipt.vat_rate) * 10000) / 100);
  return (
    <>
      <p class="receipt-tools no-print">
        <button type="button" class="button primary" data-print>
          {t('receiptPrint')}
        </button>
        <a href={receiptUrl(receipt.id)} aria-current={paper === 'a4' ? 'page' : undefined}>
          {t('receiptA4')}
        </a>
        <a
          href={`${receiptUrl(receipt.id)}?paper=thermal`}
          aria-current={paper === 'thermal' ? 'page' : undefined}
        >
          {t('receiptThermal')}
        </a>
        <a href={`/patients/${receipt.patient_id}`}>{t('receiptBackToPatient')}</a>
      </p>
      <article class={`receipt receipt-${paper}`} id="receipt" aria-labelledby="receipt-title">
        <header class="receipt-head">
          <h1 id="receipt-title">{refund ? t('receiptRefundTitle') : t('receiptTitle')}</h1>
          <p class="receipt-seller" translate="no">
            {receipt.seller}
          </p>
          {receipt.vat_number && (
            <p>
              {t('receiptVatNumber')}{' '}
              <span dir="ltr" id="receipt-vat-number">
                {receipt.vat_number}
              </span>
            </p>
          )}
        </header>
        <dl class="receipt-facts">
          <dt>{t('receiptNumber')}</dt>
          <dd id="receipt-number" dir="ltr">
            {receipt.invoice_number}
          </dd>
          <dt>{t('receiptDate')}</dt>
          <dd>
            {formatDateAt(receipt.received_at, timezone, locale)}{' '}
            {formatTime(receipt.received_at, timezone, locale)}
          </dd>
          <dt>{t('patient')}</dt>
          <dd>
            {localName({ name_en: receipt.patient_en, name_ar: receipt.patient_ar }, locale)}{' '}
            <span dir="ltr">({receipt.mrn})</span>
          </dd>
          <dt>{t('receiptPackage')}</dt>
          <dd>{localName({ name_en: receipt.package_en, name_ar: receipt.package_ar }, locale)}</dd>
          <dt>{t('paymentMethod')}</dt>
          <dd>
            {t(`method_${receipt.method}`)}
            {receipt.reference && (
              <>
                {' · '}
                <bdi>{receipt.reference}</bdi>
              </>
            )}
          </dd>
          {receipt.reason && (
            <>
              <dt>{t('refundReason')}</dt>
              <dd dir="auto">{receipt.reason}</dd>
            </>
          )}
          <dt>{t('receiptReceivedBy')}</dt>
          <dd>{receipt.received_by_name}</dd>
        </dl>
        <table class="receipt-totals">
          <tbody>
            <tr>
              <th scope="row">{t('receiptExclVat')}</th>
              <td>
                {money(fromHalalas(toHalalas(receipt.amount) - toHalalas(receipt.vat_amount)))}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('receiptVat', { rate: vatPercent })}</th>
              <td id="receipt-vat">{money(receipt.vat_amount)}</td>
            </tr>
            <tr class="receipt-total">
              <th scope="row">{refund ? t('receiptRefunded') : t('receiptTotal')}</th>
              <td id="receipt-total">{money(receipt.amount)}</td>
            </tr>
          </tbody>
        </table>
        <figure class="receipt-qr" id="receipt-qr">
          {raw(props.qrSvg)}
          <figcaption>{t('receiptQrCaption')}</figcaption>
        </figure>
      </article>
    </>
  );
}
