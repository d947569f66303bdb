import { sql } from 'kysely';
import { addDays, localDate } from '../domain/dates.js';
import { DomainError, NotFound } from '../domain/errors.js';
import { MAX_COURSE_SESSIONS, nearestSlot } from '../domain/series.js';
import { wallClockInstant, type Slot } from '../domain/slots.js';
import { bookAppointment, type TenantRef } from './appointments.js';
import type { Database, DbTransaction } from './client.js';
import { clinicProviders, type ProviderOption } from './providers.js';
import { purchaseStatus } from './purchases.js';
import { findFreeSlots } from './schedule.js';
import type { PurchaseStatus } from './schema.js';
import type { ServiceOption } from './services.js';

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

/** The session numbers of these appointments (of one purchase), by id. */
export async function sessionNumbersOf(
  trx: DbTransaction,
  tenantId: string,
  appointmentIds: string[],
): Promise<Map<string, number | null>> {
  if (appointmentIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('appointments')
    .select(['id', 'session_number_in_package'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', appointmentIds)
    .execute();
  return new Map(rows.map((row) => [row.id, row.session_number_in_package]));
}

/** Refusals a free time elsewhere answers: the time is taken, or falls after the expiry. */
const TIME_REFUSALS = ['slot_taken', 'patient_overlap', 'provider_overlap', 'time_overlap'];
const AFTER_EXPIRY = 'package_expires_before_slot';

/** How many days an alternative is looked for, from the day wanted (or back from the expiry). */
export const ALTERNATIVE_SEARCH_DAYS = 14;

/**
 * The free time nearest a refused session of a course, with the same provider, by the slot
 * rules of a booking (db/schedule.ts): for a time taken, on its day or the first day after it
 * with free time (not past the expiry); for a day after the expiry, on the latest day up to
 * the expiry with free time. Nearest the wanted time of day (`time`, 'HH:MM'); null when
 * there is none in ALTERNATIVE_SEARCH_DAYS days, or the refusal is not about the time.
 * In the caller's transaction: a preview sees the course's other sessions as busy.
 */
export async function nearestFreeTime(
  db: Database,
  tenant: { id: string; timezone: string },
  refused: {
    code: string;
    providerId: string;
    patientId: string;
    start: Date;
    time: string;
    durationMinutes: number;
    expiry: string;
    today: string;
  },
  now: Date,
): Promise<Slot | null> {
  const wantedDay = localDate(tenant.timezone, refused.start);
  const days: string[] = [];
  if (TIME_REFUSALS.includes(refused.code)) {
    for (let i = 0; i < ALTERNATIVE_SEARCH_DAYS; i++) {
      const day = addDays(wantedDay, i);
      if (day > refused.expiry) break;
      days.push(day);
    }
  } else if (refused.code === AFTER_EXPIRY) {
    for (let i = 0; i < ALTERNATIVE_SEARCH_DAYS; i++) {
      const day = addDays(refused.expiry, -i);
      if (day < refused.today) break;
      days.push(day);
    }
  }
  for (const day of days) {
    const slots = await findFreeSlots(
      db,
      tenant,
      {
        providerId: refused.providerId,
        patientId: refused.patientId,
        date: day,
        durationMinutes: refused.durationMinutes,
      },
      now,
    );
    const wanted =
      day === wantedDay ? refused.start : wallClockInstant(day, refused.time, tenant.timezone);
    const slot = nearestSlot(slots, wanted);
    if (slot) return slot;
  }
  return null;
}

/** What the course page shows of a purchase; its status as of `today`. */
export interface CoursePurchase {
  id: string;
  patient_id: string;
  name_en: string;
  name_ar: string;
  total_sessions: number;
  sessions_used: number;
  expiry_date: string;
  status: PurchaseStatus;
}

/** The purchase a course is booked on, if it is the tenant's. */
export function findCoursePurchase(
  db: Database,
  tenantId: string,
  purchaseId: string,
  today: string,
): Promise<CoursePurchase | undefined> {
  return db
    .selectFrom('package_purchases')
    .select([
      'id',
      'patient_id',
      'name_en',
      'name_ar',
      'total_sessions',
      'sessions_used',
      'expiry_date',
      purchaseStatus(today).as('status'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .executeTakeFirst();
}

/**
 * The purchase's services (those with sessions left first), each with its clinic and length,
 * and the active providers of each of their clinics, by clinic id: what a course's pattern
 * chooses from.
 */
export async function listCourseServices(
  db: Database,
  tenantId: string,
  purchaseId: string,
): Promise<{ services: ServiceOption[]; providers: Record<string, ProviderOption[]> }> {
  const services = await db
    .selectFrom('purchase_services')
    .innerJoin('services', (join) =>
      join
        .onRef('services.tenant_id', '=', 'purchase_services.tenant_id')
        .onRef('services.id', '=', 'purchase_services.service_id'),
    )
    .select([
      'services.id',
      'services.clinic_id',
      'services.name_en',
      'services.name_ar',
      'services.default_duration_minutes',
    ])
    .where('purchase_services.tenant_id', '=', tenantId)
    .where('purchase_services.purchase_id', '=', purchaseId)
    .orderBy(sql`purchase_services.sessions_used < purchase_services.sessions`, 'desc')
    .orderBy('services.name_en')
    .execute();
  const clinicIds = [...new Set(services.map((service) => service.clinic_id))];
  const lists = await Promise.all(
    clinicIds.map((clinicId) => clinicProviders(db, tenantId, clinicId).execute()),
  );
  return {
    services,
    providers: Object.fromEntries(clinicIds.map((clinicId, i) => [clinicId, lists[i]!])),
  };
}

/**
 * The appointments a course booked with this idempotency key on this purchase (one key per
 * session, `key#index`, as bookSeries gives them): a repeated "Book all" finds them.
 */
export async function findCourseBooking(
  db: Database,
  tenantId: string,
  purchaseId: string,
  idempotencyKey: string,
): Promise<string[]> {
  const keys = Array.from({ length: MAX_COURSE_SESSIONS }, (_, i) => `${idempotencyKey}#${i}`);
  const rows = await db
    .selectFrom('appointments')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('package_purchase_id', '=', purchaseId)
    .where('idempotency_key', 'in', keys)
    .execute();
  return rows.map((row) => row.id);
}
