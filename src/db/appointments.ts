import { sql } from 'kysely';
import {
  CANCELLABLE,
  cancellationOutcome,
  isInLastWeekOfValidity,
  isKnownTransition,
  mayTransition,
  type StepStatus,
} from '../domain/appointments.js';
import { localDate } from '../domain/dates.js';
import { checkBookable } from '../domain/purchases.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../domain/errors.js';
import { publishChange, type ChangeEvent } from '../events/bus.js';
import { recordAudit } from './audit.js';
import type { Database } from './client.js';
import { findPatient } from './patients.js';
import { nextSessionNumber } from './purchases.js';
import { findFreeSlots } from './schedule.js';
import type { AppointmentStatus, Role } from './schema.js';

export interface TenantRef {
  id: string;
  timezone: string;
  cancellationWindowHours: number;
}

export interface BookingRequest {
  patientId: string;
  type: 'single' | 'package' | 'group';
  clinicId: string;
  /** Not needed to join a group session (the session has its provider and time). */
  providerId: string | null;
  serviceId: string | null;
  purchaseId: string | null;
  groupSessionId: string | null;
  start: Date | null;
  durationMinutes: number;
  idempotencyKey: string | null;
}

export interface Booking {
  appointment: {
    id: string;
    status: AppointmentStatus;
    starts_at: Date;
    ends_at: Date;
    session_number_in_package: number | null;
  };
  purchase: { sessions_used: number; total_sessions: number; expiry_date: string } | null;
  /** Booked in the last week of the package's validity. */
  nearExpiry: boolean;
}

const appointmentColumns = [
  'id',
  'patient_id',
  'status',
  'starts_at',
  'ends_at',
  'session_number_in_package',
  'package_purchase_id',
] as const;

/**
 * Books one appointment in one transaction (SPEC §1 step 9). For a package: the purchase and
 * the service's allotment are locked, checked (active, this patient's, sessions left, slot on
 * or before expiry), the smallest free session number taken and both counters raised. The
 * exclusion constraints stay the last word on overlaps (23P01 → 409). A repeated
 * idempotency key answers with the first booking (and publishes nothing: nothing changed).
 * Open screens hear of the booking at commit (events/bus.ts).
 */
export function bookAppointment(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  request: BookingRequest,
  now: Date,
): Promise<Booking> {
  return db.transaction().execute(async (trx) => {
    if (request.idempotencyKey) {
      await lockKey(trx, tenant.id, request.idempotencyKey);
      const earlier = await trx
        .selectFrom('appointments')
        .select(appointmentColumns)
        .where('tenant_id', '=', tenant.id)
        .where('idempotency_key', '=', request.idempotencyKey)
        .executeTakeFirst();
      if (earlier) {
        if (earlier.patient_id !== request.patientId) {
          throw new Conflict('This request key was already used for another booking.');
        }
        return bookingOf(trx, tenant, earlier);
      }
    }
    if (!(await findPatient(trx, tenant.id, request.patientId))) {
      throw new NotFound('Patient not found.');
    }
    if (request.type === 'package' && !request.purchaseId) {
      throw new ValidationFailed({ package_purchase_id: 'Choose the package to book on.' });
    }
    if (request.type === 'single' && request.purchaseId) {
      throw new ValidationFailed({
        package_purchase_id: 'A single session is not booked on a package.',
      });
    }
    const purchase = request.purchaseId
      ? await lockUsablePurchase(trx, tenant.id, request.patientId, request.purchaseId)
      : null;
    await lockCalendars(trx, tenant.id, {
      patientId: request.patientId,
      providerId: request.type === 'group' ? null : request.providerId,
    });
    const place =
      request.type === 'group'
        ? await takeGroupSeat(trx, tenant.id, request, now)
        : await checkSlot(trx, tenant, request, now);
    const consumed = purchase ? await consumeSession(trx, tenant, purchase, place) : null;

    const appointment = await trx
      .insertInto('appointments')
      .values({
        tenant_id: tenant.id,
        patient_id: request.patientId,
        provider_id: place.providerId,
        clinic_id: place.clinicId,
        service_id: place.serviceId,
        kind: request.type === 'group' ? 'GROUP' : consumed ? 'PACKAGE' : 'SINGLE',
        starts_at: place.start,
        ends_at: place.end,
        package_purchase_id: consumed?.purchaseId ?? null,
        session_number_in_package: consumed?.sessionNumber ?? null,
        group_session_id: request.type === 'group' ? request.groupSessionId : null,
        idempotency_key: request.idempotencyKey,
        booked_by: actor.id,
      })
      .returning(appointmentColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId: tenant.id,
      actorId: actor.id,
      action: 'appointment.book',
      entity: 'appointment',
      entityId: appointment.id,
      after: appointment,
      ip: actor.ip,
    });
    await publishChange(trx, {
      tenant: tenant.id,
      kind: 'appointment.booked',
      provider: place.providerId,
      date: localDate(tenant.timezone, place.start),
      patient: request.patientId,
      purchase: consumed?.purchaseId ?? null,
    });
    return bookingOf(trx, tenant, appointment);
  });
}

