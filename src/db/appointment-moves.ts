import { sql } from 'kysely';
import { CANCELLABLE } from '../domain/appointments.js';
import { localDate } from '../domain/dates.js';
import { Conflict, NotFound } from '../domain/errors.js';
import type { Slot } from '../domain/slots.js';
import { publishChange } from '../events/bus.js';
import type { TenantRef } from './appointments.js';
import { recordAudit } from './audit.js';
import type { DbTransaction } from './client.js';
import { freeSlotAt, placeColumns } from './schedule.js';
import { renumberSessions } from './session-numbers.js';

const MINUTE_MS = 60_000;

export interface Move {
  start: Date;
  /** Another provider of the appointment's clinic; null keeps the provider. */
  providerId: string | null;
  /** null keeps the appointment's length. */
  durationMinutes: number | null;
  reason: string;
}

export interface Moved {
  id: string;
  start: Date;
  end: Date;
  session_number_in_package: number | null;
}

/**
 * The calendars a move touches, locked in the booking's order (db/appointments.ts lockBooking:
 * the same keys, sorted), so a move and a booking into one slot queue instead of deadlocking.
 */
export async function lockCalendars(
  trx: DbTransaction,
  tenantId: string,
  who: { patientIds: string[]; providerIds: string[] },
): Promise<void> {
  const keys = [
    ...who.patientIds.map((id) => `${tenantId}:patient:${id}`),
    ...who.providerIds.map((id) => `${tenantId}:provider:${id}`),
  ];
  if (keys.length === 0) return;
  const locks = [...new Set(keys)]
    .sort()
    .map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  await sql`select ${sql.join(locks)}`.execute(trx);
}

/** The appointment, locked (after the calendars): what a move needs to know of it. */
export async function lockMovable(trx: DbTransaction, tenantId: string, id: string, now: Date) {
  const appointment = await trx
    .selectFrom('appointments')
    .leftJoin('package_purchases', (join) =>
      join
        .onRef('package_purchases.tenant_id', '=', 'appointments.tenant_id')
        .onRef('package_purchases.id', '=', 'appointments.package_purchase_id'),
    )
    .select([
      'appointments.id',
      'appointments.kind',
      'appointments.status',
      'appointments.patient_id',
      'appointments.provider_id',
      'appointments.clinic_id',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.package_purchase_id',
      'appointments.session_number_in_package',
      'package_purchases.expiry_date',
    ])
    .where('appointments.tenant_id', '=', tenantId)
    .where('appointments.id', '=', id)
    .forUpdate('appointments')
    .executeTakeFirst();
  if (!appointment) throw new NotFound('appointmentNotFound');
  // A group seat follows its session; a started or closed appointment stays where it was.
  if (
    appointment.kind === 'GROUP' ||
    !CANCELLABLE.includes(appointment.status) ||
    appointment.starts_at.getTime() <= now.getTime()
  ) {
    throw new Conflict('appointmentNotMovable', { status: appointment.status.toLowerCase() });
  }
  return appointment;
}

export type Movable = Awaited<ReturnType<typeof lockMovable>>;

/**
 * Checks the new place of a (locked) appointment as a booking would: the provider works in its
 * clinic, the time is a free slot of the provider's day (the appointments moving aside), and
 * it falls on or before the package's expiry. Answers the slot.
 */
export async function checkPlace(
  trx: DbTransaction,
  tenant: TenantRef,
  appointment: Movable,
  place: { providerId: string; start: Date; durationMinutes: number; moving: string[] },
  now: Date,
): Promise<Slot> {
  const { providerId, start } = place;
  const date = localDate(tenant.timezone, start);
  if (appointment.expiry_date !== null && date > appointment.expiry_date) {
    throw new Conflict('packageExpiresBeforeSlot', { date: appointment.expiry_date });
  }
  const facts = await trx
    .selectNoFrom(
      placeColumns(
        trx,
        tenant,
        {
          clinicId: appointment.clinic_id,
          providerId,
          patientId: appointment.patient_id,
          moving: place.moving,
        },
        date,
      ),
    )
    .executeTakeFirstOrThrow();
  return freeSlotAt(tenant, facts, { date, start, durationMinutes: place.durationMinutes }, now);
}

/** The new time and provider; the exclusion constraints stay the last word (23P01 → 409). */
export async function writeMove(
  trx: DbTransaction,
  tenantId: string,
  appointmentId: string,
  place: { providerId: string; slot: Slot },
  now: Date,
): Promise<void> {
  await trx
    .updateTable('appointments')
    .set({
      provider_id: place.providerId,
      starts_at: place.slot.start,
      ends_at: place.slot.end,
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', appointmentId)
    .execute();
}

/**
 * SPEC §7: the same appointment to another time (and provider), same session and package,
 * never forfeited; in the caller's transaction, audited, published to the old day and the new.
 */
export async function rescheduleAppointment(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  appointmentId: string,
  move: Move,
  now: Date,
): Promise<Moved> {
  const current = await trx
    .selectFrom('appointments')
    .select(['patient_id', 'provider_id'])
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', appointmentId)
    .executeTakeFirst();
  if (!current) throw new NotFound('appointmentNotFound');
  const providerId = move.providerId ?? current.provider_id;
  await lockCalendars(trx, tenant.id, {
    patientIds: [current.patient_id],
    providerIds: [current.provider_id, providerId],
  });
  const before = await lockMovable(trx, tenant.id, appointmentId, now);
  const durationMinutes =
    move.durationMinutes ?? (before.ends_at.getTime() - before.starts_at.getTime()) / MINUTE_MS;
  const slot = await checkPlace(
    trx,
    tenant,
    before,
    { providerId, start: move.start, durationMinutes, moving: [before.id] },
    now,
  );
  await writeMove(trx, tenant.id, before.id, { providerId, slot }, now);
  const numbers = before.package_purchase_id
    ? await renumberSessions(trx, tenant.id, before.package_purchase_id, now)
    : new Map<string, number>();
  const number = numbers.get(before.id) ?? before.session_number_in_package;
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    action: 'appointment.reschedule',
    entity: 'appointment',
    entityId: before.id,
    before: {
      provider_id: before.provider_id,
      starts_at: before.starts_at,
      ends_at: before.ends_at,
      session_number_in_package: before.session_number_in_package,
    },
    after: {
      provider_id: providerId,
      starts_at: slot.start,
      ends_at: slot.end,
      session_number_in_package: number,
      reason: move.reason,
    },
    ip: actor.ip,
  });
  await publishMove(trx, tenant, before, { providerId, start: slot.start });
  return { id: before.id, start: slot.start, end: slot.end, session_number_in_package: number };
}

/** Screens showing the old day or the new one (of either provider) re-fetch. */
export async function publishMove(
  trx: DbTransaction,
  tenant: TenantRef,
  before: Movable,
  after: { providerId: string; start: Date },
): Promise<void> {
  const change = {
    tenant: tenant.id,
    kind: 'appointment.moved' as const,
    patient: before.patient_id,
    purchase: before.package_purchase_id,
  };
  await publishChange(trx, {
    ...change,
    provider: before.provider_id,
    date: localDate(tenant.timezone, before.starts_at),
  });
  await publishChange(trx, {
    ...change,
    provider: after.providerId,
    date: localDate(tenant.timezone, after.start),
  });
}
