import { Hono, type Context } from 'hono';
import QRCode from 'qrcode';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware.js';
import type { Database } from '../db/client.js';
import { findReceipt, type Receipt } from '../db/receipts.js';
import { NotFound } from '../domain/errors.js';
import { receiptTlv } from '../domain/receipt-qr.js';
import { formatInstant } from '../domain/slots.js';
import type { AuthedEnv } from '../env.js';
import { translator } from '../i18n/index.js';
import { ReceiptPage } from '../views/receipts/receipt-page.js';
import { uuid, validated } from './validation.js';

/** The receipt's QR code as inline SVG, built here: the page needs no script to show it. */
export function receiptQrSvg(receipt: Receipt, timezone: string): Promise<string> {
  const payload = receiptTlv({
    seller: receipt.seller,
    vatNumber: receipt.vat_number ?? '',
    timestamp: formatInstant(receipt.received_at, timezone),
    total: receipt.amount,
    vat: receipt.vat_amount,
  });
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

async function renderReceipt(
  c: Context<AuthedEnv>,
  db: Database,
  paymentId: string,
  paper: 'a4' | 'thermal',
) {
  const { tenant } = c.var.auth;
  const receipt = await findReceipt(db, tenant.id, paymentId);
  if (!receipt) throw new NotFound('receiptNotFound');
  const locale = c.get('locale');
  const t = translator(locale);
  const qrSvg = await receiptQrSvg(receipt, tenant.timezone);
  return c.render(
    <ReceiptPage
      receipt={receipt}
      qrSvg={qrSvg}
      paper={paper}
      locale={locale}
      timezone={tenant.timezone}
    />,
    { title: t('receiptNumbered', { number: receipt.invoice_number }) },
  );
}

/** GET /receipts/<payment or refund id>: every signed-in role of the tenant may print it. */
export function receiptRoutes({ db }: { db: Database }) {
  const routes = new Hono<AuthedEnv>();
  routes.get(
    '/:id',
    requireAuth(),
    validated('param', z.object({ id: uuid })),
    validated('query', z.object({ paper: z.enum(['a4', 'thermal']).optional() })),
    (c) => renderReceipt(c, db, c.req.valid('param').id, c.req.valid('query').paper ?? 'a4'),
  );
  return routes;
}
