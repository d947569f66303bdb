import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { PAYMENT_ROLES, REFUND_ROLES } from '../auth/roles.js';
import type { Database } from '../db/client.js';
import type { PaymentKind } from '../db/schema.js';
import { findPurchaseDetails } from '../db/purchase-details.js';
import { NotFound } from '../domain/errors.js';
import { balanceDue, fromHalalas, moneyNumber } from '../domain/money.js';
import { formatInstant } from '../domain/slots.js';
import type { AuthedEnv } from '../env.js';
import { takeMoneyMovement } from '../services/payments.js';
import { actorOf } from './request.js';
import { moneyAmount, text, uuid, validated } from './validation.js';
import { receiptUrl } from '../views/receipts/receipt-page.js';

const method = z.enum(['CASH', 'CARD', 'BANK_TRANSFER']);

const paymentBody = z.object({
  amount: moneyAmount,
  method,
  reference: text().trim().max(100).optional(),
  idempotency_key: text().min(8).max(100).optional(),
});

const refundBody = z.object({
  amount: moneyAmount,
  method,
  reason: text().trim().min(1).max(500),
  idempotency_key: text().min(8).max(100).optional(),
});

/** A purchase with its money, services and appointments (SPEC §7). */
async function purchaseJson(c: Context<AuthedEnv>, db: Database, purchaseId: string) {
  const { tenant } = c.var.auth;
  const purchase = await findPurchaseDetails(db, tenant.id, purchaseId);
  if (!purchase) throw new NotFound('purchaseNotFound');
  const instant = (value: string) => formatInstant(new Date(value), tenant.timezone);
  return c.json({
    success: true,
    id: purchase.id,
    patient_id: purchase.patient_id,
    package_id: purchase.package_id,
    package_name: purchase.name_en,
    status: purchase.status,
    purchase_date: purchase.purchase_date,
    expiry_date: purchase.expiry_date,
    total_sessions: purchase.total_sessions,
    sessions_used: purchase.sessions_used,
    sessions_remaining: purchase.total_sessions - purchase.sessions_used,
    price: moneyNumber(purchase.price),
    discount: moneyNumber(purchase.discount),
    amount_paid: moneyNumber(purchase.amount_paid),
    balance_due: moneyNumber(fromHalalas(balanceDue(purchase))),
    services: purchase.services.map((service) => ({
      service_id: service.service_id,
      name: service.name_en,
      sessions: service.sessions,
      sessions_used: service.sessions_used,
    })),
    appointments: purchase.appointments.map((appointment) => ({
      appointment_id: appointment.id,
      start: instant(appointment.starts_at),
      end: instant(appointment.ends_at),
      status: appointment.status,
      session_number_in_package: appointment.session_number_in_package,
      provider_id: appointment.provider_id,
    })),
  });
}

type MoneyBody = z.infer<typeof paymentBody> & { reason?: string };

/** A payment or refund, answered 201 (again, with the same receipt, for a repeated key). */
async function moneyJson(
  c: Context<AuthedEnv>,
  db: Database,
  kind: PaymentKind,
  purchaseId: string,
  body: MoneyBody,
) {
  const { payment, purchase } = await takeMoneyMovement(db, {
    tenantId: c.var.auth.tenant.id,
    purchaseId,
    kind,
    amount: body.amount,
    method: body.method,
    reference: body.reference || null,
    reason: body.reason ?? null,
    idempotencyKey: body.idempotency_key ?? null,
    actor: actorOf(c),
  });
  return c.json(
    {
      success: true,
      [kind === 'PAYMENT' ? 'payment_id' : 'refund_id']: payment.id,
      invoice_number: payment.invoice_number,
      amount_paid: moneyNumber(purchase.amount_paid),
      balance_due: moneyNumber(fromHalalas(balanceDue(purchase))),
      receipt_url: receiptUrl(payment.id),
    },
    201,
  );
}

/** SPEC §7's money endpoints of a purchase, under /appointments/api/purchases. */
export function purchasesApi({ db }: { db: Database }) {
  const api = new Hono<AuthedEnv>();
  api.use(requireAuth());
  const purchaseId = validated('param', z.object({ id: uuid }));

  api.get('/:id/', purchaseId, (c) => purchaseJson(c, db, c.req.valid('param').id));

  api.post(
    '/:id/payments/',
    requireRole(...PAYMENT_ROLES),
    purchaseId,
    validated('json', paymentBody),
    (c) => moneyJson(c, db, 'PAYMENT', c.req.valid('param').id, c.req.valid('json')),
  );

  api.post(
    '/:id/refunds/',
    requireRole(...REFUND_ROLES),
    purchaseId,
    validated('json', refundBody),
    (c) => moneyJson(c, db, 'REFUND', c.req.valid('param').id, c.req.valid('json')),
  );

  return api;
}
