import { sql } from 'kysely';
import { localDate } from '../domain/dates.js';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors.js';
import type { Slot } from '../domain/slots.js';
import { publishChange, type ChangeEvent } from '../events/bus.js';
import { lockCalendars } from './appointment-moves.js';
import type { TenantRef } from './appointments.js';
import { recordAudit, type Actor } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { submitOnce } from './form-submissions.js';
import { returnSessions } from './package-operations.js';
import { listProvidersForClinic, type ProviderOption } from './providers.js';
import { purchaseStatus } from './purchases.js';
import { freeSlotAt, placeColumns } from './schedule.js';
import { findNewSessionNumbers, renumberSessions } from './session-numbers.js';

export interface GroupSessionOption {
  id: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  seats_taken: number;
  service_en: string;
  service_ar: string;
  provider_en: string;
  provider_ar: string;
}

/** Upcoming group sessions of a clinic (and service) that still have a seat. */
export function listOpenGroupSessions(
  db: Database,
  tenantId: string,
  filter: { clinicId: string; serviceId: string | null },
  now: Date,
): Promise<GroupSessionOption[]> {
  let query = db
    .selectFrom('group_sessions')
    .innerJoin('services', (join) =>
      join
        .onRef('services.tenant_id', '=', 'group_sessions.tenant_id')
        .onRef('services.id', '=', 'group_sessions.service_id'),
    )
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'group_sessions.tenant_id')
        .onRef('providers.id', '=', 'group_sessions.provider_id'),
    )
    .select([
      'group_sessions.id',
      'group_sessions.starts_at',
      'group_sessions.ends_at',
      'group_sessions.capacity',
      'group_sessions.seats_taken',
      'services.name_en as service_en',
      'services.name_ar as service_ar',
      'providers.name_en as provider_en',
      'providers.name_ar as provider_ar',
    ])
    .where('group_sessions.tenant_id', '=', tenantId)
    .where('group_sessions.clinic_id', '=', filter.clinicId)
    .where('group_sessions.status', '=', 'SCHEDULED')
    .where('group_sessions.starts_at', '>', now)
    .whereRef('group_sessions.seats_taken', '<', 'group_sessions.capacity');
  if (filter.serviceId) query = query.where('group_sessions.service_id', '=', filter.serviceId);
  return query.orderBy('group_sessions.starts_at').limit(50).execute();
}

/* ------------------------------------------------------------------ administration -- */

export interface AdminGroupSession {
  id: string;
  clinic_id: string;
  service_id: string;
  provider_id: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  seats_taken: number;
  status: 'SCHEDULED' | 'CANCELLED';
  service_en: string;
  service_ar: string;
  provider_en: string;
  provider_ar: string;
  clinic_en: string;
  clinic_ar: string;
  /** Live seats paid with a package: sessions a cancellation gives back. */
  package_seats: number;
}

function adminGroupSessions(db: Database, tenantId: string) {
  return db
    .selectFrom('group_sessions as g')
    .innerJoin('services as s', (join) =>
      join.onRef('s.tenant_id', '=', 'g.tenant_id').onRef('s.id', '=', 'g.service_id'),
    )
    .innerJoin('providers as p', (join) =>
      join.onRef('p.tenant_id', '=', 'g.tenant_id').onRef('p.id', '=', 'g.provider_id'),
    )
    .innerJoin('clinics as c', (join) =>
      join.onRef('c.tenant_id', '=', 'g.tenant_id').onRef('c.id', '=', 'g.clinic_id'),
    )
    .select([
      'g.id',
      'g.clinic_id',
      'g.service_id',
      'g.provider_id',
      'g.starts_at',
      'g.ends_at',
      'g.capacity',
      'g.seats_taken',
      'g.status',
      's.name_en as service_en',
      's.name_ar as service_ar',
      'p.name_en as provider_en',
      'p.name_ar as provider_ar',
      'c.name_en as clinic_en',
      'c.name_ar as clinic_ar',
      sql<number>`(
        select count(*)::int from appointments a
        where a.tenant_id = g.tenant_id and a.group_session_id = g.id
          and a.status not in ('CANCELLED', 'LATE_CANCELLED') and a.package_purchase_id is not null
      )`.as('package_seats'),
    ])
    .where('g.tenant_id', '=', tenantId);
}

