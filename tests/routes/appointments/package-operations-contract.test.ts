import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/dates.js';
import { createTestApp, TestClock } from '../../support/app.js';
import { TestClient } from '../../support/client.js';
import { openCourseDesk, type CourseDesk } from '../../support/courses.js';
import { DEMO_NOW, type DemoFixture } from '../../support/demo.js';
import { createPatient, createUser, TEST_PASSWORD } from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';

/**
 * SPEC §7's JSON endpoints of issue 18 (series, reschedule one and all, transfer, cancel
 * remaining, the purchase): every refusal answers §4's error shape with its own `code`, and
 * the answers keep their keys and types through the whole life of a course.
 */

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday.
let database: TestDatabase, demo: DemoFixture, course: CourseDesk;
let admin: TestClient, desk: TestClient, provider: TestClient, finance: TestClient;
/** No session at all. */
let anonymous: TestClient;
/** An administrator of the other centre. */
let otherAdmin: TestClient;
let otherDesk: TestClient;

beforeAll(async () => {
  course = await openCourseDesk('admin@demo.test');
  ({ database, demo, desk: admin } = course);
  desk = await demo.signIn('frontdesk@demo.test');
  provider = await demo.signIn('provider@demo.test');
  finance = await demo.signIn('finance@demo.test');
  otherDesk = await demo.signIn('frontdesk@other.test');
  const newClient = () => new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
  anonymous = newClient();
  await createUser(database.db, demo.other, { email: 'admin@other.test', role: 'ADMIN' });
  otherAdmin = newClient();
  await otherAdmin.login('admin@other.test', TEST_PASSWORD);
});
afterAll(() => database.close());

const UUID = expect.stringMatching(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
);
const INSTANT = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
const at = (date: string, time: string) => `${date}T${time}:00+03:00`;

/** §4's refusal, exactly: `{success: false, error: {code, message, fields?, ...more}}`. */
async function expectRefusal(
  response: Response,
  status: number,
  code: string,
  more: { fields?: string[]; conflicts?: unknown[] } = {},
) {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = await response.json();
  expect({ status: response.status, body }).toEqual({
    status,
    body: {
      success: false,
      error: {
        code,
        message: expect.any(String),
        ...(more.fields && {
          fields: Object.fromEntries(more.fields.map((field) => [field, expect.any(String)])),
        }),
        ...(more.conflicts && { conflicts: more.conflicts }),
      },
    },
  });
}

let times = 0;

/**
 * A fresh patient's 10 speech sessions with these days booked through the series endpoint, each
 * purchase at an hour and with a provider of its own so that the tests' sessions never meet.
 */
async function heldWith(days: string[], sessions = 10) {
  const held = await course.freshPurchase('2026-12-31', sessions);
  const n = times++;
  const time = `${String(8 + (n % 7)).padStart(2, '0')}:00`;
  const providerId = [course.ids.huda, course.ids.faisal][Math.floor(n / 7) % 2]!;
  if (days.length > 0) {
    const response = await series(
      held.purchaseId,
      days.map((day) => at(day, time)),
      providerId,
    );
    expect(response.status).toBe(201);
  }
  return { ...held, time, providerId };
}

function series(purchaseId: string, starts: string[], providerId = course.ids.huda, client = desk) {
  return client.request('/appointments/api/series/', {
    json: {
      package_purchase_id: purchaseId,
      clinic_id: course.ids.slp,
      duration_minutes: 45,
      sessions: starts.map((start) => ({ provider_id: providerId, start })),
    },
  });
}

const op = (client: TestClient, purchaseId: string, kind: string, body: unknown) =>
  client.request(`/appointments/api/purchases/${purchaseId}/${kind}/`, { json: body });

const purchase = (client: TestClient, purchaseId: string) =>
  client.request(`/appointments/api/purchases/${purchaseId}/`);

async function appointmentsOf(purchaseId: string) {
  return database.db
    .selectFrom('appointments')
    .select(['id', 'status'])
    .where('package_purchase_id', '=', purchaseId)
    .orderBy('starts_at')
    .execute();
}

