import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRef } from '../../../src/db/appointments.js';
import { bookAppointment } from '../../../src/services/appointments.js';
import {
  auditRows,
  fieldErrors,
  formFields,
  openSignedInAdmin,
  type AdminFixture,
} from '../../support/admin.js';
import { html, type TestClient } from '../../support/client.js';
import {
  createClinic,
  createGroupSession,
  createPackage,
  createPatient,
  createProvider,
  createPurchase,
  createService,
} from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';

let database: TestDatabase, fixture: AdminFixture, admin: TestClient;
let tenant: TenantRef;
let clinic: { id: string }, service: { id: string }, provider: { id: string };
let elsewhere: { id: string };

const LIST = '/admin/group-sessions';
/** Wednesday 2 December 2026, 10:00 in Riyadh (the clock reads 25 November). */
const DAY = '2026-12-02';
const TEN = new Date('2026-12-02T07:00:00Z');

/** Every day 08:00–16:00. */
async function workEveryDay(providerId: string) {
  await database.db
    .insertInto('provider_schedules')
    .values(
      [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        tenant_id: fixture.tenant.id,
        provider_id: providerId,
        weekday,
        start_time: '08:00:00',
        end_time: '16:00:00',
      })),
    )
    .execute();
}

beforeAll(async () => {
  ({ database, fixture, admin } = await openSignedInAdmin());
  const { db } = database;
  tenant = { id: fixture.tenant.id, timezone: 'Asia/Riyadh', cancellationWindowHours: 24 };
  clinic = await createClinic(db, fixture.tenant.id, { name_en: 'Group Clinic' });
  service = await createService(db, fixture.tenant.id, clinic.id, {
    name_en: 'Social Skills Group',
    name_ar: 'مجموعة المهارات الاجتماعية',
    default_duration_minutes: 60,
  });
  provider = await createProvider(db, fixture.tenant.id, [clinic.id], { name_en: 'Dr. Group' });
  await workEveryDay(provider.id);
  const otherClinic = await createClinic(db, fixture.tenant.id);
  elsewhere = await createProvider(db, fixture.tenant.id, [otherClinic.id]);
  await workEveryDay(elsewhere.id);
});
afterAll(() => database.close());

const sessionsAt = (startsAt: Date) =>
  database.db
    .selectFrom('group_sessions')
    .selectAll()
    .where('tenant_id', '=', fixture.tenant.id)
    .where('starts_at', '=', startsAt)
    .execute();

function newSession(startsAt: Date, capacity = 6) {
  return createGroupSession(
    database.db,
    { tenant: fixture.tenant, clinic, service, provider },
    {
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 3_600_000),
      capacity,
    },
  );
}

/** A patient joining the session through the booking desk's code, on a package or not. */
async function join(groupSessionId: string, purchaseId: string | null = null) {
  const patient = purchaseId
    ? (
        await database.db
          .selectFrom('package_purchases')
          .select('patient_id as id')
          .where('id', '=', purchaseId)
          .executeTakeFirstOrThrow()
      ).id
    : (await createPatient(database.db, fixture.tenant.id)).id;
  const booking = await bookAppointment(
    database.db,
    tenant,
    { id: fixture.users.FRONT_DESK.id, ip: null },
    {
      patientId: patient,
      type: 'group',
      clinicId: clinic.id,
      providerId: null,
      serviceId: null,
      purchaseId,
      groupSessionId,
      start: null,
      durationMinutes: 60,
      idempotencyKey: null,
    },
    fixture.clock.now(),
  );
  return booking.appointment.id;
}

async function packagePurchase(sessions = 10) {
  const pkg = await createPackage(database.db, fixture.tenant.id, [
    { serviceId: service.id, sessions },
  ]);
  const patient = await createPatient(database.db, fixture.tenant.id);
  return createPurchase(database.db, pkg, patient.id, fixture.users.ADMIN.id, {
    purchase_date: '2026-11-25',
    expiry_date: '2027-02-23',
  });
}

