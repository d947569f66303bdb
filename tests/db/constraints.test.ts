import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { conflictFromDatabaseError } from '../../src/db/errors.js';
import type { AppointmentStatus } from '../../src/db/schema.js';
import {
  type Catalogue,
  createAppointment,
  createCatalogue,
  createClinic,
  createGroupSession,
  createPackage,
  createPatient,
  createProvider,
  createPurchase,
  createService,
  createTenant,
  createUser,
} from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * Every invariant the schema promises (SPEC §3), one bad row each, with the SQLSTATE and the
 * constraint that refuses it, plus the good row next to it where that shows the boundary.
 * Runs on PGlite by default and on real PostgreSQL when TEST_DATABASE_URL is set.
 */

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});

afterAll(async () => {
  await testDb?.close();
});

const FOREIGN_KEY = '23503';
const UNIQUE = '23505';
const CHECK = '23514';
const EXCLUSION = '23P01';

/**
 * Awaits a statement that must fail, then checks its SQLSTATE and (when given) the constraint.
 * pg's DatabaseError and PGlite's error both carry `constraint`; the message is the fallback.
 */
async function expectPgError(
  statement: Promise<unknown>,
  code: string,
  constraint?: string,
): Promise<unknown> {
  const error = await statement.then(
    () => {
      throw new Error(`expected PostgreSQL error ${code} ${constraint ?? ''}, but it succeeded`);
    },
    (caught: unknown) => caught as { code?: unknown; constraint?: unknown; message?: unknown },
  );
  expect(error.code, String(error.message)).toBe(code);
  if (constraint === undefined) return error;
  if (typeof error.constraint === 'string') expect(error.constraint).toBe(constraint);
  else expect(String(error.message)).toContain(`"${constraint}"`);
  return error;
}

/** A fixed day in the future, so no test depends on the clock: at('09:30') is 09:30 UTC. */
function at(time: string): Date {
  return new Date(`2030-03-04T${time}:00Z`);
}

function sessionId(): string {
  return randomBytes(32).toString('hex');
}

/** A package of `sessions` sessions of the catalogue's service, bought by its patient. */
async function purchaseFor(
  c: Catalogue,
  sessions = 10,
  values: Parameters<typeof createPurchase>[4] = {},
) {
  const pkg = await createPackage(db, c.tenant.id, [{ serviceId: c.service.id, sessions }]);
  return createPurchase(db, pkg, c.patient.id, c.user.id, values);
}

describe('composite tenant foreign keys: no row points into another tenant', () => {
  it('rejects a service of another tenant’s clinic, accepts one of its own', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createService(db, a.tenant.id, b.clinic.id),
      FOREIGN_KEY,
      'services_tenant_id_clinic_id_fkey',
    );
    const own = await createService(db, a.tenant.id, a.clinic.id);
    expect(own.clinic_id).toBe(a.clinic.id);
  });

  it('rejects an appointment of another tenant’s patient', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, { ...a, patient: b.patient }),
      FOREIGN_KEY,
      'appointments_tenant_id_patient_id_fkey',
    );
  });

  it('rejects an appointment with another tenant’s provider', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, { ...a, provider: b.provider }),
      FOREIGN_KEY,
      'appointments_tenant_id_provider_id_fkey',
    );
  });

  it('rejects an appointment booked by a user of another tenant', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, { ...a, user: b.user }),
      FOREIGN_KEY,
      'appointments_tenant_id_booked_by_fkey',
    );
  });

  it('rejects an appointment on another tenant’s purchase', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    const theirs = await purchaseFor(b);
    await expectPgError(
      createAppointment(db, a, {
        kind: 'PACKAGE',
        package_purchase_id: theirs.id,
        session_number_in_package: 1,
      }),
      FOREIGN_KEY,
      'appointments_purchase_patient_fkey',
    );
  });

  it('rejects a purchase for another tenant’s patient', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    const pkg = await createPackage(db, a.tenant.id, [{ serviceId: a.service.id, sessions: 5 }]);
    await expectPgError(
      createPurchase(db, pkg, b.patient.id, a.user.id),
      FOREIGN_KEY,
      'package_purchases_tenant_id_patient_id_fkey',
    );
  });

  it('rejects a purchase assigned by a user of another tenant', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    const pkg = await createPackage(db, a.tenant.id, [{ serviceId: a.service.id, sessions: 5 }]);
    await expectPgError(
      createPurchase(db, pkg, a.patient.id, b.user.id),
      FOREIGN_KEY,
      'package_purchases_tenant_id_assigned_by_fkey',
    );
  });

  it('rejects a package listing another tenant’s service', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createPackage(db, a.tenant.id, [{ serviceId: b.service.id, sessions: 5 }]),
      FOREIGN_KEY,
      'package_services_tenant_id_service_id_fkey',
    );
  });

  it('rejects a provider working at another tenant’s clinic', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createProvider(db, a.tenant.id, [b.clinic.id]),
      FOREIGN_KEY,
      'provider_clinics_tenant_id_clinic_id_fkey',
    );
  });

  it('rejects a provider linked to another tenant’s user', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createProvider(db, a.tenant.id, [], { user_id: b.user.id }),
      FOREIGN_KEY,
      'providers_tenant_id_user_id_fkey',
    );
  });

  it('rejects a group session with another tenant’s provider', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      createGroupSession(db, { ...a, provider: b.provider }),
      FOREIGN_KEY,
      'group_sessions_tenant_id_provider_id_fkey',
    );
  });

  it('rejects a session for a user of another tenant', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    const session = (userId: string) =>
      db
        .insertInto('sessions')
        .values({
          id: sessionId(),
          tenant_id: a.tenant.id,
          user_id: userId,
          csrf_token: 'csrf',
          expires_at: at('12:00'),
        })
        .execute();
    await expectPgError(session(b.user.id), FOREIGN_KEY, 'sessions_tenant_id_user_id_fkey');
    await expect(session(a.user.id)).resolves.toBeDefined();
  });

  it('rejects an audit entry by a user of another tenant', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    await expectPgError(
      db
        .insertInto('audit_log')
        .values({
          tenant_id: a.tenant.id,
          actor_id: b.user.id,
          action: 'test',
          entity: 'patient',
          before: null,
          after: JSON.stringify({ ok: true }),
        })
        .execute(),
      FOREIGN_KEY,
      'audit_log_tenant_id_actor_id_fkey',
    );
  });
});

