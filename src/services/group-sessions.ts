import type { TenantRef } from '../db/appointments.js';
import type { Actor } from '../db/audit.js';
import type { Database } from '../db/client.js';
import * as groups from '../db/group-sessions.js';
import type { GroupSessionChange, NewGroupSession } from '../db/group-sessions.js';
import { enqueueAppointmentMessages } from '../db/messages.js';

/**
 * A group session planned, changed or cancelled by an administrator, each in one transaction;
 * its patients hear of a move or a cancellation through the outbox in the same transaction,
 * as they would of their own appointment's (db/messages.ts).
 */

export function createGroupSession(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  formToken: string,
  values: NewGroupSession,
  now: Date,
) {
  return db
    .transaction()
    .execute((trx) => groups.createGroupSession(trx, tenant, actor, formToken, values, now));
}

export function updateGroupSession(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  groupSessionId: string,
  change: GroupSessionChange,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const { moved } = await groups.updateGroupSession(
      trx,
      tenant,
      actor,
      groupSessionId,
      change,
      now,
    );
    for (const appointmentId of moved) {
      await enqueueAppointmentMessages(trx, tenant.id, appointmentId, 'rescheduled', now);
    }
    return { moved };
  });
}

export function cancelGroupSession(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  groupSessionId: string,
  reason: string,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const outcome = await groups.cancelGroupSession(
      trx,
      tenant,
      actor,
      groupSessionId,
      reason,
      now,
    );
    for (const appointmentId of outcome.cancelled) {
      await enqueueAppointmentMessages(trx, tenant.id, appointmentId, 'cancelled', now);
    }
    return outcome;
  });
}