const purchaseCounts = (id: string) =>
  database.db
    .selectFrom('package_purchases')
    .select(['sessions_used', 'status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const messagesOf = (appointmentIds: string[], kind: string) =>
  database.db
    .selectFrom('messages')
    .select(['appointment_id', 'channel'])
    .where('appointment_id', 'in', appointmentIds)
    .where('kind', '=', kind as 'cancelled')
    .execute();

describe('planning a group session', () => {
  it('is linked from the admin nav and lists nothing at first', async () => {
    const response = await admin.request(LIST);
    expect(response.status).toBe(200);
    const page = html(await response.text());
    expect(page.querySelector('#nav-group-sessions')?.getAttribute('aria-current')).toBe('page');
    expect(page.querySelector('#admin-group-sessions .empty')?.text).toBe(
      'No group session is planned.',
    );
  });

  it('creates one from the service, provider, day, time and capacity, once when sent twice', async () => {
    const form = await formFields(admin, `${LIST}/new`, 'group-session-form');
    expect(form.capacity).toBe('6');
    const submitted = {
      ...form,
      service_id: service.id,
      provider_id: provider.id,
      date: DAY,
      time: '10:00',
      capacity: '4',
    };
    for (let i = 0; i < 2; i++) {
      const response = await admin.request(LIST, { form: submitted });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(LIST);
    }
    const rows = await sessionsAt(TEN);
    expect(rows).toMatchObject([
      {
        clinic_id: clinic.id,
        service_id: service.id,
        provider_id: provider.id,
        ends_at: new Date('2026-12-02T08:00:00Z'), // the service's hour
        capacity: 4,
        status: 'SCHEDULED',
      },
    ]);
    const [audit] = await auditRows(database.db, fixture.tenant.id, 'group_session.create');
    expect(audit).toMatchObject({ entity: 'group_session', entity_id: rows[0]!.id });

    const list = html(await (await admin.request(LIST)).text());
    const row = list.querySelector(`#group-session-${rows[0]!.id}`);
    expect(row?.text).toContain('10:00–11:00');
    expect(row?.text).toContain('Social Skills Group');
    expect(row?.text).toContain('Dr. Group');
    expect(row?.text).toContain('Group Clinic');
    expect(row?.text).toContain('0 of 4');

    const arabic = await fixture.signIn('ADMIN', 'ar');
    const arabicRow = html(await (await arabic.request(LIST)).text()).querySelector(
      `#group-session-${rows[0]!.id}`,
    );
    expect(arabicRow?.text).toContain('مجموعة المهارات الاجتماعية');
    expect(arabicRow?.text).toContain('0 من 4');
  });

  it('refuses a busy or closed time, a provider of another clinic and a bad capacity, field by field', async () => {
    const form = await formFields(admin, `${LIST}/new`, 'group-session-form');
    const base = { ...form, service_id: service.id, provider_id: provider.id, date: DAY };
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ time: '10:30' }, { time: expect.stringContaining('The provider is not free then') }],
      [{ time: '07:00' }, { time: expect.stringContaining('The provider is not free then') }],
      [
        { time: '11:00', provider_id: elsewhere.id },
        { provider_id: expect.stringContaining('works in the service') },
      ],
      [{ time: '11:00', date: '2026-11-20' }, { time: 'Choose a time that has not passed yet.' }],
      [
        { time: '25:00', capacity: '0', date: '2026-02-30' },
        {
          time: 'Enter a time such as 16:00.',
          capacity: 'Enter a whole number from 1 to 100.',
          date: 'Enter a date as YYYY-MM-DD.',
        },
      ],
      [
        { time: '11:00', capacity: '101', service_id: '' },
        {
          capacity: 'Enter a whole number from 1 to 100.',
          service_id: 'Choose one of the services.',
        },
      ],
    ];
    for (const [fields, errors] of cases) {
      const response = await admin.request(LIST, { form: { ...base, ...fields } });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(fieldErrors(html(await response.text()))).toEqual(errors);
    }
    expect(await sessionsAt(new Date('2026-12-02T08:00:00Z'))).toHaveLength(0);
  });

  it("narrows the providers to the service's clinic; another tenant's service is not found", async () => {
    const response = await admin.request(`${LIST}/providers?service_id=${service.id}`, {
      htmx: true,
    });
    expect(response.status).toBe(200);
    const options = html(await response.text())
      .querySelectorAll('#group-provider-field option')
      .map((option) => option.getAttribute('value'));
    expect(options).toEqual(['', provider.id]);
    const theirs = await createService(database.db, fixture.other.id, fixture.otherClinic.id);
    const other = await admin.request(`${LIST}/providers?service_id=${theirs.id}`, { htmx: true });
    expect(other.status).toBe(404);
    expect((await admin.request(`${LIST}/providers?service_id=x`, { htmx: true })).status).toBe(
      400,
    );
  });
});

