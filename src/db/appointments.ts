import { sql, type AliasedRawBuilder } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import {
  CANCELLABLE,
  cancellationOutcome,
  isInLastWeekOfValidity,
  isKnownTransition,
  mayTransition,
  type StepStatus,
  revertRefusal,
  tooEarly,
} from '../domain/appointments.js';
import { localDate } from '../domain/dates.js';
import { checkBookable, type PurchaseFacts } from '../domain/purchases.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../domain/errors.js';
import { changeNotice, publishChange, type ChangeEvent } from '../events/bus.js';
import { auditRowsFrom, recordAudit } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { purchaseStatus, smallestFreeSession } from './purchases.js';
import { freeSlotAt, placeColumns } from './schedule.js';
import { renumberSessions } from './session-numbers.js';
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
 * Books one appointment, in the caller's transaction (SPEC §1 step 9). For a package: the purchase is
 * locked, checked (active, this patient's, sessions left, slot on or before expiry, the
 * service's allotment not used up), the smallest free session number taken and both counters
 * raised. The exclusion constraints stay the last word on overlaps (23P01 → 409). A repeated
 * idempotency key answers with the first booking (and publishes nothing: nothing changed).
 * Open screens hear of the booking at commit (events/bus.ts).
 *
 * Four statements for a single booking: the locks, the facts the locks guard (the earlier
 * booking of the key, the patient, the purchase row locked), the facts of the slot and the
 * purchase's use, then the write; a package booking adds a fifth, the renumbering of the
 * purchase's later sessions (SPEC §1.9). On the hot path round-trips cost more than the rows.
 */
export async function bookAppointment(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  request: BookingRequest,
  now: Date,
): Promise<Booking> {
  await lockBooking(trx, tenant.id, request);
  const today = localDate(tenant.timezone, now);
  const facts = await readBookingFacts(trx, tenant.id, request, today);
  if (facts.earlier) {
    if (facts.earlier.patient_id !== request.patientId) {
      throw new Conflict('bookingKeyReused');
    }
    return earlierBooking(tenant, facts.earlier);
  }
  if (!facts.patient_found) throw new NotFound('patientNotFound');
  if (request.type === 'package' && !request.purchaseId) {
    throw new ValidationFailed({ package_purchase_id: 'packageRequired' });
  }
  if (request.type === 'single' && request.purchaseId) {
    throw new ValidationFailed({
      package_purchase_id: 'singleNotOnPackage',
    });
  }
  const purchase = request.purchaseId
    ? checkBookable(facts.purchase ?? undefined, request.patientId)
    : null;
  const { place, usage } =
    request.type === 'group'
      ? await takeGroupSeat(trx, tenant.id, request, purchase, now)
      : await checkSlot(trx, tenant, request, purchase, now);
  const consumed = purchase ? takeSession(tenant, purchase, place, usage!) : null;
  const booking = await writeBooking(trx, tenant, actor, request, place, consumed);
  if (!consumed) return booking;
  // Booked before other future sessions of the purchase: they move one number up.
  const renumbered = await renumberSessions(trx, tenant.id, consumed.purchaseId, now);
  const number = renumbered.get(booking.appointment.id);
  return number === undefined
    ? booking
    : { ...booking, appointment: { ...booking.appointment, session_number_in_package: number } };
}

interface Place {
  clinicId: string;
  providerId: string;
  serviceId: string;
  start: Date;
  end: Date;
}

/** What a booking on a (locked) purchase needs to know of its use so far. */
interface PurchaseUsage {
  allotments: { service_id: string; sessions: number; sessions_used: number }[];
  next_session: number | null;
}

type LockedPurchase = PurchaseFacts & { id: string; patient_id: string };

/**
 * Serialises the requests carrying the same idempotency key, and the bookings of one patient
 * and of one provider, until the first one commits: the reads that follow (in later
 * statements, so with later snapshots) see what the others booked, and the free-slot check
 * answers with its friendly 409. Without the calendar locks, two overlapping inserts each wait
 * on the other's exclusion check, and PostgreSQL breaks that deadlock only after a second.
 * The key comes first, the calendars always in the same order (by key), and no row is locked
 * yet, so two bookings never wait on each other in a circle.
 */
async function lockBooking(trx: DbTransaction, tenantId: string, request: BookingRequest) {
  const calendars = [`${tenantId}:patient:${request.patientId}`];
  if (request.type !== 'group' && request.providerId) {
    calendars.push(`${tenantId}:provider:${request.providerId}`);
  }
  const keys = calendars.sort();
  if (request.idempotencyKey) keys.unshift(`${tenantId}:${request.idempotencyKey}`);
  const locks = keys.map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  await sql`select ${sql.join(locks)}`.execute(trx);
}

/**
 * After the locks: the booking made earlier with this key (with its purchase's counts), whether
 * the patient exists, and the purchase to book on, locked: concurrent changes of the purchase
 * (cancellations returning a session) queue here, and the statements after this one see the
 * counts they left.
 */
async function readBookingFacts(
  trx: DbTransaction,
  tenantId: string,
  request: BookingRequest,
  today: string,
) {
  const { idempotencyKey, purchaseId } = request;
  return trx
    .selectNoFrom((eb) => [
      idempotencyKey
        ? jsonObjectFrom(
            eb
              .selectFrom('appointments')
              .leftJoin('package_purchases', (join) =>
                join
                  .onRef('package_purchases.tenant_id', '=', 'appointments.tenant_id')
                  .onRef('package_purchases.id', '=', 'appointments.package_purchase_id'),
              )
              .select(appointmentColumns.map((column) => `appointments.${column}` as const))
              .select([
                'package_purchases.sessions_used',
                'package_purchases.total_sessions',
                'package_purchases.expiry_date',
              ])
              .where('appointments.tenant_id', '=', tenantId)
              .where('appointments.idempotency_key', '=', idempotencyKey),
          ).as('earlier')
        : sql<null>`null`.as('earlier'),
      eb
        .exists(
          eb
            .selectFrom('patients')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', '=', request.patientId),
        )
        .as('patient_found'),
      purchaseId
        ? jsonObjectFrom(
            eb
              .selectFrom('package_purchases')
              .select([
                'id',
                'patient_id',
                purchaseStatus(today).as('status'),
                'total_sessions',
                'expiry_date',
                'sessions_used',
              ])
              .where('tenant_id', '=', tenantId)
              .where('id', '=', purchaseId)
              .forUpdate(),
          ).as('purchase')
        : sql<null>`null`.as('purchase'),
    ])
    .executeTakeFirstOrThrow();
}

/**
 * A single or package slot: provider of the clinic, service known, the slot still free, and
 * (for a package) the purchase's use so far, all read in one statement.
 */
async function checkSlot(
  db: Database,
  tenant: TenantRef,
  request: BookingRequest,
  purchase: LockedPurchase | null,
  now: Date,
): Promise<{ place: Place; usage: PurchaseUsage | null }> {
  const { providerId, start } = request;
  if (!providerId) throw new ValidationFailed({ provider_id: 'providerRequired' });
  if (!start) throw new ValidationFailed({ start: 'timeRequired' });
  const date = localDate(tenant.timezone, start);
  const facts = await db
    .selectNoFrom((eb) => [
      ...placeColumns(
        db,
        tenant,
        { clinicId: request.clinicId, providerId, patientId: request.patientId },
        date,
      ),
      jsonObjectFrom(
        eb
          .selectFrom('services')
          .select(['id', 'clinic_id'])
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', request.serviceId ?? onlyServiceOf(tenant.id, purchase)),
      ).as('service'),
      ...usageColumns(db, tenant.id, purchase),
    ])
    .executeTakeFirstOrThrow();
  if (!facts.provider_found) throw new NotFound('providerNotInClinic');
  // SPEC §4: `service_id` may be omitted when the package has one service.
  if (!request.serviceId && facts.allotments?.length !== 1) {
    throw new ValidationFailed({ service_id: 'serviceRequired' });
  }
  const { service } = facts;
  if (!service) throw new NotFound('serviceNotFound');
  if (service.clinic_id !== request.clinicId) {
    throw new ValidationFailed({ service_id: 'serviceNotOffered' });
  }

  const slot = freeSlotAt(
    tenant,
    facts,
    { date, start, durationMinutes: request.durationMinutes },
    now,
  );
  const place = {
    clinicId: request.clinicId,
    providerId,
    serviceId: service.id,
    start: slot.start,
    end: slot.end,
  };
  return { place, usage: usageOf(facts) };
}

/** The purchase's one service, when it has exactly one (else nothing). */
function onlyServiceOf(tenantId: string, purchase: LockedPurchase | null) {
  return sql<string>`(
    select (array_agg(service_id))[1] from purchase_services
    where tenant_id = ${tenantId} and purchase_id = ${purchase?.id ?? null}
    having count(*) = 1
  )`;
}

/**
 * The (locked) purchase's allotments and next session number, as columns of a caller's
 * statement (nulls without a purchase); usageOf reads them back.
 */
function usageColumns(
  db: Database,
  tenantId: string,
  purchase: LockedPurchase | null,
): [
  AliasedRawBuilder<PurchaseUsage['allotments'] | null, 'allotments'>,
  AliasedRawBuilder<number | null, 'next_session'>,
] {
  if (!purchase) return [sql<null>`null`.as('allotments'), sql<null>`null`.as('next_session')];
  return [
    jsonArrayFrom(
      db
        .selectFrom('purchase_services')
        .select(['service_id', 'sessions', 'sessions_used'])
        .where('tenant_id', '=', tenantId)
        .where('purchase_id', '=', purchase.id),
    ).as('allotments'),
    smallestFreeSession(tenantId, purchase.id, purchase.total_sessions).as('next_session'),
  ];
}

function usageOf(row: {
  allotments: PurchaseUsage['allotments'] | null;
  next_session: number | null;
}): PurchaseUsage | null {
  return row.allotments ? { allotments: row.allotments, next_session: row.next_session } : null;
}

/** Joining a group session: its place and time, a seat left checked under a row lock. */
async function takeGroupSeat(
  trx: DbTransaction,
  tenantId: string,
  request: BookingRequest,
  purchase: LockedPurchase | null,
  now: Date,
): Promise<{ place: Place; usage: PurchaseUsage | null }> {
  if (!request.groupSessionId) {
    throw new ValidationFailed({ group_session_id: 'groupSessionToJoin' });
  }
  const session = await trx
    .selectFrom('group_sessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', request.groupSessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!session || session.clinic_id !== request.clinicId) {
    throw new NotFound('groupSessionNotFound');
  }
  if (session.status !== 'SCHEDULED') throw new Conflict('groupSessionCancelled');
  if (session.starts_at.getTime() <= now.getTime()) {
    throw new Conflict('groupSessionStarted');
  }
  // The database counts the seat when the appointment is written (seats_taken is its count).
  if (session.seats_taken >= session.capacity) throw new Conflict('groupSessionFull');
  const usage = purchase
    ? usageOf(
        await trx.selectNoFrom(usageColumns(trx, tenantId, purchase)).executeTakeFirstOrThrow(),
      )
    : null;
  const place = {
    clinicId: session.clinic_id,
    providerId: session.provider_id,
    serviceId: session.service_id,
    start: session.starts_at,
    end: session.ends_at,
  };
  return { place, usage };
}

/**
 * The session of the (locked) purchase that `place` takes: its service's allotment not used up,
 * the slot on or before expiry, and the smallest free session number. The write raises the
 * counters; their check constraints and the unique session number stay the last word.
 */
function takeSession(
  tenant: TenantRef,
  purchase: LockedPurchase,
  place: Place,
  usage: PurchaseUsage,
): { purchaseId: string; sessionNumber: number } {
  const slotDate = localDate(tenant.timezone, place.start);
  if (slotDate > purchase.expiry_date) {
    throw new Conflict('packageExpiresBeforeSlot', { date: purchase.expiry_date });
  }
  const allotment = usage.allotments.find((a) => a.service_id === place.serviceId);
  if (!allotment || allotment.sessions_used >= allotment.sessions) {
    throw new Conflict('noServiceSessionsLeft');
  }
  if (usage.next_session === null) throw new Conflict('noSessionsLeft');
  return { purchaseId: purchase.id, sessionNumber: usage.next_session };
}

/**
 * The appointment, the purchase's two counters (when it uses one), its audit row and the change
 * notice, in one statement. Without a purchase the two updates match no row.
 */
async function writeBooking(
  db: Database,
  tenant: TenantRef,
  actor: { id: string; ip: string | null },
  request: BookingRequest,
  place: Place,
  consumed: { purchaseId: string; sessionNumber: number } | null,
): Promise<Booking> {
  const purchaseId = consumed?.purchaseId ?? null;
  const kind = request.type === 'group' ? 'GROUP' : consumed ? 'PACKAGE' : 'SINGLE';
  const { rows } = await sql<{
    id: string;
    status: AppointmentStatus;
    session_number_in_package: number | null;
    sessions_used: number | null;
    total_sessions: number | null;
    expiry_date: string | null;
    notified: void;
  }>`
    with allotment as (
      update purchase_services set sessions_used = sessions_used + 1
      where tenant_id = ${tenant.id} and purchase_id = ${purchaseId}
        and service_id = ${place.serviceId}
    ),
    purchase as (
      update package_purchases
      set sessions_used = sessions_used + 1,
        status = case when sessions_used + 1 = total_sessions then 'COMPLETED' else status end
      where tenant_id = ${tenant.id} and id = ${purchaseId}
      returning sessions_used, total_sessions, expiry_date
    ),
    appointment as (
      insert into appointments (tenant_id, patient_id, provider_id, clinic_id, service_id, kind,
        starts_at, ends_at, package_purchase_id, session_number_in_package, group_session_id,
        idempotency_key, booked_by)
      values (${tenant.id}, ${request.patientId}, ${place.providerId}, ${place.clinicId},
        ${place.serviceId}, ${kind}, ${place.start}, ${place.end}, ${purchaseId},
        ${consumed?.sessionNumber ?? null},
        ${request.type === 'group' ? request.groupSessionId : null},
        ${request.idempotencyKey}, ${actor.id})
      returning ${sql.join(appointmentColumns.map((column) => sql.ref(column)))}
    ),
    audit as (${auditRowsFrom(sql`appointment`, {
      tenantId: tenant.id,
      actorId: actor.id,
      action: 'appointment.book',
      entity: 'appointment',
      entityId: sql`appointment.id`,
      // the times as JavaScript writes them, like every other audit row
      after: sql`to_jsonb(appointment) || ${JSON.stringify({ starts_at: place.start, ends_at: place.end })}::jsonb`,
      ip: actor.ip,
    })})
    select appointment.id, appointment.status, appointment.session_number_in_package,
      purchase.sessions_used, purchase.total_sessions, purchase.expiry_date,
      ${changeNotice({
        tenant: tenant.id,
        kind: 'appointment.booked',
        provider: place.providerId,
        date: localDate(tenant.timezone, place.start),
        patient: request.patientId,
        purchase: purchaseId,
      })} as notified
    from appointment left join purchase on true`.execute(db);
  const row = rows[0]!;
  const appointment = {
    id: row.id,
    status: row.status,
    starts_at: place.start,
    ends_at: place.end,
    session_number_in_package: row.session_number_in_package,
  };
  const purchase =
    consumed && row.expiry_date !== null
      ? {
          sessions_used: row.sessions_used!,
          total_sessions: row.total_sessions!,
          expiry_date: row.expiry_date,
        }
      : null;
  return withExpiryWarning(tenant, appointment, purchase);
}

/** The answer to a repeated key: the booking made the first time, as it stands now. */
function earlierBooking(
  tenant: TenantRef,
  earlier: {
    id: string;
    status: AppointmentStatus;
    starts_at: string;
    ends_at: string;
    session_number_in_package: number | null;
    sessions_used: number | null;
    total_sessions: number | null;
    expiry_date: string | null;
  },
): Booking {
  // Nested as JSON, so the times arrive as text.
  const appointment = {
    id: earlier.id,
    status: earlier.status,
    starts_at: new Date(earlier.starts_at),
    ends_at: new Date(earlier.ends_at),
    session_number_in_package: earlier.session_number_in_package,
  };
  const purchase =
    earlier.expiry_date !== null
      ? {
          sessions_used: earlier.sessions_used!,
          total_sessions: earlier.total_sessions!,
          expiry_date: earlier.expiry_date,
        }
      : null;
  return withExpiryWarning(tenant, appointment, purchase);
}

function withExpiryWarning(
  tenant: TenantRef,
  appointment: Booking['appointment'],
  purchase: Booking['purchase'],
): Booking {
  const nearExpiry =
    purchase !== null &&
    isInLastWeekOfValidity(localDate(tenant.timezone, appointment.starts_at), purchase.expiry_date);
  return { appointment, purchase, nearExpiry };
}

/**
 * Cancels with a reason: early enough (the tenant's window) the session returns to the
 * package; later it stays consumed (LATE_CANCELLED) unless an ADMIN waives the charge
 * (SPEC §2: the session returns). A group seat is freed either way (by the database, which
 * counts them).
 */
export async function cancelAppointment(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  cancel: { reason: string; waive: boolean },
  now: Date,
): Promise<{ status: 'CANCELLED' | 'LATE_CANCELLED'; sessionReturned: boolean }> {
  if (cancel.waive && actor.role !== 'ADMIN') throw new Forbidden();
  const before = await lockAppointment(trx, tenant.id, appointmentId);
  if (!CANCELLABLE.includes(before.status)) {
    throw new Conflict('appointmentNotCancellable', { status: before.status.toLowerCase() });
  }
  const outcome = cancellationOutcome(before.starts_at, now, tenant.cancellationWindowHours);
  const waived = cancel.waive && outcome === 'LATE_CANCELLED';
  const status = waived ? 'CANCELLED' : outcome;
  const { reason } = cancel;
  await setStatus(trx, tenant.id, appointmentId, status, reason, now);
  const sessionReturned = status === 'CANCELLED' && before.package_purchase_id !== null;
  if (sessionReturned) {
    await returnSession(trx, tenant.id, before);
    await renumberSessions(trx, tenant.id, before.package_purchase_id!, now);
  }
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    action: 'appointment.cancel',
    entity: 'appointment',
    entityId: appointmentId,
    before: { status: before.status },
    after: { status, reason, session_returned: sessionReturned, ...(waived && { waived }) },
    ip: actor.ip,
  });
  await publishChange(trx, appointmentChange(tenant, 'appointment.cancelled', before));
  return { status, sessionReturned };
}

