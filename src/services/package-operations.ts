import type { TenantRef } from '../db/appointments.js';
import type { Database } from '../db/client.js';
import { enqueueAppointmentMessages } from '../db/messages.js';
import * as operations from '../db/package-operations.js';
import { bookSeries, type SeriesRequest } from '../db/series.js';
import { Conflicts } from '../domain/errors.js';
import { formatInstant } from '../domain/slots.js';

/** The package operations and the series of SPEC §7, each in one transaction. */

type Actor = { id: string; ip: string | null };

export function transferRemaining(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  input: Parameters<typeof operations.transferRemaining>[3],
  now: Date,
) {
  return db
    .transaction()
    .execute((trx) => operations.transferRemaining(trx, tenant, actor, input, now));
}

export function cancelRemaining(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  purchaseId: string,
  reason: string,
  now: Date,
) {
  return db
    .transaction()
    .execute((trx) => operations.cancelRemaining(trx, tenant, actor, purchaseId, reason, now));
}

export function rescheduleAll(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  input: Parameters<typeof operations.rescheduleAll>[3],
  now: Date,
) {
  return db
    .transaction()
    .execute((trx) => operations.rescheduleAll(trx, tenant, actor, input, now));
}

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
