import { Conflict, NotFound } from '../domain/errors.js';
import { extendedExpiry, isExtendable, type ExpiryExtension } from '../domain/purchases.js';
import { publishChange } from '../events/bus.js';
import { recordAudit } from './audit.js';
import { purchaseStatus } from './purchases.js';
import type { DbTransaction } from './client.js';
import type { PurchaseStatus } from './schema.js';

/** Package operations of SPEC §2 (ADMIN): each with a reason, in one transaction, audited. */

export interface ExtendExpiryInput {
  tenantId: string;
  patientId: string;
  purchaseId: string;
  extension: ExpiryExtension;
  reason: string;
  /** Today in the tenant's time zone: an expired purchase extended past it is active again. */
  today: string;
  actor: { id: string; ip: string | null };
}

/**
 * Moves a purchase's expiry date later. The purchase row is locked first, so the new date is
 * computed from the expiry that is current when the change commits (two desks extending by
 * 30 days at once give 60).
 */
export async function extendExpiry(
  trx: DbTransaction,
  input: ExtendExpiryInput,
): Promise<{ expiry_date: string; status: PurchaseStatus }> {
  const before = await trx
    .selectFrom('package_purchases')
    .select(['id', 'patient_id', 'expiry_date', purchaseStatus(input.today).as('status')])
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.purchaseId)
    .where('patient_id', '=', input.patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw new NotFound('purchaseNotFound');
  if (!isExtendable(before)) {
    throw new Conflict('purchaseNotExtendable', { status: before.status.toLowerCase() });
  }
  const expiryDate = extendedExpiry(before.expiry_date, input.extension);
  const status: PurchaseStatus =
    before.status === 'EXPIRED' && expiryDate >= input.today ? 'ACTIVE' : before.status;
  const after = await trx
    .updateTable('package_purchases')
    .set({ expiry_date: expiryDate, status })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', before.id)
    .returning(['expiry_date', purchaseStatus(input.today).as('status')])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId: input.tenantId,
    actorId: input.actor.id,
    action: 'package.extend',
    entity: 'package_purchase',
    entityId: before.id,
    before: { expiry_date: before.expiry_date, status: before.status },
    after: { ...after, reason: input.reason },
    ip: input.actor.ip,
  });
  await publishChange(trx, {
    tenant: input.tenantId,
    kind: 'package.extended',
    provider: null,
    date: null,
    patient: before.patient_id,
    purchase: before.id,
  });
  return after;
}