describe('package_purchases', () => {
  it('rejects sessions_used below 0', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      purchaseFor(c, 10, { sessions_used: -1 }),
      CHECK,
      'package_purchases_sessions_used_range',
    );
  });

  it('rejects sessions_used above total_sessions, accepts it equal', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      purchaseFor(c, 10, { sessions_used: 11 }),
      CHECK,
      'package_purchases_sessions_used_range',
    );
    const full = await purchaseFor(c, 10, { sessions_used: 10 });
    expect([full.sessions_used, full.total_sessions]).toEqual([10, 10]);
  });

  it('rejects using one session too many by an update (409 no_sessions_left)', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c, 2, { sessions_used: 2 });
    const error = await expectPgError(
      db
        .updateTable('package_purchases')
        .set((eb) => ({ sessions_used: eb('sessions_used', '+', 1) }))
        .where('tenant_id', '=', c.tenant.id)
        .where('id', '=', purchase.id)
        .execute(),
      CHECK,
      'package_purchases_sessions_used_range',
    );
    expect(conflictFromDatabaseError(error)?.code).toBe('no_sessions_left');
  });

  it('rejects zero total_sessions', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      purchaseFor(c, 10, { total_sessions: 0 }),
      CHECK,
      'package_purchases_total_sessions_check',
    );
  });

  it('rejects an expiry before the purchase date, accepts the same day', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      purchaseFor(c, 10, { purchase_date: '2030-03-04', expiry_date: '2030-03-03' }),
      CHECK,
      'package_purchases_check',
    );
    const sameDay = await purchaseFor(c, 10, {
      purchase_date: '2030-03-04',
      expiry_date: '2030-03-04',
    });
    expect(sameDay.expiry_date).toBe('2030-03-04');
  });

  it('rejects an unknown status', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      // @ts-expect-error: not a PurchaseStatus, on purpose
      purchaseFor(c, 10, { status: 'PAUSED' }),
      CHECK,
      'package_purchases_status_check',
    );
  });

  it('rejects a repeated idempotency key in one tenant (a double click)', async () => {
    const c = await createCatalogue(db);
    const key = randomUUID();
    await purchaseFor(c, 10, { idempotency_key: key });
    await expectPgError(
      purchaseFor(c, 10, { idempotency_key: key }),
      UNIQUE,
      'package_purchases_idempotency_key',
    );
  });

  it('accepts the same idempotency key in another tenant', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    const key = randomUUID();
    await purchaseFor(a, 10, { idempotency_key: key });
    const theirs = await purchaseFor(b, 10, { idempotency_key: key });
    expect(theirs.idempotency_key).toBe(key);
  });

  it('accepts any number of purchases without a key (the same package, on purpose)', async () => {
    const c = await createCatalogue(db);
    const pkg = await createPackage(db, c.tenant.id, [{ serviceId: c.service.id, sessions: 4 }]);
    for (let i = 0; i < 3; i++) await createPurchase(db, pkg, c.patient.id, c.user.id);
    const { count } = await db
      .selectFrom('package_purchases')
      .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('count'))
      .where('tenant_id', '=', c.tenant.id)
      .where('package_id', '=', pkg.id)
      .where('idempotency_key', 'is', null)
      .executeTakeFirstOrThrow();
    expect(count).toBe(3);
  });
});

describe('purchase_services', () => {
  async function allotment(sessions: number, sessionsUsed: number) {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c, 10);
    const second = await createService(db, c.tenant.id, c.clinic.id);
    return db
      .insertInto('purchase_services')
      .values({
        tenant_id: c.tenant.id,
        purchase_id: purchase.id,
        service_id: second.id,
        sessions,
        sessions_used: sessionsUsed,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  it('copies the package’s allotments when a purchase is made', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c, 8);
    expect(purchase.services).toMatchObject([
      { service_id: c.service.id, sessions: 8, sessions_used: 0 },
    ]);
  });

  it('rejects sessions_used above the allotment, accepts it equal', async () => {
    await expectPgError(allotment(4, 5), CHECK, 'purchase_services_sessions_used_range');
    expect((await allotment(4, 4)).sessions_used).toBe(4);
  });

  it('rejects sessions_used below 0', async () => {
    await expectPgError(allotment(4, -1), CHECK, 'purchase_services_sessions_used_range');
  });

  it('rejects an allotment of 0 sessions', async () => {
    await expectPgError(allotment(0, 0), CHECK, 'purchase_services_sessions_check');
  });
});