interface Place {
  clinicId: string;
  providerId: string;
  serviceId: string;
  start: Date;
  end: Date;
}

/** A single or package slot: provider of the clinic, service known, and the slot still free. */
async function checkSlot(
  db: Database,
  tenant: TenantRef,
  request: BookingRequest,
  now: Date,
): Promise<Place> {
  const { providerId, start } = request;
  if (!providerId) throw new ValidationFailed({ provider_id: 'Choose a provider.' });
  if (!start) throw new ValidationFailed({ start: 'Choose a time.' });
  const provider = await db
    .selectFrom('provider_clinics')
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'provider_clinics.tenant_id')
        .onRef('providers.id', '=', 'provider_clinics.provider_id'),
    )
    .select('providers.id')
    .where('provider_clinics.tenant_id', '=', tenant.id)
    .where('provider_clinics.clinic_id', '=', request.clinicId)
    .where('provider_clinics.provider_id', '=', providerId)
    .where('providers.active', '=', true)
    .executeTakeFirst();
  if (!provider) throw new NotFound('Provider not found in this clinic.');

  const serviceId = request.serviceId ?? (await onlyServiceOfPurchase(db, tenant.id, request));
  const service = await db
    .selectFrom('services')
    .select(['id', 'clinic_id'])
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', serviceId)
    .executeTakeFirst();
  if (!service) throw new NotFound('Service not found.');
  if (service.clinic_id !== request.clinicId) {
    throw new ValidationFailed({ service_id: 'This service is not offered in this clinic.' });
  }

  const date = localDate(tenant.timezone, start);
  const slots = await findFreeSlots(
    db,
    tenant,
    {
      providerId,
      patientId: request.patientId,
      date,
      durationMinutes: request.durationMinutes,
    },
    now,
  );
  const slot = slots.find((s) => s.start.getTime() === start.getTime());
  if (!slot) {
    throw new Conflict('This time is not available any more. Please choose another slot.');
  }
  return {
    clinicId: request.clinicId,
    providerId,
    serviceId,
    start: slot.start,
    end: slot.end,
  };
}

/** SPEC §4: `service_id` may be omitted when the package has one service. */
async function onlyServiceOfPurchase(
  db: Database,
  tenantId: string,
  request: BookingRequest,
): Promise<string> {
  const services = request.purchaseId
    ? await db
        .selectFrom('purchase_services')
        .select('service_id')
        .where('tenant_id', '=', tenantId)
        .where('purchase_id', '=', request.purchaseId)
        .execute()
    : [];
  if (services.length !== 1) {
    throw new ValidationFailed({ service_id: 'Choose the service to book.' });
  }
  return services[0]!.service_id;
}