/** Group sessions not over yet (cancelled ones too, marked), soonest first. */
export function listUpcomingGroupSessions(
  db: Database,
  tenantId: string,
  now: Date,
): Promise<AdminGroupSession[]> {
  return adminGroupSessions(db, tenantId)
    .where('g.ends_at', '>', now)
    .orderBy('g.starts_at')
    .orderBy('g.id')
    .limit(200)
    .execute();
}

export function findAdminGroupSession(
  db: Database,
  tenantId: string,
  id: string,
): Promise<AdminGroupSession | undefined> {
  return adminGroupSessions(db, tenantId).where('g.id', '=', id).executeTakeFirst();
}

export interface NewGroupSession {
  serviceId: string;
  providerId: string;
  start: Date;
  capacity: number;
}

export type GroupSessionChange = Omit<NewGroupSession, 'serviceId'>;

/**
 * The provider's place at `start` for `durationMinutes`, checked as a booking's is (a provider of
 * the clinic, inside the weekly hours, nothing in the way: time off, appointments, other group
 * sessions), refused as field errors of the form.
 */
async function checkGroupPlace(
  trx: DbTransaction,
  tenant: TenantRef,
  place: {
    clinicId: string;
    providerId: string;
    start: Date;
    durationMinutes: number;
    movingGroupSession?: string;
  },
  now: Date,
): Promise<Slot> {
  if (place.start.getTime() <= now.getTime()) {
    throw new ValidationFailed({ time: 'groupSessionInPast' });
  }
  const date = localDate(tenant.timezone, place.start);
  const facts = await trx
    .selectNoFrom(
      placeColumns(
        trx,
        tenant,
        {
          clinicId: place.clinicId,
          providerId: place.providerId,
          patientId: null,
          movingGroupSession: place.movingGroupSession,
        },
        date,
      ),
    )
    .executeTakeFirstOrThrow();
  try {
    return freeSlotAt(tenant, facts, { date, ...place }, now);
  } catch (error) {
    if (error instanceof NotFound) {
      throw new ValidationFailed({ provider_id: 'providerNotInServiceClinic' });
    }
    if (error instanceof Conflict) throw new ValidationFailed({ time: 'groupSessionTimeNotFree' });
    throw error;
  }
}

function groupSessionChange(
  tenant: TenantRef,
  session: { provider_id: string; starts_at: Date },
): ChangeEvent {
  return {
    tenant: tenant.id,
    kind: 'group_session.changed',
    provider: session.provider_id,
    date: localDate(tenant.timezone, session.starts_at),
    patient: null,
    purchase: null,
  };
}

/**
 * A new group session (once per form token): the service's clinic and length, the provider free
 * then, the capacity (1–100, the table's check). Audited, published live.
 */
export async function createGroupSession(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: Actor,
  formToken: string,
  values: NewGroupSession,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const form = { tenantId: tenant.id, token: formToken, entity: 'group_session' };
  return submitOnce(trx, form, async () => {
    const service = await trx
      .selectFrom('services')
      .select(['id', 'clinic_id', 'default_duration_minutes'])
      .where('tenant_id', '=', tenant.id)
      .where('id', '=', values.serviceId)
      .executeTakeFirst();
    if (!service) throw new ValidationFailed({ service_id: 'serviceChoiceInvalid' });
    await lockCalendars(trx, tenant.id, { patientIds: [], providerIds: [values.providerId] });
    const slot = await checkGroupPlace(
      trx,
      tenant,
      {
        clinicId: service.clinic_id,
        providerId: values.providerId,
        start: values.start,
        durationMinutes: service.default_duration_minutes,
      },
      now,
    );
    const created = await trx
      .insertInto('group_sessions')
      .values({
        tenant_id: tenant.id,
        clinic_id: service.clinic_id,
        service_id: service.id,
        provider_id: values.providerId,
        starts_at: slot.start,
        ends_at: slot.end,
        capacity: values.capacity,
      })
      .returning(['id', 'provider_id', 'starts_at', 'ends_at', 'capacity', 'clinic_id'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId: tenant.id,
      actorId: actor.id,
      ip: actor.ip,
      action: 'group_session.create',
      entity: 'group_session',
      entityId: created.id,
      after: { ...created, service_id: service.id },
    });
    await publishChange(trx, groupSessionChange(tenant, created));
    return created.id;
  });
}