describe('changing a group session', () => {
  it('moves it with its patients, whose package sessions are renumbered and who are told', async () => {
    const session = await newSession(new Date('2026-12-03T07:00:00Z'));
    const purchase = await packagePurchase();
    const seat = await join(session.id, purchase.id);
    const path = `${LIST}/${session.id}`;
    const form = await formFields(admin, `${path}/edit`, 'group-session-form');
    expect(form).toMatchObject({ provider_id: provider.id, date: '2026-12-03', time: '10:00' });
    const response = await admin.request(path, { form: { ...form, time: '13:00', capacity: '8' } });
    expect(response.status).toBe(303);
    const moved = await database.db
      .selectFrom('appointments')
      .select(['starts_at', 'ends_at', 'session_number_in_package', 'status'])
      .where('id', '=', seat)
      .executeTakeFirstOrThrow();
    expect(moved).toMatchObject({
      starts_at: new Date('2026-12-03T10:00:00Z'),
      ends_at: new Date('2026-12-03T11:00:00Z'),
      session_number_in_package: 1,
      status: 'BOOKED',
    });
    expect(await messagesOf([seat], 'rescheduled')).toHaveLength(1);
    const [audit] = await auditRows(database.db, fixture.tenant.id, 'group_session.update');
    expect(audit!.before).toMatchObject({ capacity: 6 });
    expect(audit!.after).toMatchObject({ capacity: 8, starts_at: '2026-12-03T10:00:00.000Z' });
  });

  it('never lowers the capacity below the patients booked (422 with the field)', async () => {
    const session = await newSession(new Date('2026-12-04T07:00:00Z'), 3);
    await join(session.id);
    await join(session.id);
    const path = `${LIST}/${session.id}`;
    const form = await formFields(admin, `${path}/edit`, 'group-session-form');
    const response = await admin.request(path, { form: { ...form, capacity: '1' } });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(fieldErrors(page)).toEqual({
      capacity: 'The capacity cannot be lower than the number of patients already booked.',
    });
    expect(page.querySelector('#capacity-help')?.text).toContain('2 patients already booked');
    const row = await database.db
      .selectFrom('group_sessions')
      .select('capacity')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.capacity).toBe(3);
    expect((await admin.request(path, { form: { ...form, capacity: '2' } })).status).toBe(303);
  });

  it("refuses a move onto the provider's other group session", async () => {
    const first = await newSession(new Date('2026-12-05T07:00:00Z'));
    const second = await newSession(new Date('2026-12-05T09:00:00Z'));
    const path = `${LIST}/${second.id}`;
    const form = await formFields(admin, `${path}/edit`, 'group-session-form');
    const response = await admin.request(path, { form: { ...form, time: '10:30' } });
    expect(response.status).toBe(422);
    expect(Object.keys(fieldErrors(html(await response.text())))).toEqual(['time']);
    expect(first.id).not.toBe(second.id);
  });
});