describe('appointments: no overlapping live appointments', () => {
  it('rejects an overlapping appointment of the same provider (409 slot_taken)', async () => {
    const c = await createCatalogue(db);
    const otherPatient = await createPatient(db, c.tenant.id);
    await createAppointment(db, c, { starts_at: at('09:00'), ends_at: at('09:45') });
    const error = await expectPgError(
      createAppointment(
        db,
        { ...c, patient: otherPatient },
        { starts_at: at('09:30'), ends_at: at('10:15') },
      ),
      EXCLUSION,
      'appointments_provider_no_overlap',
    );
    expect(conflictFromDatabaseError(error)).toMatchObject({ status: 409, code: 'slot_taken' });
  });

  it('accepts adjacent appointments (one ends when the next starts)', async () => {
    const c = await createCatalogue(db);
    const otherPatient = await createPatient(db, c.tenant.id);
    await createAppointment(db, c, { starts_at: at('09:00'), ends_at: at('09:45') });
    const next = await createAppointment(
      db,
      { ...c, patient: otherPatient },
      { starts_at: at('09:45'), ends_at: at('10:30') },
    );
    expect(next.starts_at).toEqual(at('09:45'));
  });

  it('accepts the same slot with another provider for another patient', async () => {
    const c = await createCatalogue(db);
    const otherProvider = await createProvider(db, c.tenant.id, [c.clinic.id]);
    const otherPatient = await createPatient(db, c.tenant.id);
    await createAppointment(db, c, { starts_at: at('09:00') });
    const parallel = await createAppointment(
      db,
      { ...c, provider: otherProvider, patient: otherPatient },
      { starts_at: at('09:00') },
    );
    expect(parallel.provider_id).toBe(otherProvider.id);
  });

  const holding: AppointmentStatus[] = ['BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED'];
  const notHolding: AppointmentStatus[] = ['CANCELLED', 'LATE_CANCELLED', 'NO_SHOW'];

  it.each(holding)('a %s appointment holds its slot', async (status) => {
    const c = await createCatalogue(db);
    const otherPatient = await createPatient(db, c.tenant.id);
    await createAppointment(db, c, { starts_at: at('09:00'), status });
    await expectPgError(
      createAppointment(db, { ...c, patient: otherPatient }, { starts_at: at('09:00') }),
      EXCLUSION,
      'appointments_provider_no_overlap',
    );
  });

  it.each(notHolding)('a %s appointment does not block its slot', async (status) => {
    const c = await createCatalogue(db);
    const otherPatient = await createPatient(db, c.tenant.id);
    await createAppointment(db, c, { starts_at: at('09:00'), status });
    const rebooked = await createAppointment(
      db,
      { ...c, patient: otherPatient },
      { starts_at: at('09:00') },
    );
    expect(rebooked.status).toBe('BOOKED');
  });

  it('rejects a patient in two overlapping appointments with two providers (409 patient_overlap)', async () => {
    const c = await createCatalogue(db);
    const otherProvider = await createProvider(db, c.tenant.id, [c.clinic.id]);
    await createAppointment(db, c, { starts_at: at('09:00'), ends_at: at('09:45') });
    const error = await expectPgError(
      createAppointment(
        db,
        { ...c, provider: otherProvider },
        { starts_at: at('09:15'), ends_at: at('10:00') },
      ),
      EXCLUSION,
      'appointments_patient_no_overlap',
    );
    expect(conflictFromDatabaseError(error)).toMatchObject({
      status: 409,
      code: 'patient_overlap',
    });
  });

  it('accepts two patients in one group session, same provider and time', async () => {
    const c = await createCatalogue(db);
    const group = await createGroupSession(db, c, { starts_at: at('11:00'), capacity: 4 });
    const join = (patient: { id: string }) =>
      createAppointment(
        db,
        { ...c, patient },
        {
          kind: 'GROUP',
          group_session_id: group.id,
          starts_at: group.starts_at,
          ends_at: group.ends_at,
        },
      );
    const first = await join(c.patient);
    const second = await join(await createPatient(db, c.tenant.id));
    expect([first.provider_id, second.provider_id]).toEqual([c.provider.id, c.provider.id]);
    expect(second.starts_at).toEqual(first.starts_at);
  });

  it('rejects a patient in two overlapping group sessions', async () => {
    const c = await createCatalogue(db);
    const otherProvider = await createProvider(db, c.tenant.id, [c.clinic.id]);
    const morning = await createGroupSession(db, c, { starts_at: at('11:00') });
    const overlapping = await createGroupSession(
      db,
      { ...c, provider: otherProvider },
      { starts_at: at('11:30') },
    );
    const join = (group: typeof morning) =>
      createAppointment(
        db,
        { ...c, provider: { id: group.provider_id } },
        {
          kind: 'GROUP',
          group_session_id: group.id,
          starts_at: group.starts_at,
          ends_at: group.ends_at,
        },
      );
    await join(morning);
    await expectPgError(join(overlapping), EXCLUSION, 'appointments_patient_no_overlap');
  });
});