/** The session's live seats (every appointment not cancelled), with their purchases' expiry. */
function liveSeats(trx: DbTransaction, tenantId: string, groupSessionId: string) {
  return trx
    .selectFrom('appointments as a')
    .leftJoin('package_purchases as pp', (join) =>
      join.onRef('pp.tenant_id', '=', 'a.tenant_id').onRef('pp.id', '=', 'a.package_purchase_id'),
    )
    .select([
      'a.id',
      'a.patient_id',
      'a.service_id',
      'a.status',
      'a.package_purchase_id',
      'pp.expiry_date',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.group_session_id', '=', groupSessionId)
    .where('a.status', 'not in', ['CANCELLED', 'LATE_CANCELLED'])
    .orderBy('a.id')
    .execute();
}

type LiveSeat = Awaited<ReturnType<typeof liveSeats>>[number];

/**
 * The session and the calendars its change touches, locked in the bookings' order (patients'
 * and providers' calendars, then the session's row): a join or a booking of one of its
 * patients queues behind the change, never in a circle with it. The session must still be
 * to come.
 */
async function lockForChange(
  trx: DbTransaction,
  tenant: TenantRef,
  groupSessionId: string,
  newProviderId: string | null,
  now: Date,
) {
  const current = await trx
    .selectFrom('group_sessions')
    .select('provider_id')
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', groupSessionId)
    .executeTakeFirst();
  if (!current) throw new NotFound('groupSessionNotFound');
  const seats = await liveSeats(trx, tenant.id, groupSessionId);
  await lockCalendars(trx, tenant.id, {
    patientIds: seats.map((seat) => seat.patient_id),
    providerIds: [current.provider_id, ...(newProviderId ? [newProviderId] : [])],
  });
  const before = await trx
    .selectFrom('group_sessions')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', groupSessionId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (before.status === 'CANCELLED') return { before, seats: [] };
  if (before.starts_at.getTime() <= now.getTime()) throw new Conflict('groupSessionStarted');
  // Read again under the lock: a join may have committed meanwhile.
  return { before, seats: await liveSeats(trx, tenant.id, groupSessionId) };
}

/** The seats' patients free at the new time, and their packages valid on its day. */
async function checkSeatsFollow(
  trx: DbTransaction,
  tenant: TenantRef,
  groupSessionId: string,
  seats: LiveSeat[],
  slot: Slot,
) {
  const date = localDate(tenant.timezone, slot.start);
  if (seats.some((seat) => seat.expiry_date !== null && seat.expiry_date < date)) {
    throw new ValidationFailed({ date: 'groupSessionAfterPackageExpiry' });
  }
  if (seats.length === 0) return;
  const busy = await trx
    .selectFrom('appointments')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where(
      'patient_id',
      'in',
      seats.map((seat) => seat.patient_id),
    )
    .where('status', 'in', ['BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED'])
    .where((eb) =>
      eb.or([eb('group_session_id', 'is', null), eb('group_session_id', '<>', groupSessionId)]),
    )
    .where('starts_at', '<', slot.end)
    .where('ends_at', '>', slot.start)
    .limit(1)
    .executeTakeFirst();
  if (busy) throw new ValidationFailed({ time: 'groupSessionPatientsBusy' });
}

/**
 * A session to come moved (time, provider) or resized, as a move of its appointments would
 * be: the provider free then, its patients too and their packages still valid; never below
 * the seats taken. Its appointments follow it (the foreign key cascades); the packages'
 * sessions are renumbered in date order. Answers the appointments that moved.
 */
export async function updateGroupSession(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: Actor,
  groupSessionId: string,
  change: GroupSessionChange,
  now: Date,
): Promise<{ moved: string[] }> {
  const { before, seats } = await lockForChange(
    trx,
    tenant,
    groupSessionId,
    change.providerId,
    now,
  );
  if (before.status === 'CANCELLED') throw new Conflict('groupSessionCancelled');
  if (change.capacity < before.seats_taken) {
    throw new ValidationFailed({ capacity: 'capacityBelowBooked' });
  }
  const moves =
    change.providerId !== before.provider_id ||
    change.start.getTime() !== before.starts_at.getTime();
  const slot = moves
    ? await checkGroupPlace(
        trx,
        tenant,
        {
          clinicId: before.clinic_id,
          providerId: change.providerId,
          start: change.start,
          durationMinutes: (before.ends_at.getTime() - before.starts_at.getTime()) / 60_000,
          movingGroupSession: before.id,
        },
        now,
      )
    : { start: before.starts_at, end: before.ends_at };
  if (moves) await checkSeatsFollow(trx, tenant, before.id, seats, slot);
  await trx
    .updateTable('group_sessions')
    .set({
      provider_id: change.providerId,
      starts_at: slot.start,
      ends_at: slot.end,
      capacity: change.capacity,
    })
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', before.id)
    .execute();
  const fields = ['provider_id', 'starts_at', 'ends_at', 'capacity'] as const;
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    ip: actor.ip,
    action: 'group_session.update',
    entity: 'group_session',
    entityId: before.id,
    before: Object.fromEntries(fields.map((field) => [field, before[field]])),
    after: {
      provider_id: change.providerId,
      starts_at: slot.start,
      ends_at: slot.end,
      capacity: change.capacity,
    },
  });
  if (!moves) return { moved: [] };
  for (const purchaseId of new Set(seats.map((seat) => seat.package_purchase_id))) {
    if (purchaseId) await renumberSessions(trx, tenant.id, purchaseId, now);
  }
  const after = { provider_id: change.providerId, starts_at: slot.start };
  await publishChange(trx, groupSessionChange(tenant, before));
  await publishChange(trx, groupSessionChange(tenant, after));
  for (const seat of seats) {
    for (const day of [before, after]) {
      await publishChange(trx, {
        ...groupSessionChange(tenant, day),
        kind: 'appointment.moved',
        patient: seat.patient_id,
        purchase: seat.package_purchase_id,
      });
    }
  }
  return { moved: seats.map((seat) => seat.id) };
}