/** Joining a group session: its place and time, one seat taken under a row lock. */
async function takeGroupSeat(
  db: Database,
  tenantId: string,
  request: BookingRequest,
  now: Date,
): Promise<Place> {
  if (!request.groupSessionId) {
    throw new ValidationFailed({ group_session_id: 'Choose the group session to join.' });
  }
  const session = await db
    .selectFrom('group_sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', request.groupSessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!session || session.clinic_id !== request.clinicId) {
    throw new NotFound('Group session not found.');
  }
  if (session.status !== 'SCHEDULED') throw new Conflict('This group session was cancelled.');
  if (session.starts_at.getTime() <= now.getTime()) {
    throw new Conflict('This group session has already started.');
  }
  if (session.seats_taken >= session.capacity) throw new Conflict('This group session is full.');
  await db
    .updateTable('group_sessions')
    .set((eb) => ({ seats_taken: eb('seats_taken', '+', 1) }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', session.id)
    .execute();
  return {
    clinicId: session.clinic_id,
    providerId: session.provider_id,
    serviceId: session.service_id,
    start: session.starts_at,
    end: session.ends_at,
  };
}

/**
 * The purchase to book on, locked: concurrent bookings of one package queue here, and each
 * then sees the counts the previous one left.
 */
async function lockUsablePurchase(
  db: Database,
  tenantId: string,
  patientId: string,
  purchaseId: string,
) {
  const purchase = await db
    .selectFrom('package_purchases')
    .select(['id', 'patient_id', 'status', 'total_sessions', 'expiry_date', 'sessions_used'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .forUpdate()
    .executeTakeFirst();
  return checkBookable(purchase, patientId);
}

/** Takes one session of the (locked) purchase for `place`'s service, on or before expiry. */
async function consumeSession(
  db: Database,
  tenant: TenantRef,
  purchase: { id: string; total_sessions: number; expiry_date: string },
  place: Place,
): Promise<{ purchaseId: string; sessionNumber: number }> {
  const slotDate = localDate(tenant.timezone, place.start);
  if (slotDate > purchase.expiry_date) {
    throw new Conflict(`This package expires on ${purchase.expiry_date}, before this slot.`);
  }
  const allotment = await db
    .updateTable('purchase_services')
    .set((eb) => ({ sessions_used: eb('sessions_used', '+', 1) }))
    .where('tenant_id', '=', tenant.id)
    .where('purchase_id', '=', purchase.id)
    .where('service_id', '=', place.serviceId)
    .where((eb) => eb('sessions_used', '<', eb.ref('sessions')))
    .returning('service_id')
    .executeTakeFirst();
  if (!allotment) throw new Conflict('No sessions of this service are left on this package.');

  const sessionNumber = await nextSessionNumber(db, tenant.id, purchase);
  if (sessionNumber === null) throw new Conflict('No sessions are left on this package.');
  await db
    .updateTable('package_purchases')
    .set({
      sessions_used: sql`sessions_used + 1`,
      status: sql`case when sessions_used + 1 = total_sessions then 'COMPLETED' else status end`,
    })
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', purchase.id)
    .execute();
  return { purchaseId: purchase.id, sessionNumber };
}

/**
 * Serialises the bookings of one patient, and of one provider, until the first one commits, so
 * the free-slot check sees what the others booked and answers with its friendly 409. Without
 * it, two overlapping inserts each wait on the other's exclusion check, and PostgreSQL breaks
 * that deadlock only after a second. The locks are always taken in the same order (by key).
 */
async function lockCalendars(
  db: Database,
  tenantId: string,
  owners: { patientId: string; providerId: string | null },
): Promise<void> {
  const keys = [`${tenantId}:patient:${owners.patientId}`];
  if (owners.providerId) keys.push(`${tenantId}:provider:${owners.providerId}`);
  const locks = keys.sort().map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  await sql`select ${sql.join(locks)}`.execute(db);
}

/** Serialises requests carrying the same idempotency key until the first one commits. */
async function lockKey(db: Database, tenantId: string, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:${key}`}, 0))`.execute(db);
}

async function bookingOf(
  db: Database,
  tenant: TenantRef,
  appointment: {
    id: string;
    status: AppointmentStatus;
    starts_at: Date;
    ends_at: Date;
    session_number_in_package: number | null;
    package_purchase_id: string | null;
  },
): Promise<Booking> {
  const purchase = appointment.package_purchase_id
    ? await db
        .selectFrom('package_purchases')
        .select(['sessions_used', 'total_sessions', 'expiry_date'])
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', appointment.package_purchase_id)
        .executeTakeFirstOrThrow()
    : null;
  const nearExpiry =
    purchase !== null &&
    isInLastWeekOfValidity(localDate(tenant.timezone, appointment.starts_at), purchase.expiry_date);
  return { appointment, purchase, nearExpiry };
}

/**
 * Cancels with a reason: early enough (the tenant's window) the session returns to the
 * package; later it stays consumed (LATE_CANCELLED). A group seat is freed either way.
 */
export function cancelAppointment(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  appointmentId: string,
  reason: string,
  now: Date,
): Promise<{ status: 'CANCELLED' | 'LATE_CANCELLED'; sessionReturned: boolean }> {
  return db.transaction().execute(async (trx) => {
    const before = await lockAppointment(trx, tenant.id, appointmentId);
    if (!CANCELLABLE.includes(before.status)) {
      throw new Conflict(`A ${before.status.toLowerCase()} appointment cannot be cancelled.`);
    }
    const status = cancellationOutcome(before.starts_at, now, tenant.cancellationWindowHours);
    await setStatus(trx, tenant.id, appointmentId, status, reason, now);
    const sessionReturned = status === 'CANCELLED' && before.package_purchase_id !== null;
    if (sessionReturned) await returnSession(trx, tenant.id, before);
    if (before.group_session_id) {
      await trx
        .updateTable('group_sessions')
        .set((eb) => ({ seats_taken: eb('seats_taken', '-', 1) }))
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', before.group_session_id)
        .execute();
    }
    await recordAudit(trx, {
      tenantId: tenant.id,
      actorId: actor.id,
      action: 'appointment.cancel',
      entity: 'appointment',
      entityId: appointmentId,
      before: { status: before.status },
      after: { status, reason, session_returned: sessionReturned },
      ip: actor.ip,
    });
    await publishChange(trx, appointmentChange(tenant, 'appointment.cancelled', before));
    return { status, sessionReturned };
  });
}

/** BOOKED → CONFIRMED → ARRIVED → COMPLETED, or NO_SHOW (which keeps the session used). */
export function changeAppointmentStatus(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  status: StepStatus,
  reason: string | null,
  now: Date,
): Promise<void> {
  return db.transaction().execute(async (trx) => {
    const before = await lockAppointment(trx, tenant.id, appointmentId);
    if (!isKnownTransition(before.status, status)) {
      throw new Conflict(`A ${before.status.toLowerCase()} appointment cannot become ${status}.`);
    }
    const ownsAppointment = before.provider_user_id === actor.id;
    if (!mayTransition(before.status, status, { role: actor.role, ownsAppointment })) {
      throw new Forbidden();
    }
    await setStatus(trx, tenant.id, appointmentId, status, reason, now);
    await recordAudit(trx, {
      tenantId: tenant.id,
      actorId: actor.id,
      action: 'appointment.status',
      entity: 'appointment',
      entityId: appointmentId,
      before: { status: before.status },
      after: { status, reason },
      ip: actor.ip,
    });
    await publishChange(trx, appointmentChange(tenant, 'appointment.status', before));
  });
}

function appointmentChange(
  tenant: TenantRef,
  kind: 'appointment.cancelled' | 'appointment.status',
  appointment: {
    provider_id: string;
    patient_id: string;
    starts_at: Date;
    package_purchase_id: string | null;
  },
): ChangeEvent {
  return {
    tenant: tenant.id,
    kind,
    provider: appointment.provider_id,
    date: localDate(tenant.timezone, appointment.starts_at),
    patient: appointment.patient_id,
    purchase: appointment.package_purchase_id,
  };
}

async function lockAppointment(db: Database, tenantId: string, appointmentId: string) {
  const appointment = await db
    .selectFrom('appointments')
    .leftJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'appointments.tenant_id')
        .onRef('providers.id', '=', 'appointments.provider_id'),
    )
    .select([
      'appointments.status',
      'appointments.provider_id',
      'appointments.patient_id',
      'appointments.starts_at',
      'appointments.package_purchase_id',
      'appointments.service_id',
      'appointments.group_session_id',
      'providers.user_id as provider_user_id',
    ])
    .where('appointments.tenant_id', '=', tenantId)
    .where('appointments.id', '=', appointmentId)
    .forUpdate('appointments')
    .executeTakeFirst();
  if (!appointment) throw new NotFound('Appointment not found.');
  return appointment;
}

async function setStatus(
  db: Database,
  tenantId: string,
  appointmentId: string,
  status: AppointmentStatus,
  reason: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('appointments')
    .set({ status, status_reason: reason, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', appointmentId)
    .execute();
}

async function returnSession(
  db: Database,
  tenantId: string,
  appointment: { package_purchase_id: string | null; service_id: string },
): Promise<void> {
  await db
    .updateTable('package_purchases')
    .set({
      sessions_used: sql`sessions_used - 1`,
      status: sql`case when status = 'COMPLETED' then 'ACTIVE' else status end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', appointment.package_purchase_id!)
    .execute();
  await db
    .updateTable('purchase_services')
    .set((eb) => ({ sessions_used: eb('sessions_used', '-', 1) }))
    .where('tenant_id', '=', tenantId)
    .where('purchase_id', '=', appointment.package_purchase_id!)
    .where('service_id', '=', appointment.service_id)
    .execute();
}
