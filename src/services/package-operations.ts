import type { TenantRef } from '../db/appointments.js';
import type { Database, DbTransaction } from '../db/client.js';
import { enqueueAppointmentMessages } from '../db/messages.js';
import * as operations from '../db/package-operations.js';
import { bookSeries, nearestFreeTime, sessionNumbersOf, type SeriesRequest } from '../db/series.js';
import { localDate } from '../domain/dates.js';
import type { Slot } from '../domain/slots.js';
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
    const numberOf = await sessionNumbersOf(
      trx,
      tenant.id,
      booked.map((b) => b.id),
    );
    const purchase = await trx
      .selectFrom('package_purchases')
      .select(['sessions_used', 'total_sessions'])
      .where('tenant_id', '=', tenant.id)
      .where('id', '=', request.purchaseId)
      .executeTakeFirstOrThrow();
    return {
      appointments: booked.map((b) => ({ ...b, sessionNumber: numberOf.get(b.id) ?? null })),
      sessionsUsed: purchase.sessions_used,
      sessionsRemaining: purchase.total_sessions - purchase.sessions_used,
    };
  });
}

/** One proposed session of a course, as booking it would go. */
export interface CourseSession {
  providerId: string;
  start: Date;
  end: Date;
  /** The number it would take (date order, with the course's other sessions). */
  sessionNumber: number | null;
  /** The refusal's code (`slot_taken`, `package_expires_before_slot`, …); null when free. */
  refusal: string | null;
  /** For a refused one: the nearest free time with its provider, if any. */
  alternative: Slot | null;
}

/** What a preview's transaction carries out of it, rolled back. */
class PreviewDone extends Error {
  constructor(readonly sessions: CourseSession[]) {
    super('course preview rolled back');
  }
}

/**
 * A course as booking it would go, nothing kept: the series is booked by its own rules in a
 * transaction that is then rolled back (no row, audit or notice survives), so the preview can
 * never say "free" where the booking would refuse. Each refused session comes with the nearest
 * free time of its provider (`time`: the pattern's time of day), found in the same transaction,
 * so it is not a time another session of the course takes.
 */
export async function previewCourse(
  db: Database,
  tenant: TenantRef,
  actor: Actor,
  request: SeriesRequest,
  pattern: { patientId: string; time: string; expiry: string },
  now: Date,
): Promise<CourseSession[]> {
  try {
    await db.transaction().execute(async (trx) => {
      const course = { ...request, idempotencyKey: null };
      const { booked, refused } = await bookSeries(trx, tenant, actor, course, now);
      const numberOf = await sessionNumbersOf(
        trx,
        tenant.id,
        booked.map((b) => b.id),
      );
      const today = localDate(tenant.timezone, now);
      const sessions: CourseSession[] = [];
      let next = 0;
      for (const [index, session] of request.sessions.entries()) {
        const refusal = refused.find((r) => r.index === index);
        const end = new Date(session.start.getTime() + request.durationMinutes * 60_000);
        if (!refusal) {
          const done = booked[next++]!;
          sessions.push({
            providerId: session.providerId,
            start: done.start,
            end: done.end,
            sessionNumber: numberOf.get(done.id) ?? null,
            refusal: null,
            alternative: null,
          });
          continue;
        }
        const alternative = await nearestFreeTime(
          trx,
          tenant,
          {
            code: refusal.code,
            providerId: session.providerId,
            patientId: pattern.patientId,
            start: session.start,
            time: pattern.time,
            durationMinutes: request.durationMinutes,
            expiry: pattern.expiry,
            today,
          },
          now,
        );
        sessions.push({
          providerId: session.providerId,
          start: session.start,
          end,
          sessionNumber: null,
          refusal: refusal.code,
          alternative,
        });
      }
      throw new PreviewDone(sessions);
    });
  } catch (error) {
    if (error instanceof PreviewDone) return error.sessions;
    throw error;
  }
  throw new Error('previewCourse: the transaction ended without its preview');
}
