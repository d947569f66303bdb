import type { TenantRef } from '../db/appointments.js';
import type { Database, DbTransaction } from '../db/client.js';
import { enqueueAppointmentMessages } from '../db/messages.js';
import * as operations from '../db/package-operations.js';
import { bookSeries, type SeriesRequest } from '../db/series.js';
import { Conflicts } from '../domain/errors.js';
import { formatInstant } from '../domain/slots.js';

/** The package operations and the series of SPEC §7, each in one transaction. */

type Actor = { id: string; ip: string | null };

/**
 * An operation of db/package-operations.ts in a transaction of its own: same arguments
 * (the database instead of the transaction), same answer.
 */
function inTransaction<Input, Result>(
  operation: (
    trx: DbTransaction,
    tenant: TenantRef,
    actor: Actor,
    input: Input,
    now: Date,
  ) => Promise<Result>,
) {
  return (db: Database, tenant: TenantRef, actor: Actor, input: Input, now: Date) =>
    db.transaction().execute((trx) => operation(trx, tenant, actor, input, now));
}

export const transferRemaining = inTransaction(operations.transferRemaining);

export const cancelRemaining = inTransaction(operations.cancelRemaining);

export const rescheduleAll = inTransaction(operations.rescheduleAll);

/**
 * A series, all or nothing: any refusal rolls the transaction back and answers them all. The
 * numbers and counts are read after the last booking (numbers follow date order).
 */
export function bookCourse(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  request: SeriesRequest,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const { booked, refused } = await bookSeries(trx, tenant, actor, request, now);
    if (refused.length > 0) {
      throw new Conflicts(
        refused.map((r) => ({
          index: r.index,
          start: formatInstant(r.start, tenant.timezone),
          code: r.code,
        })),
      );
    }
    for (const appointment of booked) {
      await enqueueAppointmentMessages(trx, tenant.id, appointment.id, 'booked', now);
    }
    const numbers = await trx
      .selectFrom('appointments')
      .select(['id', 'session_number_in_package'])
      .where('tenant_id', '=', tenant.id)
      .where(
        'id',
        'in',
        booked.map((b) => b.id),
      )
      .execute();
    const purchase = await trx
      .selectFrom('package_purchases')
      .select(['sessions_used', 'total_sessions'])
      .where('tenant_id', '=', tenant.id)
      .where('id', '=', request.purchaseId)
      .executeTakeFirstOrThrow();
    const numberOf = new Map(numbers.map((n) => [n.id, n.session_number_in_package]));
    return {
      appointments: booked.map((b) => ({ ...b, sessionNumber: numberOf.get(b.id) ?? null })),
      sessionsUsed: purchase.sessions_used,
      sessionsRemaining: purchase.total_sessions - purchase.sessions_used,
    };
  });
}
