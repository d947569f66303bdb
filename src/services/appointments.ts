import type { StepStatus } from '../domain/appointments.js';
import * as moves from '../db/appointment-moves.js';
import type { Move, Moved } from '../db/appointment-moves.js';
import * as appointments from '../db/appointments.js';
import type { Booking, BookingRequest, TenantRef } from '../db/appointments.js';
import type { Database } from '../db/client.js';
import { enqueueAppointmentMessages } from '../db/messages.js';
import type { Role } from '../db/schema.js';

/**
 * An appointment's life — booked, cancelled, rescheduled, moved a status on — each in one transaction,
 * for the booking pages and the JSON API alike. The locks and checks are in db/appointments.ts;
 * their order is explained there. A booking or cancellation writes the patient's messages in
 * the same transaction (db/messages.ts: `enqueueAppointmentMessages(trx, …, 'rescheduled')`
 * is the call for a move).
 */

export function bookAppointment(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  request: BookingRequest,
  now: Date,
): Promise<Booking> {
  return db.transaction().execute(async (trx) => {
    const booking = await appointments.bookAppointment(trx, tenant, actor, request, now);
    await enqueueAppointmentMessages(trx, tenant.id, booking.appointment.id, 'booked', now);
    return booking;
  });
}

export function cancelAppointment(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  cancel: { reason: string; waive: boolean },
  now: Date,
): Promise<{ status: 'CANCELLED' | 'LATE_CANCELLED'; sessionReturned: boolean }> {
  return db.transaction().execute(async (trx) => {
    const outcome = await appointments.cancelAppointment(
      trx,
      tenant,
      actor,
      appointmentId,
      cancel,
      now,
    );
    await enqueueAppointmentMessages(trx, tenant.id, appointmentId, 'cancelled', now);
    return outcome;
  });
}

export function rescheduleAppointment(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  appointmentId: string,
  move: Move,
  now: Date,
): Promise<Moved> {
  return db.transaction().execute(async (trx) => {
    const moved = await moves.rescheduleAppointment(trx, tenant, actor, appointmentId, move, now);
    await enqueueAppointmentMessages(trx, tenant.id, appointmentId, 'rescheduled', now);
    return moved;
  });
}

export function revertAppointmentStatus(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  reason: string,
  now: Date,
): Promise<void> {
  return db
    .transaction()
    .execute((trx) =>
      appointments.revertAppointmentStatus(trx, tenant, actor, appointmentId, reason, now),
    );
}

export function changeAppointmentStatus(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  status: StepStatus,
  reason: string | null,
  now: Date,
): Promise<void> {
  return db
    .transaction()
    .execute((trx) =>
      appointments.changeAppointmentStatus(trx, tenant, actor, appointmentId, status, reason, now),
    );
}