describe('cancelling a group session', () => {
  it('cancels its appointments, returns their package sessions and tells each patient, once', async () => {
    const session = await newSession(new Date('2026-12-06T07:00:00Z'));
    const purchase = await packagePurchase(1);
    const onPackage = await join(session.id, purchase.id);
    const single = await join(session.id);
    expect(await purchaseCounts(purchase.id)).toEqual({ sessions_used: 1, status: 'COMPLETED' });

    const page = html(await (await admin.request(`${LIST}/${session.id}/cancel`)).text());
    expect(page.querySelector('#cancel-group-session-effects')?.text).toContain(
      '2 booked patients',
    );
    expect(page.querySelector('#cancel-group-session-effects')?.text).toContain(
      '1 package sessions',
    );
    const empty = await admin.request(`${LIST}/${session.id}/cancel`, { form: { reason: ' ' } });
    expect(empty.status).toBe(422);
    expect(fieldErrors(html(await empty.text()))).toEqual({ reason: 'Please fill in this field.' });

    for (let i = 0; i < 2; i++) {
      const response = await admin.request(`${LIST}/${session.id}/cancel`, {
        form: { reason: 'Provider ill' },
      });
      expect(response.status).toBe(303);
    }
    const group = await database.db
      .selectFrom('group_sessions')
      .select(['status', 'seats_taken'])
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(group).toEqual({ status: 'CANCELLED', seats_taken: 0 });
    const appointments = await database.db
      .selectFrom('appointments')
      .select(['status', 'status_reason'])
      .where('id', 'in', [onPackage, single])
      .execute();
    expect(appointments).toEqual([
      { status: 'CANCELLED', status_reason: 'Provider ill' },
      { status: 'CANCELLED', status_reason: 'Provider ill' },
    ]);
    expect(await purchaseCounts(purchase.id)).toEqual({ sessions_used: 0, status: 'ACTIVE' });
    const services = await database.db
      .selectFrom('purchase_services')
      .select('sessions_used')
      .where('purchase_id', '=', purchase.id)
      .execute();
    expect(services).toEqual([{ sessions_used: 0 }]);
    const told = await messagesOf([onPackage, single], 'cancelled');
    expect(told.map((m) => m.appointment_id).sort()).toEqual([onPackage, single].sort());
    const audits = await auditRows(database.db, fixture.tenant.id, 'group_session.cancel');
    expect(audits).toHaveLength(1);
    expect(audits[0]!.after).toMatchObject({
      reason: 'Provider ill',
      sessions_returned: 1,
      appointments_cancelled: expect.arrayContaining([onPackage, single]),
    });

    const list = html(await (await admin.request(LIST)).text());
    expect(list.querySelector(`#group-session-${session.id} .badge`)?.text).toBe('Cancelled');
    expect((await admin.request(`${LIST}/${session.id}/edit`)).status).toBe(409);
  });
});

describe('who may and which ids', () => {
  it("answers 404 for another tenant's session and 400 for a malformed id", async () => {
    const theirs = await createGroupSession(database.db, {
      tenant: fixture.other,
      clinic: fixture.otherClinic,
      service: await createService(database.db, fixture.other.id, fixture.otherClinic.id),
      provider: await createProvider(database.db, fixture.other.id, [fixture.otherClinic.id]),
    });
    const form = { provider_id: provider.id, date: DAY, time: '12:00', capacity: '5' };
    expect((await admin.request(`${LIST}/${theirs.id}/edit`)).status).toBe(404);
    expect((await admin.request(`${LIST}/${theirs.id}`, { form })).status).toBe(404);
    expect((await admin.request(`${LIST}/${theirs.id}/cancel`)).status).toBe(404);
    expect(
      (await admin.request(`${LIST}/${theirs.id}/cancel`, { form: { reason: 'x' } })).status,
    ).toBe(404);
    for (const path of [`${LIST}/123/edit`, `${LIST}/123/cancel`]) {
      expect((await admin.request(path)).status).toBe(400);
    }
    expect((await admin.request(`${LIST}/123`, { form })).status).toBe(400);
    const unchanged = await database.db
      .selectFrom('group_sessions')
      .select(['status', 'capacity'])
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ status: 'SCHEDULED', capacity: 6 });
  });

  it('is for administrators only', async () => {
    const session = await newSession(new Date('2026-12-07T07:00:00Z'));
    for (const role of ['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
      const client = await fixture.signIn(role);
      for (const path of [
        LIST,
        `${LIST}/new`,
        `${LIST}/providers?service_id=${service.id}`,
        `${LIST}/${session.id}/edit`,
        `${LIST}/${session.id}/cancel`,
      ]) {
        expect((await client.request(path)).status, `${role} ${path}`).toBe(403);
      }
      const form = { provider_id: provider.id, date: DAY, time: '12:00', capacity: '5' };
      expect((await client.request(`${LIST}/${session.id}`, { form })).status).toBe(403);
      expect(
        (await client.request(`${LIST}/${session.id}/cancel`, { form: { reason: 'x' } })).status,
      ).toBe(403);
      expect(
        (await client.request(LIST, { form: { ...form, service_id: service.id } })).status,
      ).toBe(403);
    }
    const row = await database.db
      .selectFrom('group_sessions')
      .select('status')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('SCHEDULED');
  });
});
