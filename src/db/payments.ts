import { sql } from 'kysely';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors.js';
import { balanceDue, fromHalalas, toHalalas } from '../domain/money.js';
import { publishChange } from '../events/bus.js';
import { recordAudit, type Actor } from './audit.js';
import type { DbTransaction } from './client.js';
import type { PaymentKind, PaymentMethod } from './schema.js';

/** Money on a sold package (SPEC §7): payments and refunds, each a numbered receipt. */

export interface PaymentRow {
  id: string;
  purchase_id: string;
  kind: PaymentKind;
  amount: string;
  vat_amount: string;
  method: PaymentMethod;
  reference: string | null;
  reason: string | null;
  received_at: Date;
  invoice_number: number;
}

export const paymentColumns = [
  'id',
  'purchase_id',
  'kind',
  'amount',
  'vat_amount',
  'method',
  'reference',
  'reason',
  'received_at',
  'invoice_number',
] as const;

/** A purchase's money after a change: what the JSON answers and the pages show. */
export interface PurchaseMoney {
  price: string;
  discount: string;
  amount_paid: string;
}

export interface MoneyMovement {
  tenantId: string;
  purchaseId: string;
  kind: PaymentKind;
  /** In halalas, > 0 (validated at the edge). */
  amount: number;
  method: PaymentMethod;
  reference: string | null;
  /** Required for a refund. */
  reason: string | null;
  idempotencyKey: string | null;
  actor: Actor;
  /** When the caller names the patient (the patient page): another patient's purchase is 404. */
  patientId?: string;
}

/**
 * Records a payment (or refund) and moves the purchase's `amount_paid`, in the caller's
 * transaction. Lock order: the purchase row, then the tenant's invoice counter — every money
 * change takes them in this order, so two of them never wait on each other in a cycle. With the
 * purchase locked, the balance read here is the one the update will change: 20 payments at once
 * queue on it and never pay more than the balance. A repeated idempotency key answers with the
 * first payment (found after the lock, so also when both arrive at once).
 */
export async function recordMoneyMovement(
  trx: DbTransaction,
  input: MoneyMovement,
): Promise<{ payment: PaymentRow; purchase: PurchaseMoney; created: boolean }> {
  const { tenantId } = input;
  const before = await trx
    .selectFrom('package_purchases')
    .select(['id', 'patient_id', 'price', 'discount', 'amount_paid'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', input.purchaseId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!before || (input.patientId && before.patient_id !== input.patientId)) {
    throw new NotFound('purchaseNotFound');
  }

  const earlier = input.idempotencyKey
    ? await trx
        .selectFrom('payments')
        .select(paymentColumns)
        .where('tenant_id', '=', tenantId)
        .where('idempotency_key', '=', input.idempotencyKey)
        .executeTakeFirst()
    : undefined;
  if (earlier) {
    const same =
      earlier.purchase_id === input.purchaseId &&
      earlier.kind === input.kind &&
      toHalalas(earlier.amount) === input.amount;
    if (!same) throw new Conflict('paymentKeyReused');
    return { payment: earlier, purchase: before, created: false };
  }

  checkAmount(before, input);
  const invoiceNumber = await nextInvoiceNumber(trx, tenantId);
  const amount = fromHalalas(input.amount);
  const payment = await trx
    .insertInto('payments')
    .values({
      tenant_id: tenantId,
      purchase_id: before.id,
      kind: input.kind,
      amount,
      vat_amount: vatIncluded(tenantId, amount),
      method: input.method,
      reference: input.reference,
      reason: input.reason,
      received_by: input.actor.id,
      idempotency_key: input.idempotencyKey,
      invoice_number: invoiceNumber,
    })
    .returning(paymentColumns)
    .executeTakeFirstOrThrow();
  const sign = input.kind === 'PAYMENT' ? sql`+` : sql`-`;
  const after = await trx
    .updateTable('package_purchases')
    .set({ amount_paid: sql`amount_paid ${sign} ${amount}::numeric` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', before.id)
    .returning(['price', 'discount', 'amount_paid'])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId,
    actorId: input.actor.id,
    action: input.kind === 'PAYMENT' ? 'package.payment' : 'package.refund',
    entity: 'package_purchase',
    entityId: before.id,
    before: moneyFacts(before),
    after: { ...moneyFacts(after), payment },
    ip: input.actor.ip,
  });
  await publishChange(trx, {
    tenant: tenantId,
    kind: input.kind === 'PAYMENT' ? 'package.paid' : 'package.refunded',
    provider: null,
    date: null,
    patient: before.patient_id,
    purchase: before.id,
  });
  return { payment, purchase: after, created: true };
}

/** Prices include VAT: the VAT part of a total is total × rate / (1 + rate), at the tenant's rate. */
export function vatIncluded(tenantId: string, amount: string) {
  return sql<string>`(select round(${amount}::numeric * vat_rate / (1 + vat_rate), 2)
    from tenants where id = ${tenantId})`;
}

function moneyFacts(purchase: PurchaseMoney) {
  return {
    amount_paid: purchase.amount_paid,
    balance_due: fromHalalas(balanceDue(purchase)),
  };
}

/** Never more than the balance (a payment) or than what was paid (a refund): 422. */
function checkAmount(purchase: PurchaseMoney, input: MoneyMovement): void {
  if (input.kind === 'PAYMENT') {
    const due = balanceDue(purchase);
    if (input.amount > due) {
      throw new ValidationFailed({ amount: 'amountOverBalance' }, { balance: fromHalalas(due) });
    }
    return;
  }
  const paid = toHalalas(purchase.amount_paid);
  if (input.amount > paid) {
    throw new ValidationFailed({ amount: 'amountOverPaid' }, { paid: fromHalalas(paid) });
  }
}

/**
 * The tenant's next invoice number. The counter row is locked until the payment's transaction
 * ends: numbers are handed out one at a time, and a payment that rolls back gives its number
 * back with it, so the numbers have no gaps.
 */
async function nextInvoiceNumber(trx: DbTransaction, tenantId: string): Promise<number> {
  await trx
    .insertInto('invoice_counters')
    .values({ tenant_id: tenantId, last_number: 0 })
    .onConflict((conflict) => conflict.column('tenant_id').doNothing())
    .execute();
  const counter = await trx
    .selectFrom('invoice_counters')
    .select('last_number')
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const next = counter.last_number + 1;
  await trx
    .updateTable('invoice_counters')
    .set({ last_number: next })
    .where('tenant_id', '=', tenantId)
    .execute();
  return next;
}