describe('appointments: package sessions', () => {
  function bookSession(
    c: Catalogue,
    purchaseId: string,
    number: number,
    startsAt: Date,
    status: AppointmentStatus = 'BOOKED',
  ) {
    return createAppointment(db, c, {
      kind: 'PACKAGE',
      package_purchase_id: purchaseId,
      session_number_in_package: number,
      starts_at: startsAt,
      status,
    });
  }

  it('rejects a second live appointment with the same session number', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    await bookSession(c, purchase.id, 1, at('09:00'));
    await expectPgError(
      bookSession(c, purchase.id, 1, at('10:00')),
      EXCLUSION,
      'appointments_purchase_session_number_key',
    );
    const second = await bookSession(c, purchase.id, 2, at('10:00'));
    expect(second.session_number_in_package).toBe(2);
  });

  it('lets one statement swap two live session numbers (checked at its end)', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    const first = await bookSession(c, purchase.id, 1, at('09:00'));
    const second = await bookSession(c, purchase.id, 2, at('10:00'));
    await sql`
      update appointments set session_number_in_package = 3 - session_number_in_package
      where id in (${first.id}, ${second.id})`.execute(db);
    const numbers = await db
      .selectFrom('appointments')
      .select(['id', 'session_number_in_package'])
      .where('package_purchase_id', '=', purchase.id)
      .orderBy('starts_at')
      .execute();
    expect(numbers).toEqual([
      { id: first.id, session_number_in_package: 2 },
      { id: second.id, session_number_in_package: 1 },
    ]);
  });

  it('frees the number of a CANCELLED appointment for reuse', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    await bookSession(c, purchase.id, 1, at('09:00'), 'CANCELLED');
    await bookSession(c, purchase.id, 1, at('09:50'), 'CANCELLED');
    const rebooked = await bookSession(c, purchase.id, 1, at('10:40'));
    expect(rebooked.session_number_in_package).toBe(1);
  });

  it.each(['LATE_CANCELLED', 'NO_SHOW'] as const)(
    'keeps the number of a %s appointment (the session is consumed)',
    async (status) => {
      const c = await createCatalogue(db);
      const purchase = await purchaseFor(c);
      await bookSession(c, purchase.id, 1, at('09:00'), status);
      await expectPgError(
        bookSession(c, purchase.id, 1, at('10:00')),
        EXCLUSION,
        'appointments_purchase_session_number_key',
      );
    },
  );

  it('accepts the same session number on two purchases', async () => {
    const c = await createCatalogue(db);
    const first = await purchaseFor(c);
    const second = await purchaseFor(c);
    await bookSession(c, first.id, 1, at('09:00'));
    const other = await bookSession(c, second.id, 1, at('10:00'));
    expect(other.package_purchase_id).toBe(second.id);
  });

  it('rejects a purchase without a session number', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    await expectPgError(
      createAppointment(db, c, { kind: 'PACKAGE', package_purchase_id: purchase.id }),
      CHECK,
      'appointments_package_session_pair',
    );
  });

  it('rejects a session number without a purchase', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, c, { kind: 'SINGLE', session_number_in_package: 1 }),
      CHECK,
      'appointments_package_session_pair',
    );
  });

  it('rejects session number 0', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    await expectPgError(
      bookSession(c, purchase.id, 0, at('09:00')),
      CHECK,
      'appointments_session_number_in_package_check',
    );
  });
});

describe('appointments: kind, links and other checks', () => {
  it('rejects a PACKAGE appointment without a purchase', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, c, { kind: 'PACKAGE' }),
      CHECK,
      'appointments_kind_links',
    );
  });

  it("rejects a PACKAGE appointment on another patient's purchase", async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    const otherPatient = await createPatient(db, c.tenant.id);
    await expectPgError(
      createAppointment(
        db,
        { ...c, patient: otherPatient },
        { kind: 'PACKAGE', package_purchase_id: purchase.id, session_number_in_package: 1 },
      ),
      FOREIGN_KEY,
      'appointments_purchase_patient_fkey',
    );
  });

  it('rejects a SINGLE appointment linked to a purchase', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    await expectPgError(
      createAppointment(db, c, {
        kind: 'SINGLE',
        package_purchase_id: purchase.id,
        session_number_in_package: 1,
      }),
      CHECK,
      'appointments_kind_links',
    );
  });

  it('rejects a GROUP appointment without a group session', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, c, { kind: 'GROUP' }),
      CHECK,
      'appointments_kind_links',
    );
  });

  it('rejects a SINGLE or PACKAGE appointment linked to a group session', async () => {
    const c = await createCatalogue(db);
    const group = await createGroupSession(db, c, { starts_at: at('11:00') });
    const purchase = await purchaseFor(c);
    await expectPgError(
      createAppointment(db, c, { kind: 'SINGLE', group_session_id: group.id }),
      CHECK,
      'appointments_kind_links',
    );
    await expectPgError(
      createAppointment(db, c, {
        kind: 'PACKAGE',
        group_session_id: group.id,
        package_purchase_id: purchase.id,
        session_number_in_package: 1,
      }),
      CHECK,
      'appointments_kind_links',
    );
  });

  it('accepts a GROUP appointment that consumes a package session', async () => {
    const c = await createCatalogue(db);
    const group = await createGroupSession(db, c, { starts_at: at('11:00') });
    const purchase = await purchaseFor(c);
    const joined = await createAppointment(db, c, {
      kind: 'GROUP',
      group_session_id: group.id,
      package_purchase_id: purchase.id,
      session_number_in_package: 1,
      starts_at: group.starts_at,
      ends_at: group.ends_at,
    });
    expect(joined.kind).toBe('GROUP');
  });

  it('rejects an unknown kind', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      // @ts-expect-error: not an AppointmentKind, on purpose
      createAppointment(db, c, { kind: 'HOME_VISIT' }),
      CHECK,
      'appointments_kind_check',
    );
  });

  it('rejects an appointment ending when or before it starts', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createAppointment(db, c, { starts_at: at('09:00'), ends_at: at('09:00') }),
      CHECK,
      'appointments_check',
    );
    await expectPgError(
      createAppointment(db, c, { starts_at: at('09:00'), ends_at: at('08:15') }),
      CHECK,
      'appointments_check',
    );
  });

  it('rejects an unknown status', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      // @ts-expect-error: not an AppointmentStatus, on purpose
      createAppointment(db, c, { status: 'PENDING' }),
      CHECK,
      'appointments_status_check',
    );
  });

  it('rejects a repeated idempotency key in one tenant, accepts it in another', async () => {
    const a = await createCatalogue(db);
    const b = await createCatalogue(db);
    const key = randomUUID();
    await createAppointment(db, a, { starts_at: at('09:00'), idempotency_key: key });
    await expectPgError(
      createAppointment(db, a, { starts_at: at('14:00'), idempotency_key: key }),
      UNIQUE,
      'appointments_idempotency_key',
    );
    const theirs = await createAppointment(db, b, { starts_at: at('09:00'), idempotency_key: key });
    expect(theirs.idempotency_key).toBe(key);
  });

  it('accepts many appointments without an idempotency key', async () => {
    const c = await createCatalogue(db);
    await createAppointment(db, c, { starts_at: at('09:00') });
    const second = await createAppointment(db, c, { starts_at: at('10:00') });
    expect(second.idempotency_key).toBeNull();
  });
});

