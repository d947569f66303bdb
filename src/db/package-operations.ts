import { sql } from 'kysely';
import { CANCELLABLE } from '../domain/appointments.js';
import { localDate, shiftDays } from '../domain/dates.js';
import { Conflict, Conflicts, DomainError, NotFound, ValidationFailed } from '../domain/errors.js';
import { formatInstant, type Slot } from '../domain/slots.js';
import { extendedExpiry, isExtendable, type ExpiryExtension } from '../domain/purchases.js';
import { publishChange } from '../events/bus.js';
import { recordAudit } from './audit.js';
import { enqueueAppointmentMessages } from './messages.js';
import { purchaseStatus } from './purchases.js';
import {
  checkPlace,
  lockCalendars,
  lockMovable,
  publishMove,
  writeMove,
  type Movable,
} from './appointment-moves.js';
import type { TenantRef } from './appointments.js';
import type { Database, DbTransaction } from './client.js';
import type { PurchaseStatus } from './schema.js';

/**
 * Package operations of SPEC §2 and §7: each with a reason, in the caller's one transaction,
 * audited, published live.
 */

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

/** Whether the purchase is this patient's, of this tenant (the patient page's operations). */
export async function purchaseOfPatient(
  db: Database,
  tenantId: string,
  patientId: string,
  purchaseId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('package_purchases')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('patient_id', '=', patientId)
    .where('id', '=', purchaseId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A purchase's future sessions still to come: what the operations below cancel or move. */
function futureLive(trx: DbTransaction, tenantId: string, purchaseId: string, now: Date) {
  return trx
    .selectFrom('appointments')
    .select(['id', 'patient_id', 'provider_id', 'service_id', 'starts_at', 'ends_at'])
    .where('tenant_id', '=', tenantId)
    .where('package_purchase_id', '=', purchaseId)
    .where('status', 'in', CANCELLABLE)
    .where('starts_at', '>', now)
    .orderBy('starts_at')
    .forUpdate()
    .execute();
}

/** The purchase, locked first: every operation on it queues here. */
async function lockPurchase(trx: DbTransaction, tenantId: string, purchaseId: string) {
  const purchase = await trx
    .selectFrom('package_purchases')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .forUpdate()
    .executeTakeFirst();
  if (!purchase) throw new NotFound('purchaseNotFound');
  return purchase;
}

/**
 * Cancels future sessions of a (locked) purchase in time: each returns to the package (never
 * forfeited), the counters follow, the day views hear of it.
 */
async function cancelFuture(
  trx: DbTransaction,
  tenant: TenantRef,
  purchaseId: string,
  appointments: { id: string; patient_id: string; provider_id: string; starts_at: Date }[],
  reason: string,
  now: Date,
): Promise<void> {
  if (appointments.length === 0) return;
  const cancelled = await trx
    .updateTable('appointments')
    .set({ status: 'CANCELLED', status_reason: reason, updated_at: now })
    .where('tenant_id', '=', tenant.id)
    .where(
      'id',
      'in',
      appointments.map((a) => a.id),
    )
    .returning('service_id')
    .execute();
  await returnSessions(
    trx,
    tenant.id,
    purchaseId,
    cancelled.map((a) => a.service_id),
  );
  for (const a of appointments) {
    await publishChange(trx, {
      tenant: tenant.id,
      kind: 'appointment.cancelled',
      provider: a.provider_id,
      date: localDate(tenant.timezone, a.starts_at),
      patient: a.patient_id,
      purchase: purchaseId,
    });
    // The patient is told, as a single cancellation tells them; their reminders are dropped.
    await enqueueAppointmentMessages(trx, tenant.id, a.id, 'cancelled', now);
  }
}

/**
 * Sessions of a (locked) purchase given back, one per cancelled appointment (`serviceIds`, one
 * entry each): the service's allotment and the purchase's count go down, a used-up purchase
 * is active again. The check constraints keep the counts from going below zero.
 */
export async function returnSessions(
  trx: DbTransaction,
  tenantId: string,
  purchaseId: string,
  serviceIds: string[],
): Promise<void> {
  if (serviceIds.length === 0) return;
  const perService = new Map<string, number>();
  for (const serviceId of serviceIds) {
    perService.set(serviceId, (perService.get(serviceId) ?? 0) + 1);
  }
  for (const [serviceId, count] of perService) {
    await trx
      .updateTable('purchase_services')
      .set((eb) => ({ sessions_used: eb('sessions_used', '-', count) }))
      .where('tenant_id', '=', tenantId)
      .where('purchase_id', '=', purchaseId)
      .where('service_id', '=', serviceId)
      .execute();
  }
  await trx
    .updateTable('package_purchases')
    .set({
      sessions_used: sql`sessions_used - ${serviceIds.length}`,
      status: sql`case when status = 'COMPLETED' then 'ACTIVE' else status end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .execute();
}

/** Only a purchase still in use can be transferred or cancelled. */
function checkOpen(purchase: { status: PurchaseStatus }) {
  if (purchase.status !== 'ACTIVE' && purchase.status !== 'COMPLETED') {
    throw new Conflict('purchaseClosed', { status: purchase.status.toLowerCase() });
  }
}

/**
 * SPEC §7 cancel remaining: the future sessions cancelled (returned, not forfeited), the
 * purchase CANCELLED; what was paid comes back as a refund, elsewhere.
 */
export async function cancelRemaining(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  { purchaseId, reason }: { purchaseId: string; reason: string },
  now: Date,
): Promise<{ appointmentsCancelled: number; sessionsCancelled: number }> {
  const before = await lockPurchase(trx, tenant.id, purchaseId);
  checkOpen(before);
  const future = await futureLive(trx, tenant.id, purchaseId, now);
  await cancelFuture(trx, tenant, purchaseId, future, reason, now);
  const after = await trx
    .updateTable('package_purchases')
    .set({ status: 'CANCELLED' })
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', purchaseId)
    .returning(['sessions_used', 'total_sessions'])
    .executeTakeFirstOrThrow();
  const sessionsCancelled = after.total_sessions - after.sessions_used;
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    action: 'package.cancel_remaining',
    entity: 'package_purchase',
    entityId: purchaseId,
    before: { status: before.status, sessions_used: before.sessions_used },
    after: {
      status: 'CANCELLED',
      reason,
      appointments_cancelled: future.map((a) => a.id),
      sessions_cancelled: sessionsCancelled,
    },
    ip: actor.ip,
  });
  await publishChange(trx, {
    tenant: tenant.id,
    kind: 'package.cancelled',
    provider: null,
    date: null,
    patient: before.patient_id,
    purchase: purchaseId,
  });
  return { appointmentsCancelled: future.length, sessionsCancelled };
}

/**
 * SPEC §7 transfer: the remaining sessions (per service) become a new purchase of another
 * patient of the tenant, same expiry, nothing to pay, linked to the original, which becomes
 * TRANSFERRED. Refused while the original has sessions to come, unless they are cancelled
 * with it (`cancelFuture`).
 */
export async function transferRemaining(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  input: { purchaseId: string; patientId: string; reason: string; cancelFuture: boolean },
  now: Date,
): Promise<{ purchaseId: string; sessionsTransferred: number }> {
  const before = await lockPurchase(trx, tenant.id, input.purchaseId);
  checkOpen(before);
  if (before.patient_id === input.patientId) {
    throw new ValidationFailed({ patient_id: 'transferToSamePatient' });
  }
  const recipient = await trx
    .selectFrom('patients')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', input.patientId)
    .executeTakeFirst();
  if (!recipient) throw new NotFound('patientNotFound');
  const future = await futureLive(trx, tenant.id, before.id, now);
  if (future.length > 0 && !input.cancelFuture) {
    throw new Conflicts(
      future.map((a) => ({
        appointment_id: a.id,
        start: formatInstant(a.starts_at, tenant.timezone),
      })),
      'purchaseHasFutureAppointments',
    );
  }
  await cancelFuture(trx, tenant, before.id, future, input.reason, now);
  const left = await trx
    .selectFrom('purchase_services')
    .select(['service_id', sql<number>`sessions - sessions_used`.as('remaining')])
    .where('tenant_id', '=', tenant.id)
    .where('purchase_id', '=', before.id)
    .where(sql<boolean>`sessions > sessions_used`)
    .execute();
  const sessionsTransferred = left.reduce((sum, service) => sum + service.remaining, 0);
  if (sessionsTransferred === 0) throw new Conflict('noSessionsLeft');
  const created = await trx
    .insertInto('package_purchases')
    .values({
      tenant_id: tenant.id,
      patient_id: recipient.id,
      package_id: before.package_id,
      name_en: before.name_en,
      name_ar: before.name_ar,
      purchase_date: localDate(tenant.timezone, now),
      expiry_date: before.expiry_date,
      total_sessions: sessionsTransferred,
      price: '0.00',
      assigned_by: actor.id,
      transferred_from: before.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('purchase_services')
    .values(
      left.map((service) => ({
        tenant_id: tenant.id,
        purchase_id: created.id,
        service_id: service.service_id,
        sessions: service.remaining,
      })),
    )
    .execute();
  await trx
    .updateTable('package_purchases')
    .set({ status: 'TRANSFERRED' })
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', before.id)
    .execute();
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    action: 'package.transfer',
    entity: 'package_purchase',
    entityId: before.id,
    before: { status: before.status, patient_id: before.patient_id },
    after: {
      status: 'TRANSFERRED',
      reason: input.reason,
      to_patient_id: recipient.id,
      new_purchase_id: created.id,
      sessions_transferred: sessionsTransferred,
      appointments_cancelled: future.map((a) => a.id),
    },
    ip: actor.ip,
  });
  for (const patient of [before.patient_id, recipient.id]) {
    await publishChange(trx, {
      tenant: tenant.id,
      kind: 'package.transferred',
      provider: null,
      date: null,
      patient,
      purchase: patient === recipient.id ? created.id : before.id,
    });
  }
  return { purchaseId: created.id, sessionsTransferred };
}

/**
 * SPEC §7 reschedule all: every future session of the purchase moved by `offsetDays`, at the
 * same local time of day (so across a DST change the instant shifts, the clock time does not),
 * all or nothing: any refused one answers 409 `conflicts` listing them, nothing moved.
 */
export async function rescheduleAll(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  input: { purchaseId: string; offsetDays: number; reason: string },
  now: Date,
): Promise<{ id: string; start: Date; end: Date }[]> {
  // The calendars before the purchase, as a booking takes them (db/appointments.ts).
  const calendars = await trx
    .selectFrom('appointments')
    .select(['patient_id', 'provider_id'])
    .where('tenant_id', '=', tenant.id)
    .where('package_purchase_id', '=', input.purchaseId)
    .where('status', 'in', CANCELLABLE)
    .where('starts_at', '>', now)
    .execute();
  await lockCalendars(trx, tenant.id, {
    patientIds: calendars.map((a) => a.patient_id),
    providerIds: calendars.map((a) => a.provider_id),
  });
  const purchase = await lockPurchase(trx, tenant.id, input.purchaseId);
  const planned = await futureLive(trx, tenant.id, purchase.id, now);
  const moving = planned.map((a) => a.id);
  const moves: { before: Movable; slot: Slot }[] = [];
  const conflicts: { appointment_id: string; start: string }[] = [];
  for (const appointment of planned) {
    const before = await lockMovable(trx, tenant.id, appointment.id, now);
    const start = shiftDays(before.starts_at, input.offsetDays, tenant.timezone);
    const durationMinutes = (before.ends_at.getTime() - before.starts_at.getTime()) / 60_000;
    try {
      const place = { providerId: before.provider_id, start, durationMinutes, moving };
      moves.push({ before, slot: await checkPlace(trx, tenant, before, place, now) });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      conflicts.push({
        appointment_id: before.id,
        start: formatInstant(start, tenant.timezone),
      });
    }
  }
  if (conflicts.length > 0) throw new Conflicts(conflicts);
  // Latest first when moving later (earliest first when earlier): no move ever lands on a
  // session that has not moved yet, so the exclusion constraints hold after each update.
  const ordered = input.offsetDays > 0 ? [...moves].reverse() : moves;
  for (const { before, slot } of ordered) {
    await writeMove(trx, tenant.id, before.id, { providerId: before.provider_id, slot }, now);
    await publishMove(trx, tenant, before, { providerId: before.provider_id, start: slot.start });
  }
  // Each patient hears of each move, and the reminders follow the new times (as for one move).
  for (const { before } of moves) {
    await enqueueAppointmentMessages(trx, tenant.id, before.id, 'rescheduled', now);
  }
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    action: 'package.reschedule',
    entity: 'package_purchase',
    entityId: purchase.id,
    before: {
      appointments: moves.map((m) => ({ id: m.before.id, starts_at: m.before.starts_at })),
    },
    after: {
      offset_days: input.offsetDays,
      reason: input.reason,
      appointments: moves.map((m) => ({ id: m.before.id, starts_at: m.slot.start })),
    },
    ip: actor.ip,
  });
  return moves.map((m) => ({ id: m.before.id, start: m.slot.start, end: m.slot.end }));
}
