import type { Actor } from '../db/audit.js';
import type { Database } from '../db/client.js';
import { findPackage } from '../db/packages.js';
import { recordMoneyMovement, type PaymentRow } from '../db/payments.js';
import { assignPackage, type PurchaseSummary } from '../db/purchases.js';
import type { PaymentMethod } from '../db/schema.js';
import { NotFound, ValidationFailed, type FieldKeys } from '../domain/errors.js';
import { fromHalalas, toHalalas } from '../domain/money.js';

export interface SaleInput {
  tenantId: string;
  patientId: string;
  packageId: string;
  actor: Actor;
  /** Today in the tenant's time zone. */
  today: string;
  idempotencyKey: string;
  /** In halalas; 0 for none. */
  discount: number;
  discountReason: string | null;
  /** Pay now; null: pay later. */
  payment: { amount: number; method: PaymentMethod; reference: string | null } | null;
}

/** The payment of a sale repeats with its sale: its key is derived from the sale's. */
export function salePaymentKey(saleKey: string): string {
  return `${saleKey}:payment`;
}

/**
 * A package sold from the modal (SPEC §7): the purchase, with its discount, and the payment
 * taken on the spot, in one transaction — a refused payment leaves no purchase behind. A
 * repeated submission (same key) finds the purchase and the payment made the first time.
 * Without a discount or a payment the sale is assignPackage's one statement, as before.
 */
export function sellPackage(
  db: Database,
  input: SaleInput,
): Promise<{ purchase: PurchaseSummary; payment: PaymentRow | null; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    if (input.discount > 0 || input.payment) await checkSale(trx, input);
    const { purchase, created } = await assignPackage(trx, {
      tenantId: input.tenantId,
      patientId: input.patientId,
      packageId: input.packageId,
      assignedBy: input.actor.id,
      today: input.today,
      idempotencyKey: input.idempotencyKey,
      ip: input.actor.ip,
      discount: fromHalalas(input.discount),
      discountReason: input.discount > 0 ? input.discountReason : null,
    });
    if (!input.payment) return { purchase, payment: null, created };
    const { payment, purchase: money } = await recordMoneyMovement(trx, {
      tenantId: input.tenantId,
      purchaseId: purchase.id,
      kind: 'PAYMENT',
      amount: input.payment.amount,
      method: input.payment.method,
      reference: input.payment.reference,
      reason: null,
      idempotencyKey: salePaymentKey(input.idempotencyKey),
      actor: input.actor,
    });
    return { purchase: { ...purchase, ...money }, payment, created };
  });
}

/** Against the package's price as it is now: the discount, then what is paid, both at once. */
async function checkSale(db: Database, input: SaleInput) {
  const pkg = await findPackage(db, input.tenantId, input.packageId);
  if (!pkg) throw new NotFound('packageNotFound');
  const price = toHalalas(pkg.price);
  const fields: FieldKeys = {};
  if (input.discount > price) fields.discount = 'discountOverPrice';
  else if (input.payment && input.payment.amount > price - input.discount) {
    fields.amount = 'amountOverNetPrice';
  }
  if (Object.keys(fields).length > 0) throw new ValidationFailed(fields);
}