describe('rules across tables (migration 2026-11-30T10-20_appointment_guards)', () => {
  /** A group appointment of `patient` in `group`, as the booking code writes it. */
  function join(
    c: Catalogue,
    group: { id: string; starts_at: Date; ends_at: Date },
    patient = c.patient,
  ) {
    return createAppointment(
      db,
      { ...c, patient },
      {
        kind: 'GROUP',
        group_session_id: group.id,
        starts_at: group.starts_at,
        ends_at: group.ends_at,
      },
    );
  }

  async function seatsOf(groupId: string) {
    const row = await db
      .selectFrom('group_sessions')
      .select('seats_taken')
      .where('id', '=', groupId)
      .executeTakeFirstOrThrow();
    return row.seats_taken;
  }

  it('rejects a single appointment over its provider’s group session (409 provider_overlap)', async () => {
    const c = await createCatalogue(db);
    await createGroupSession(db, c, { starts_at: at('11:00'), ends_at: at('12:00') });
    const error = await expectPgError(
      createAppointment(db, c, { starts_at: at('11:30') }),
      EXCLUSION,
      'appointments_group_session_overlap',
    );
    expect(conflictFromDatabaseError(error)).toMatchObject({
      status: 409,
      code: 'provider_overlap',
    });
    const after = await createAppointment(db, c, { starts_at: at('12:00') });
    expect(after.starts_at).toEqual(at('12:00'));
  });

  it('rejects a package appointment, or a move, onto its provider’s group session', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c);
    await createGroupSession(db, c, { starts_at: at('11:00'), ends_at: at('12:00') });
    await expectPgError(
      createAppointment(db, c, {
        kind: 'PACKAGE',
        package_purchase_id: purchase.id,
        session_number_in_package: 1,
        starts_at: at('10:30'),
      }),
      EXCLUSION,
      'appointments_group_session_overlap',
    );
    const early = await createAppointment(db, c, { starts_at: at('09:00') });
    await expectPgError(
      db
        .updateTable('appointments')
        .set({ starts_at: at('11:15'), ends_at: at('12:00') })
        .where('id', '=', early.id)
        .execute(),
      EXCLUSION,
      'appointments_group_session_overlap',
    );
  });

  it('rejects a group session over a booked appointment of its provider, not a cancelled one', async () => {
    const c = await createCatalogue(db);
    await createAppointment(db, c, { starts_at: at('09:00'), ends_at: at('09:45') });
    const error = await expectPgError(
      createGroupSession(db, c, { starts_at: at('09:30'), ends_at: at('10:30') }),
      EXCLUSION,
      'group_sessions_appointment_overlap',
    );
    expect(conflictFromDatabaseError(error)?.code).toBe('provider_overlap');
    await createAppointment(db, c, { starts_at: at('14:00'), status: 'CANCELLED' });
    const group = await createGroupSession(db, c, { starts_at: at('14:00') });
    expect(group.status).toBe('SCHEDULED');
  });

  it('rejects a group appointment with another provider or time than its session (409 group_session_mismatch)', async () => {
    const c = await createCatalogue(db);
    const other = await createProvider(db, c.tenant.id, [c.clinic.id]);
    const group = await createGroupSession(db, c, { starts_at: at('11:00') });
    const values = { kind: 'GROUP' as const, group_session_id: group.id };
    const error = await expectPgError(
      createAppointment(
        db,
        { ...c, provider: other },
        { ...values, starts_at: group.starts_at, ends_at: group.ends_at },
      ),
      FOREIGN_KEY,
      'appointments_group_session_place_fkey',
    );
    expect(conflictFromDatabaseError(error)).toMatchObject({
      status: 409,
      code: 'group_session_mismatch',
    });
    await expectPgError(
      createAppointment(db, c, { ...values, starts_at: at('11:15'), ends_at: group.ends_at }),
      FOREIGN_KEY,
      'appointments_group_session_place_fkey',
    );
  });

  it('moves a group session’s appointments with it', async () => {
    const c = await createCatalogue(db);
    const group = await createGroupSession(db, c, { starts_at: at('11:00'), ends_at: at('12:00') });
    const joined = await join(c, group);
    await db
      .updateTable('group_sessions')
      .set({ starts_at: at('15:00'), ends_at: at('16:00') })
      .where('id', '=', group.id)
      .execute();
    const moved = await db
      .selectFrom('appointments')
      .select(['starts_at', 'ends_at'])
      .where('id', '=', joined.id)
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ starts_at: at('15:00'), ends_at: at('16:00') });
  });

  it('rejects a session number beyond the purchase’s total (409 no_sessions_left), accepts the last', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c, 2);
    const book = (number: number, time: string) =>
      createAppointment(db, c, {
        kind: 'PACKAGE',
        package_purchase_id: purchase.id,
        session_number_in_package: number,
        starts_at: at(time),
      });
    const error = await expectPgError(book(3, '09:00'), CHECK, 'appointments_session_number_range');
    expect(conflictFromDatabaseError(error)?.code).toBe('no_sessions_left');
    expect((await book(2, '09:00')).session_number_in_package).toBe(2);
  });

  it('rejects lowering a purchase’s total below a booked session number', async () => {
    const c = await createCatalogue(db);
    const purchase = await purchaseFor(c, 4);
    await createAppointment(db, c, {
      kind: 'PACKAGE',
      package_purchase_id: purchase.id,
      session_number_in_package: 3,
      starts_at: at('09:00'),
    });
    const lower = (total: number) =>
      db
        .updateTable('package_purchases')
        .set({ total_sessions: total })
        .where('id', '=', purchase.id)
        .execute();
    const error = await expectPgError(lower(2), CHECK, 'package_purchases_total_covers_sessions');
    expect(conflictFromDatabaseError(error)?.code).toBe('sessions_booked_beyond_total');
    await lower(3);
  });

  it('counts a group session’s live appointments as its seats taken', async () => {
    const c = await createCatalogue(db);
    const group = await createGroupSession(db, c, { starts_at: at('11:00'), capacity: 4 });
    const patients = [
      c.patient,
      ...(await Promise.all([1, 2, 3].map(() => createPatient(db, c.tenant.id)))),
    ];
    const [first, second, third, fourth] = await Promise.all(
      patients.map((p) => join(c, group, p)),
    );
    expect(await seatsOf(group.id)).toBe(4);
    const setStatus = (id: string, status: AppointmentStatus) =>
      db.updateTable('appointments').set({ status }).where('id', '=', id).execute();
    await setStatus(first!.id, 'CANCELLED');
    await setStatus(second!.id, 'LATE_CANCELLED');
    await setStatus(third!.id, 'NO_SHOW');
    expect(await seatsOf(group.id)).toBe(2);
    await db.deleteFrom('appointments').where('id', '=', fourth!.id).execute();
    expect(await seatsOf(group.id)).toBe(1);
  });

  it('rejects a join past the capacity (409 group_session_full)', async () => {
    const c = await createCatalogue(db);
    const group = await createGroupSession(db, c, { starts_at: at('11:00'), capacity: 1 });
    await join(c, group);
    const error = await expectPgError(
      join(c, group, await createPatient(db, c.tenant.id)),
      CHECK,
      'group_sessions_seats_range',
    );
    expect(conflictFromDatabaseError(error)?.code).toBe('group_session_full');
  });

  it('rejects writing any other seat count (409 group_seats_mismatch)', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createGroupSession(db, c, { starts_at: at('09:00'), seats_taken: 1 }),
      CHECK,
      'group_sessions_seats_taken_live',
    );
    const group = await createGroupSession(db, c, { starts_at: at('11:00') });
    await join(c, group);
    const error = await expectPgError(
      db.updateTable('group_sessions').set({ seats_taken: 0 }).where('id', '=', group.id).execute(),
      CHECK,
      'group_sessions_seats_taken_live',
    );
    expect(conflictFromDatabaseError(error)?.code).toBe('group_seats_mismatch');
  });
});

