import { DomainError, NotFound } from '../domain/errors.js';
import { bookAppointment, type TenantRef } from './appointments.js';
import type { DbTransaction } from './client.js';

export interface SeriesRequest {
  purchaseId: string;
  clinicId: string;
  serviceId: string | null;
  durationMinutes: number;
  sessions: { providerId: string; start: Date }[];
  idempotencyKey: string | null;
}

/**
 * SPEC §7 series: several sessions of a purchase booked at once, each by the booking's own
 * rules (slot free, within expiry, sessions left; each sees the ones before it), all or
 * nothing: the refusals are collected and answered together, nothing booked. A repeated key
 * answers with the sessions booked the first time (one key per session: `key#index`).
 * Answers the appointments with their final numbers (date order, after the last booking).
 */
export async function bookSeries(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  request: SeriesRequest,
  now: Date,
): Promise<{
  booked: { id: string; providerId: string; start: Date; end: Date }[];
  refused: { index: number; start: Date; code: string }[];
}> {
  const purchase = await trx
    .selectFrom('package_purchases')
    .select('patient_id')
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', request.purchaseId)
    .executeTakeFirst();
  if (!purchase) throw new NotFound('purchaseNotFound');
  const booked: { id: string; providerId: string; start: Date; end: Date }[] = [];
  const refused: { index: number; start: Date; code: string }[] = [];
  for (const [index, session] of request.sessions.entries()) {
    try {
      const { appointment } = await bookAppointment(
        trx,
        tenant,
        actor,
        {
          patientId: purchase.patient_id,
          type: 'package',
          clinicId: request.clinicId,
          providerId: session.providerId,
          serviceId: request.serviceId,
          purchaseId: request.purchaseId,
          groupSessionId: null,
          start: session.start,
          durationMinutes: request.durationMinutes,
          idempotencyKey: request.idempotencyKey && `${request.idempotencyKey}#${index}`,
        },
        now,
      );
      booked.push({
        id: appointment.id,
        providerId: session.providerId,
        start: appointment.starts_at,
        end: appointment.ends_at,
      });
    } catch (error) {
      // A refusal found by a check (no statement failed): the transaction goes on to list
      // the others; a database error aborts it and answers as always.
      if (!(error instanceof DomainError) || error.status !== 409) throw error;
      refused.push({ index, start: session.start, code: error.code });
    }
  }
  return { booked, refused };
}