describe('POST /appointments/api/series/ refusals', () => {
  it('names each refusal of the request itself', async () => {
    const held = await heldWith([]);
    const start = [at('2026-12-03', '10:00')];
    await expectRefusal(
      await series(held.purchaseId, start, undefined, anonymous),
      401,
      'unauthenticated',
    );
    await expectRefusal(
      await series(held.purchaseId, start, undefined, provider),
      403,
      'forbidden',
    );
    await expectRefusal(await series(held.purchaseId, start, undefined, finance), 403, 'forbidden');
    await expectRefusal(
      await series(held.purchaseId, start, undefined, otherDesk),
      404,
      'purchase_not_found',
    );
    await expectRefusal(await series(crypto.randomUUID(), start), 404, 'purchase_not_found');
    await expectRefusal(
      await series(held.purchaseId, start, course.ids.reem),
      404,
      'provider_not_in_clinic',
    );
    await expectRefusal(
      await desk.request('/appointments/api/series/', {
        method: 'POST',
        rawBody: '{"sessions": [',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'bad_request',
    );
    await expectRefusal(await series(held.purchaseId, []), 422, 'invalid', {
      fields: ['sessions'],
    });
    await expectRefusal(await series('nope', start), 422, 'invalid', {
      fields: ['package_purchase_id'],
    });
    await expectRefusal(await series(held.purchaseId, ['2026-12-03 10:00']), 422, 'invalid', {
      fields: ['sessions.0.start'],
    });
    expect(await appointmentsOf(held.purchaseId)).toEqual([]);
  });

  it('lists sessions beyond the remaining ones, or on a closed package, by index and code', async () => {
    const small = await heldWith([], 2);
    const days = ['2026-11-29', '2026-11-30', '2026-12-01'];
    await expectRefusal(
      await series(
        small.purchaseId,
        days.map((day) => at(day, small.time)),
        small.providerId,
      ),
      409,
      'conflicts',
      { conflicts: [{ index: 2, start: at('2026-12-01', small.time), code: 'no_sessions_left' }] },
    );
    const closed = await heldWith([]);
    expect(
      (await op(admin, closed.purchaseId, 'cancel-remaining', { reason: 'Closed' })).status,
    ).toBe(200);
    await expectRefusal(
      await series(closed.purchaseId, [at('2026-11-29', closed.time)], closed.providerId),
      409,
      'conflicts',
      { conflicts: [{ index: 0, start: at('2026-11-29', closed.time), code: 'package_unusable' }] },
    );
    expect(await appointmentsOf(small.purchaseId)).toEqual([]);
  });
});

describe('POST /appointments/api/appointments/<id>/reschedule/ refusals', () => {
  it('names each refusal, and moves nothing', async () => {
    const held = await heldWith(['2026-12-02', '2026-12-03']);
    const [first, second] = await appointmentsOf(held.purchaseId);
    const move = (client: TestClient, id: string, body: Record<string, unknown>) =>
      client.request(`/appointments/api/appointments/${id}/reschedule/`, {
        json: { reason: 'Ill', ...body },
      });
    const start = at('2026-12-06', held.time);
    await expectRefusal(await move(anonymous, first!.id, { start }), 401, 'unauthenticated');
    await expectRefusal(await move(provider, first!.id, { start }), 403, 'forbidden');
    await expectRefusal(await move(otherDesk, first!.id, { start }), 404, 'appointment_not_found');
    await expectRefusal(
      await move(desk, crypto.randomUUID(), { start }),
      404,
      'appointment_not_found',
    );
    await expectRefusal(await move(desk, 'not-a-uuid', { start }), 400, 'invalid_address', {
      fields: ['id'],
    });
    await expectRefusal(await move(desk, first!.id, { start, reason: ' ' }), 422, 'invalid', {
      fields: ['reason'],
    });
    await expectRefusal(
      await move(desk, first!.id, { start, duration_minutes: 3 }),
      422,
      'invalid',
      {
        fields: ['duration_minutes'],
      },
    );
    // The patient sees another provider at 15:00 (outside this file's rotation of hours): a
    // time over it is not free for the patient, as for a booking (`patient_overlap` is the
    // database's answer when two requests race past that check).
    const other = held.providerId === course.ids.huda ? course.ids.faisal : course.ids.huda;
    expect((await series(held.purchaseId, [at('2026-12-03', '15:00')], other)).status).toBe(201);
    await expectRefusal(
      await move(desk, first!.id, { start: at('2026-12-03', '15:15') }),
      409,
      'slot_taken',
    );
    await op(desk, held.purchaseId, 'reschedule', { offset_days: 7, reason: 'x' });
    expect((await move(desk, second!.id, { start })).status).toBe(200);
    const cancelled = await desk.request(`/appointments/api/appointments/${second!.id}/cancel/`, {
      json: { reason: 'Travel' },
    });
    expect(cancelled.status).toBe(200);
    await expectRefusal(await move(desk, second!.id, { start }), 409, 'appointment_not_movable');
  });
});

describe('POST /appointments/api/purchases/<id>/reschedule/ refusals', () => {
  it('names each refusal; nothing to move is an empty list', async () => {
    const held = await heldWith(['2026-12-02']);
    const body = { offset_days: 7, reason: 'Trip' };
    await expectRefusal(
      await op(anonymous, held.purchaseId, 'reschedule', body),
      401,
      'unauthenticated',
    );
    await expectRefusal(await op(provider, held.purchaseId, 'reschedule', body), 403, 'forbidden');
    await expectRefusal(await op(finance, held.purchaseId, 'reschedule', body), 403, 'forbidden');
    await expectRefusal(
      await op(otherDesk, held.purchaseId, 'reschedule', body),
      404,
      'purchase_not_found',
    );
    await expectRefusal(
      await op(desk, crypto.randomUUID(), 'reschedule', body),
      404,
      'purchase_not_found',
    );
    await expectRefusal(await op(desk, 'nope', 'reschedule', body), 400, 'invalid_address', {
      fields: ['id'],
    });
    for (const offset_days of [0, 1.5, 366, '7']) {
      await expectRefusal(
        await op(desk, held.purchaseId, 'reschedule', { offset_days, reason: 'Trip' }),
        422,
        'invalid',
        { fields: ['offset_days'] },
      );
    }
    await expectRefusal(
      await op(desk, held.purchaseId, 'reschedule', { offset_days: 7 }),
      422,
      'invalid',
      {
        fields: ['reason'],
      },
    );
    const [before] = await appointmentsOf(held.purchaseId);
    // 2026-12-02 + 3 days is a Saturday: refused, each session listed, nothing moved.
    await expectRefusal(
      await op(desk, held.purchaseId, 'reschedule', { offset_days: 3, reason: 'Trip' }),
      409,
      'conflicts',
      { conflicts: [{ appointment_id: before!.id, start: at('2026-12-05', held.time) }] },
    );
    const empty = await heldWith([]);
    const none = await op(desk, empty.purchaseId, 'reschedule', body);
    expect({ status: none.status, body: await none.json() }).toEqual({
      status: 200,
      body: { success: true, moved: [] },
    });
  });
});

describe('POST /appointments/api/purchases/<id>/transfer/ refusals', () => {
  it('names each refusal, and changes nothing', async () => {
    const held = await heldWith(['2026-12-02', '2026-12-03']);
    const sibling = await createPatient(database.db, demo.demo);
    const body = { patient_id: sibling.id, reason: 'Sibling' };
    await expectRefusal(
      await op(anonymous, held.purchaseId, 'transfer', body),
      401,
      'unauthenticated',
    );
    for (const client of [desk, provider, finance, otherDesk]) {
      await expectRefusal(await op(client, held.purchaseId, 'transfer', body), 403, 'forbidden');
    }
    await expectRefusal(
      await op(otherAdmin, held.purchaseId, 'transfer', body),
      404,
      'purchase_not_found',
    );
    await expectRefusal(
      await op(admin, crypto.randomUUID(), 'transfer', body),
      404,
      'purchase_not_found',
    );
    await expectRefusal(await op(admin, 'nope', 'transfer', body), 400, 'invalid_address', {
      fields: ['id'],
    });
    const theirs = await demo.patient('Mariam Al-Mansoori', demo.other);
    for (const patient_id of [crypto.randomUUID(), theirs]) {
      await expectRefusal(
        await op(admin, held.purchaseId, 'transfer', {
          patient_id,
          reason: 'x',
          cancel_future: true,
        }),
        404,
        'patient_not_found',
      );
    }
    await expectRefusal(
      await op(admin, held.purchaseId, 'transfer', { ...body, patient_id: held.patientId }),
      422,
      'invalid',
      { fields: ['patient_id'] },
    );
    await expectRefusal(
      await op(admin, held.purchaseId, 'transfer', { ...body, cancel_future: 'yes' }),
      422,
      'invalid',
      { fields: ['cancel_future'] },
    );
    await expectRefusal(
      await op(admin, held.purchaseId, 'transfer', { patient_id: sibling.id }),
      422,
      'invalid',
      {
        fields: ['reason'],
      },
    );
    const booked = await appointmentsOf(held.purchaseId);
    await expectRefusal(
      await op(admin, held.purchaseId, 'transfer', body),
      409,
      'purchase_has_future_appointments',
      {
        conflicts: booked.map((a, i) => ({
          appointment_id: a.id,
          start: at(['2026-12-02', '2026-12-03'][i]!, held.time),
        })),
      },
    );
    expect((await appointmentsOf(held.purchaseId)).map((a) => a.status)).toEqual([
      'BOOKED',
      'BOOKED',
    ]);
    expect(await demo.purchasesOf(sibling.id)).toEqual([]);

    expect(
      (await op(admin, held.purchaseId, 'transfer', { ...body, cancel_future: true })).status,
    ).toBe(201);
    await expectRefusal(await op(admin, held.purchaseId, 'transfer', body), 409, 'purchase_closed');
  });
});

describe('POST /appointments/api/purchases/<id>/cancel-remaining/ refusals', () => {
  it('names each refusal, and changes nothing', async () => {
    const held = await heldWith(['2026-12-02']);
    const body = { reason: 'Stop' };
    await expectRefusal(
      await op(anonymous, held.purchaseId, 'cancel-remaining', body),
      401,
      'unauthenticated',
    );
    for (const client of [desk, provider, finance, otherDesk]) {
      await expectRefusal(
        await op(client, held.purchaseId, 'cancel-remaining', body),
        403,
        'forbidden',
      );
    }
    await expectRefusal(
      await op(otherAdmin, held.purchaseId, 'cancel-remaining', body),
      404,
      'purchase_not_found',
    );
    await expectRefusal(
      await op(admin, crypto.randomUUID(), 'cancel-remaining', body),
      404,
      'purchase_not_found',
    );
    await expectRefusal(await op(admin, 'nope', 'cancel-remaining', body), 400, 'invalid_address', {
      fields: ['id'],
    });
    await expectRefusal(
      await op(admin, held.purchaseId, 'cancel-remaining', { reason: '' }),
      422,
      'invalid',
      {
        fields: ['reason'],
      },
    );
    expect((await appointmentsOf(held.purchaseId)).map((a) => a.status)).toEqual(['BOOKED']);
    expect((await op(admin, held.purchaseId, 'cancel-remaining', body)).status).toBe(200);
    await expectRefusal(
      await op(admin, held.purchaseId, 'cancel-remaining', body),
      409,
      'purchase_closed',
    );
  });
});

describe('GET /appointments/api/purchases/<id>/ refusals', () => {
  it('names each refusal', async () => {
    const held = await heldWith([]);
    await expectRefusal(await purchase(anonymous, held.purchaseId), 401, 'unauthenticated');
    await expectRefusal(await purchase(otherDesk, held.purchaseId), 404, 'purchase_not_found');
    await expectRefusal(await purchase(desk, crypto.randomUUID()), 404, 'purchase_not_found');
    await expectRefusal(await purchase(desk, 'nope'), 400, 'invalid_address', { fields: ['id'] });
  });
});

describe('a course through its whole life, as JSON', () => {
  it('keeps every answer’s keys and types: booked to the end, moved, transferred, cancelled', async () => {
    const held = await heldWith([]);
    const days = [0, 2, 7, 9, 14, 16, 21, 23, 28, 30].map((d) => addDays('2026-11-29', d));
    const booked = await series(
      held.purchaseId,
      days.map((day) => at(day, held.time)),
      held.providerId,
    );
    expect(booked.status).toBe(201);
    const answer = (await booked.json()) as { appointments: { appointment_id: string }[] };
    expect(answer).toEqual({
      success: true,
      appointments: days.map((day, i) => ({
        appointment_id: UUID,
        start: at(day, held.time),
        end: INSTANT,
        provider_id: held.providerId,
        session_number_in_package: i + 1,
      })),
      sessions_used: 10,
      sessions_remaining: 0,
    });

    // Booked to the end: COMPLETED, nothing remaining, every session listed with its number.
    const full = (await (await purchase(desk, held.purchaseId)).json()) as Record<string, unknown>;
    expect(full).toEqual({
      success: true,
      id: held.purchaseId,
      patient_id: held.patientId,
      package_id: UUID,
      package_name: expect.any(String),
      status: 'COMPLETED',
      purchase_date: '2026-11-25',
      expiry_date: '2026-12-31',
      total_sessions: 10,
      sessions_used: 10,
      sessions_remaining: 0,
      price: 5000,
      discount: 0,
      amount_paid: 0,
      balance_due: 5000,
      services: [
        {
          service_id: course.ids.speech,
          name: 'Speech Therapy Session',
          sessions: 10,
          sessions_used: 10,
        },
      ],
      appointments: days.map((day, i) => ({
        appointment_id: answer.appointments[i]!.appointment_id,
        start: at(day, held.time),
        end: INSTANT,
        status: 'BOOKED',
        session_number_in_package: i + 1,
        provider_id: held.providerId,
      })),
    });

    // The first session moves after the second: its number follows.
    const first = answer.appointments[0]!.appointment_id;
    const moved = await desk.request(`/appointments/api/appointments/${first}/reschedule/`, {
      json: { start: at('2026-12-02', held.time), reason: 'Ill' },
    });
    expect(await moved.json()).toEqual({
      success: true,
      appointment_id: first,
      start: at('2026-12-02', held.time),
      end: INSTANT,
      session_number_in_package: 2,
    });

    const sibling = await createPatient(database.db, demo.demo);
    const transferred = await op(admin, held.purchaseId, 'transfer', {
      patient_id: sibling.id,
      reason: 'Sibling',
      cancel_future: true,
    });
    expect(transferred.status).toBe(201);
    const taken = (await transferred.json()) as { package_purchase_id: string };
    expect(taken).toEqual({ success: true, package_purchase_id: UUID, sessions_transferred: 10 });
    const original = (await (await purchase(desk, held.purchaseId)).json()) as {
      appointments: { status: string }[];
    };
    expect(original).toMatchObject({
      status: 'TRANSFERRED',
      sessions_used: 0,
      sessions_remaining: 10,
    });
    expect(original.appointments.map((a) => a.status)).toEqual(days.map(() => 'CANCELLED'));
    expect(await (await purchase(desk, taken.package_purchase_id)).json()).toEqual({
      success: true,
      id: taken.package_purchase_id,
      patient_id: sibling.id,
      package_id: full.package_id,
      package_name: full.package_name,
      status: 'ACTIVE',
      purchase_date: '2026-11-25',
      expiry_date: '2026-12-31',
      total_sessions: 10,
      sessions_used: 0,
      sessions_remaining: 10,
      price: 0,
      discount: 0,
      amount_paid: 0,
      balance_due: 0,
      services: [
        { service_id: UUID, name: 'Speech Therapy Session', sessions: 10, sessions_used: 0 },
      ],
      appointments: [],
    });

    const cancelled = await op(admin, taken.package_purchase_id, 'cancel-remaining', {
      reason: 'Stop',
    });
    expect(await cancelled.json()).toEqual({
      success: true,
      status: 'CANCELLED',
      appointments_cancelled: 0,
      sessions_cancelled: 10,
    });
    expect(await (await purchase(desk, taken.package_purchase_id)).json()).toMatchObject({
      status: 'CANCELLED',
      sessions_used: 0,
    });
  });
});