describe('group_sessions', () => {
  it('rejects a negative seat count and a capacity of 0', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createGroupSession(db, c, { seats_taken: -1 }),
      CHECK,
      'group_sessions_seats_range',
    );
    await expectPgError(
      createGroupSession(db, c, { capacity: 0 }),
      CHECK,
      'group_sessions_capacity_check',
    );
  });

  it('rejects a session ending when it starts', async () => {
    const c = await createCatalogue(db);
    await expectPgError(
      createGroupSession(db, c, { starts_at: at('09:00'), ends_at: at('09:00') }),
      CHECK,
      'group_sessions_check',
    );
  });

  it('rejects overlapping sessions of one provider, accepts adjacent ones', async () => {
    const c = await createCatalogue(db);
    await createGroupSession(db, c, { starts_at: at('09:00'), ends_at: at('10:00') });
    await expectPgError(
      createGroupSession(db, c, { starts_at: at('09:59'), ends_at: at('11:00') }),
      EXCLUSION,
      'group_sessions_provider_no_overlap',
    );
    const next = await createGroupSession(db, c, { starts_at: at('10:00'), ends_at: at('11:00') });
    expect(next.starts_at).toEqual(at('10:00'));
  });

  it('lets a CANCELLED session free its slot', async () => {
    const c = await createCatalogue(db);
    await createGroupSession(db, c, { starts_at: at('09:00'), status: 'CANCELLED' });
    const replacement = await createGroupSession(db, c, { starts_at: at('09:00') });
    expect(replacement.status).toBe('SCHEDULED');
  });
});