/**
 * BOOKED → CONFIRMED → ARRIVED → COMPLETED, or NO_SHOW (which keeps the session used): a step
 * this actor may take (a provider on their own appointments), and not before its time.
 */
export async function changeAppointmentStatus(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  status: StepStatus,
  reason: string | null,
  now: Date,
): Promise<void> {
  const before = await lockAppointment(trx, tenant.id, appointmentId);
  if (!isKnownTransition(before.status, status)) {
    throw new Conflict('statusChangeRefused', {
      status: before.status.toLowerCase(),
      next: status,
    });
  }
  const ownsAppointment = before.provider_user_id === actor.id;
  if (!mayTransition(before.status, status, { role: actor.role, ownsAppointment })) {
    throw new Forbidden();
  }
  const refusal = tooEarly(status, {
    startsAt: before.starts_at,
    now,
    timezone: tenant.timezone,
  });
  if (refusal) throw refusal;
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
}

/**
 * A status set by mistake (arrived, completed, no-show) back to BOOKED, the same day, with the
 * reason (SPEC §2). The session stays consumed as it was: a booked session is used too.
 */
export async function revertAppointmentStatus(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: { id: string; role: Role; ip: string | null },
  appointmentId: string,
  reason: string,
  now: Date,
): Promise<void> {
  const before = await lockAppointment(trx, tenant.id, appointmentId);
  const refusal = revertRefusal(before.status, actor.role, {
    startsAt: before.starts_at,
    now,
    timezone: tenant.timezone,
  });
  if (refusal) throw refusal;
  await setStatus(trx, tenant.id, appointmentId, 'BOOKED', reason, now);
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    action: 'appointment.reverted',
    entity: 'appointment',
    entityId: appointmentId,
    before: { status: before.status },
    after: { status: 'BOOKED', reason },
    ip: actor.ip,
  });
  await publishChange(trx, appointmentChange(tenant, 'appointment.status', before));
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

async function lockAppointment(trx: DbTransaction, tenantId: string, appointmentId: string) {
  const appointment = await trx
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
      'providers.user_id as provider_user_id',
    ])
    .where('appointments.tenant_id', '=', tenantId)
    .where('appointments.id', '=', appointmentId)
    .forUpdate('appointments')
    .executeTakeFirst();
  if (!appointment) throw new NotFound('appointmentNotFound');
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
  trx: DbTransaction,
  tenantId: string,
  appointment: { package_purchase_id: string | null; service_id: string },
): Promise<void> {
  await trx
    .updateTable('package_purchases')
    .set({
      sessions_used: sql`sessions_used - 1`,
      status: sql`case when status = 'COMPLETED' then 'ACTIVE' else status end`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', appointment.package_purchase_id!)
    .execute();
  await trx
    .updateTable('purchase_services')
    .set((eb) => ({ sessions_used: eb('sessions_used', '-', 1) }))
    .where('tenant_id', '=', tenantId)
    .where('purchase_id', '=', appointment.package_purchase_id!)
    .where('service_id', '=', appointment.service_id)
    .execute();
}