/**
 * A session to come cancelled with its reason, and every appointment in it: the package
 * sessions they used go back to their purchases (the centre cancelled, so none is forfeited)
 * and the purchases' later sessions are renumbered. A session cancelled already answers
 * `alreadyCancelled` and changes nothing (a second click of the same form).
 */
export async function cancelGroupSession(
  trx: DbTransaction,
  tenant: TenantRef,
  actor: Actor,
  groupSessionId: string,
  reason: string,
  now: Date,
): Promise<{ cancelled: string[]; sessionsReturned: number; alreadyCancelled: boolean }> {
  const { before, seats } = await lockForChange(trx, tenant, groupSessionId, null, now);
  if (before.status === 'CANCELLED') {
    return { cancelled: [], sessionsReturned: 0, alreadyCancelled: true };
  }
  if (seats.length > 0) {
    await trx
      .updateTable('appointments')
      .set({ status: 'CANCELLED', status_reason: reason, updated_at: now })
      .where('tenant_id', '=', tenant.id)
      .where(
        'id',
        'in',
        seats.map((seat) => seat.id),
      )
      .execute();
  }
  const byPurchase = new Map<string, string[]>();
  for (const seat of seats) {
    if (!seat.package_purchase_id) continue;
    const services = byPurchase.get(seat.package_purchase_id) ?? [];
    byPurchase.set(seat.package_purchase_id, [...services, seat.service_id]);
  }
  for (const [purchaseId, serviceIds] of byPurchase) {
    await returnSessions(trx, tenant.id, purchaseId, serviceIds);
    await renumberSessions(trx, tenant.id, purchaseId, now);
  }
  await trx
    .updateTable('group_sessions')
    .set({ status: 'CANCELLED' })
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', before.id)
    .execute();
  const sessionsReturned = seats.filter((seat) => seat.package_purchase_id).length;
  await recordAudit(trx, {
    tenantId: tenant.id,
    actorId: actor.id,
    ip: actor.ip,
    action: 'group_session.cancel',
    entity: 'group_session',
    entityId: before.id,
    before: { status: before.status, seats_taken: before.seats_taken },
    after: {
      status: 'CANCELLED',
      reason,
      appointments_cancelled: seats.map((seat) => seat.id),
      sessions_returned: sessionsReturned,
    },
  });
  await publishChange(trx, groupSessionChange(tenant, before));
  for (const seat of seats) {
    await publishChange(trx, {
      ...groupSessionChange(tenant, before),
      kind: 'appointment.cancelled',
      patient: seat.patient_id,
      purchase: seat.package_purchase_id,
    });
  }
  return { cancelled: seats.map((seat) => seat.id), sessionsReturned, alreadyCancelled: false };
}