describe('provider_schedules', () => {
  function schedule(
    providerId: string,
    tenantId: string,
    weekday: number,
    from: string,
    to: string,
  ) {
    return db
      .insertInto('provider_schedules')
      .values({
        tenant_id: tenantId,
        provider_id: providerId,
        weekday,
        start_time: from,
        end_time: to,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  it('rejects overlapping hours on the same weekday, accepts adjacent ones', async () => {
    const { tenant, provider } = await createCatalogue(db);
    await schedule(provider.id, tenant.id, 1, '09:00', '13:00');
    await expectPgError(
      schedule(provider.id, tenant.id, 1, '12:00', '16:00'),
      EXCLUSION,
      'provider_schedules_no_overlap',
    );
    const afternoon = await schedule(provider.id, tenant.id, 1, '13:00', '17:00');
    expect(afternoon.start_time).toBe('13:00:00');
  });

  it('accepts the same hours on another weekday and for another provider', async () => {
    const { tenant, clinic, provider } = await createCatalogue(db);
    const colleague = await createProvider(db, tenant.id, [clinic.id]);
    await schedule(provider.id, tenant.id, 1, '09:00', '13:00');
    const tuesday = await schedule(provider.id, tenant.id, 2, '09:00', '13:00');
    const theirs = await schedule(colleague.id, tenant.id, 1, '09:00', '13:00');
    expect([tuesday.weekday, theirs.weekday]).toEqual([2, 1]);
  });

  it('rejects a start at or after the end', async () => {
    const { tenant, provider } = await createCatalogue(db);
    await expectPgError(
      schedule(provider.id, tenant.id, 3, '13:00', '13:00'),
      CHECK,
      'provider_schedules_check',
    );
    await expectPgError(
      schedule(provider.id, tenant.id, 3, '14:00', '09:00'),
      CHECK,
      'provider_schedules_check',
    );
  });

  it('accepts weekdays 0 (Sunday) to 6, rejects 7 and -1', async () => {
    const { tenant, provider } = await createCatalogue(db);
    await expectPgError(
      schedule(provider.id, tenant.id, 7, '09:00', '13:00'),
      CHECK,
      'provider_schedules_weekday_check',
    );
    await expectPgError(
      schedule(provider.id, tenant.id, -1, '09:00', '13:00'),
      CHECK,
      'provider_schedules_weekday_check',
    );
    await schedule(provider.id, tenant.id, 0, '09:00', '13:00');
    await schedule(provider.id, tenant.id, 6, '09:00', '13:00');
  });

  it('rejects time off ending when it starts', async () => {
    const { tenant, provider } = await createCatalogue(db);
    await expectPgError(
      db
        .insertInto('provider_time_off')
        .values({
          tenant_id: tenant.id,
          provider_id: provider.id,
          starts_at: at('09:00'),
          ends_at: at('09:00'),
        })
        .execute(),
      CHECK,
      'provider_time_off_check',
    );
  });
});

describe('users', () => {
  it('rejects an email already used, in the same or another tenant', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const email = `${randomUUID()}@test.example`;
    await createUser(db, a.id, { email });
    await expectPgError(createUser(db, a.id, { email }), UNIQUE, 'users_email_key');
    await expectPgError(createUser(db, b.id, { email }), UNIQUE, 'users_email_key');
  });

  it.each([
    ['upper case', 'Front.Desk@Test.Example'],
    ['surrounding spaces', ' desk@test.example'],
    ['no @', 'desk.test.example'],
  ])('rejects an email with %s', async (_why, email) => {
    const tenant = await createTenant(db);
    await expectPgError(createUser(db, tenant.id, { email }), CHECK, 'users_email_check');
  });

  it('rejects an unknown role', async () => {
    const tenant = await createTenant(db);
    await expectPgError(
      // @ts-expect-error: not a Role, on purpose
      createUser(db, tenant.id, { role: 'OWNER' }),
      CHECK,
      'users_role_check',
    );
  });

  it('rejects an unknown locale, accepts ar', async () => {
    const tenant = await createTenant(db);
    await expectPgError(
      // @ts-expect-error: not a Locale, on purpose
      createUser(db, tenant.id, { locale: 'fr' }),
      CHECK,
      'users_locale_check',
    );
    expect((await createUser(db, tenant.id, { locale: 'ar' })).locale).toBe('ar');
  });

  it('rejects a session id that is not a SHA-256 hex digest', async () => {
    const { tenant, user } = await createCatalogue(db);
    await expectPgError(
      db
        .insertInto('sessions')
        .values({
          id: 'raw-cookie-token',
          tenant_id: tenant.id,
          user_id: user.id,
          csrf_token: 'csrf',
          expires_at: at('12:00'),
        })
        .execute(),
      CHECK,
      'sessions_id_check',
    );
  });
});

describe('tenants', () => {
  it.each(['sar', 'S1R', 'SA'])('rejects the currency %j', async (currency) => {
    await expectPgError(createTenant(db, { currency }), CHECK, 'tenants_currency_check');
  });

  it('accepts an ISO currency code', async () => {
    expect((await createTenant(db, { currency: 'USD' })).currency).toBe('USD');
  });

  it('rejects a cancellation window outside 0..720 hours, defaults to 24', async () => {
    await expectPgError(
      createTenant(db, { cancellation_window_hours: 721 }),
      CHECK,
      'tenants_cancellation_window_hours_check',
    );
    await expectPgError(
      createTenant(db, { cancellation_window_hours: -1 }),
      CHECK,
      'tenants_cancellation_window_hours_check',
    );
    expect((await createTenant(db)).cancellation_window_hours).toBe(24);
  });

  it('rejects a blank name', async () => {
    await expectPgError(createTenant(db, { name: '  ' }), CHECK, 'tenants_name_check');
  });
});

describe('catalogue and patients', () => {
  it('rejects a duplicate MRN in one tenant, accepts it in another', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const mrn = `MRN-${randomUUID()}`;
    await createPatient(db, a.id, { mrn });
    await expectPgError(createPatient(db, a.id, { mrn }), UNIQUE, 'patients_tenant_id_mrn_key');
    expect((await createPatient(db, b.id, { mrn })).mrn).toBe(mrn);
  });

  it('rejects a service duration outside 5..480 minutes and a negative price', async () => {
    const { tenant, clinic } = await createCatalogue(db);
    await expectPgError(
      createService(db, tenant.id, clinic.id, { default_duration_minutes: 4 }),
      CHECK,
      'services_default_duration_minutes_check',
    );
    await expectPgError(
      createService(db, tenant.id, clinic.id, { price: '-0.01' }),
      CHECK,
      'services_price_check',
    );
  });

  it('rejects a package valid for 0 days or listing a service with 0 sessions', async () => {
    const { tenant, service } = await createCatalogue(db);
    await expectPgError(
      createPackage(db, tenant.id, [], { validity_days: 0 }),
      CHECK,
      'packages_validity_days_check',
    );
    await expectPgError(
      createPackage(db, tenant.id, [{ serviceId: service.id, sessions: 0 }]),
      CHECK,
      'package_services_sessions_check',
    );
  });

  it('rejects a user linked to two providers', async () => {
    const { tenant, user } = await createCatalogue(db);
    await createProvider(db, tenant.id, [], { user_id: user.id });
    await expectPgError(
      createProvider(db, tenant.id, [], { user_id: user.id }),
      UNIQUE,
      'providers_user_key',
    );
  });

  it('rejects a clinic listed twice for one provider', async () => {
    const { tenant, clinic } = await createCatalogue(db);
    await expectPgError(
      createProvider(db, tenant.id, [clinic.id, clinic.id]),
      UNIQUE,
      'provider_clinics_pkey',
    );
  });

  it('rejects a blank clinic name', async () => {
    const { tenant } = await createCatalogue(db);
    await expectPgError(
      createClinic(db, tenant.id, { name_en: ' ' }),
      CHECK,
      'clinics_name_en_check',
    );
  });
});

describe('column types read back the same on both drivers', () => {
  it('keeps money as numeric(12,2): 5000.5 reads back as the string 5000.50', async () => {
    const { tenant } = await createCatalogue(db);
    const pkg = await createPackage(db, tenant.id, [], { price: 5000.5 });
    const read = await db
      .selectFrom('packages')
      .select('price')
      .where('tenant_id', '=', tenant.id)
      .where('id', '=', pkg.id)
      .executeTakeFirstOrThrow();
    expect(read.price).toBe('5000.50');
  });

  it('rounds money to cents and refuses amounts beyond 12 digits', async () => {
    const { tenant } = await createCatalogue(db);
    expect((await createPackage(db, tenant.id, [], { price: '0.005' })).price).toBe('0.01');
    expect((await createPackage(db, tenant.id, [], { price: '9999999999.99' })).price).toBe(
      '9999999999.99',
    );
    await expectPgError(createPackage(db, tenant.id, [], { price: '10000000000' }), '22003');
  });

  it(`reads a date column as 'YYYY-MM-DD' (TZ=${process.env.TZ ?? 'unset'})`, async () => {
    const c = await createCatalogue(db);
    const patient = await createPatient(db, c.tenant.id, { date_of_birth: '2026-01-30' });
    const read = await db
      .selectFrom('patients')
      .select('date_of_birth')
      .where('tenant_id', '=', c.tenant.id)
      .where('id', '=', patient.id)
      .executeTakeFirstOrThrow();
    expect(read.date_of_birth).toBe('2026-01-30');

    const purchase = await purchaseFor(c, 10, {
      purchase_date: '2026-01-01',
      expiry_date: '2026-12-31',
    });
    expect([purchase.purchase_date, purchase.expiry_date]).toEqual(['2026-01-01', '2026-12-31']);

    const { rows } = await sql<{ day: unknown }>`select date '2026-01-30' as day`.execute(db);
    expect(rows[0]?.day).toBe('2026-01-30');
  });

  it('reads timestamptz as the same instant, whatever the process time zone', async () => {
    const c = await createCatalogue(db);
    const appointment = await createAppointment(db, c, { starts_at: '2030-03-04T09:00:00Z' });
    expect(appointment.starts_at).toBeInstanceOf(Date);
    expect(appointment.starts_at.toISOString()).toBe('2030-03-04T09:00:00.000Z');
    expect(appointment.ends_at.toISOString()).toBe('2030-03-04T09:45:00.000Z');
  });
});