/* ---------------------------------------------------------- a seat paid by a package -- */

export interface GroupSeatPackage {
  id: string;
  name_en: string;
  name_ar: string;
  total_sessions: number;
  sessions_used: number;
  expiry_date: string;
  /** "session N of M": the number the seat would take, in date order. */
  session_number: number | null;
}

/**
 * The patient's purchases that can pay for a seat of the group session, earliest expiry first
 * (the one to suggest): active on its day, a session of its service left. Booking checks it
 * all again under its locks (db/appointments.ts).
 */
export async function packagesForGroupSeat(
  db: Database,
  tenant: { id: string; timezone: string },
  ids: { patientId: string; groupSessionId: string },
  now: Date,
): Promise<GroupSeatPackage[]> {
  const session = await db
    .selectFrom('group_sessions')
    .select(['service_id', 'starts_at'])
    .where('tenant_id', '=', tenant.id)
    .where('id', '=', ids.groupSessionId)
    .executeTakeFirst();
  if (!session) throw new NotFound('groupSessionNotFound');
  const purchases = await db
    .selectFrom('package_purchases')
    .innerJoin('purchase_services as ps', (join) =>
      join
        .onRef('ps.tenant_id', '=', 'package_purchases.tenant_id')
        .onRef('ps.purchase_id', '=', 'package_purchases.id'),
    )
    .select([
      'package_purchases.id',
      'package_purchases.name_en',
      'package_purchases.name_ar',
      'package_purchases.total_sessions',
      'package_purchases.sessions_used',
      'package_purchases.expiry_date',
    ])
    .where('package_purchases.tenant_id', '=', tenant.id)
    .where('package_purchases.patient_id', '=', ids.patientId)
    .where(sql<boolean>`${purchaseStatus(localDate(tenant.timezone, now))} = 'ACTIVE'`)
    .where('package_purchases.expiry_date', '>=', localDate(tenant.timezone, session.starts_at))
    .whereRef('package_purchases.sessions_used', '<', 'package_purchases.total_sessions')
    .where('ps.service_id', '=', session.service_id)
    .whereRef('ps.sessions_used', '<', 'ps.sessions')
    .orderBy('package_purchases.expiry_date')
    .orderBy('package_purchases.created_at')
    .execute();
  const at = { from: session.starts_at, to: session.starts_at };
  return Promise.all(
    purchases.map(async (purchase) => {
      const found = await findNewSessionNumbers(db, tenant.id, purchase.id, at, now);
      return { ...purchase, session_number: found?.numbers.first ?? null };
    }),
  );
}

/**
 * Who can lead a session of the service: its clinic's active providers (undefined when the
 * service is not the tenant's); every active provider until a service is chosen.
 */
export async function providersForService(
  db: Database,
  tenantId: string,
  serviceId: string | null,
): Promise<ProviderOption[] | undefined> {
  if (!serviceId) {
    return db
      .selectFrom('providers')
      .select(['id', 'name_en', 'name_ar'])
      .where('tenant_id', '=', tenantId)
      .where('active', '=', true)
      .orderBy('name_en')
      .execute();
  }
  const service = await db
    .selectFrom('services')
    .select('clinic_id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', serviceId)
    .executeTakeFirst();
  return service && listProvidersForClinic(db, tenantId, service.clinic_id);
}
