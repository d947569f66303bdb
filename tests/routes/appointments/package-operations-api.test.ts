import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoIds } from '../../support/booking.js';
import type { TestClient } from '../../support/client.js';
import { openCourseDesk, type CourseDesk } from '../../support/courses.js';
import type { DemoFixture } from '../../support/demo.js';
import { createPatient } from '../../support/factories.js';
import { invariantViolations } from '../../support/invariants.js';
import type { TestDatabase } from '../../support/test-db.js';

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday.
let database: TestDatabase, demo: DemoFixture, admin: TestClient, desk: TestClient;
let ids: DemoIds;
let freshPurchase: CourseDesk['freshPurchase'];

beforeAll(async () => {
  ({ database, demo, desk: admin, ids, freshPurchase } = await openCourseDesk('admin@demo.test'));
  desk = await demo.signIn('frontdesk@demo.test');
});
afterAll(() => database.close());

const at = (date: string, time: string) => `${date}T${time}:00+03:00`;

function series(purchaseId: string, sessions: [string, string][], extra = {}, client = desk) {
  return client.request('/appointments/api/series/', {
    json: {
      package_purchase_id: purchaseId,
      clinic_id: ids.slp,
      duration_minutes: 45,
      sessions: sessions.map(([provider_id, start]) => ({ provider_id, start })),
      ...extra,
    },
  });
}

const purchaseOp = (purchaseId: string, op: string, body: object, client = admin) =>
  client.request(`/appointments/api/purchases/${purchaseId}/${op}/`, { json: body });

describe('POST /appointments/api/series/', () => {
  it('books the course all at once with numbers in date order (201 shape)', async () => {
    const held = await freshPurchase();
    const response = await series(held.purchaseId, [
      [ids.faisal, at('2026-12-08', '15:00')],
      [ids.huda, at('2026-12-06', '15:00')],
      [ids.faisal, at('2026-12-13', '15:00')],
    ]);
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      appointments: { session_number_in_package: number }[];
    };
    expect(body).toEqual({
      success: true,
      appointments: [
        {
          appointment_id: expect.any(String),
          start: '2026-12-08T15:00:00+03:00',
          end: '2026-12-08T15:45:00+03:00',
          provider_id: ids.faisal,
          session_number_in_package: 2,
        },
        expect.objectContaining({ provider_id: ids.huda, session_number_in_package: 1 }),
        expect.objectContaining({ session_number_in_package: 3 }),
      ],
      sessions_used: 3,
      sessions_remaining: 7,
    });
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });

  it('books nothing when one session is refused, listing each refusal by index', async () => {
    const held = await freshPurchase('2026-12-10');
    const response = await series(held.purchaseId, [
      [ids.faisal, at('2026-12-07', '15:00')],
      [ids.faisal, at('2026-12-07', '15:00')],
      [ids.faisal, at('2026-12-14', '15:00')],
    ]);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      success: false,
      error: {
        code: 'conflicts',
        message: expect.any(String),
        conflicts: [
          { index: 1, start: '2026-12-07T15:00:00+03:00', code: 'slot_taken' },
          { index: 2, start: '2026-12-14T15:00:00+03:00', code: 'package_expires_before_slot' },
        ],
      },
    });
    const count = await database.db
      .selectFrom('appointments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('patient_id', '=', held.patientId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('answers a repeated key with the same course, and refuses roles, tenants and bad bodies', async () => {
    const held = await freshPurchase();
    const sessions: [string, string][] = [[ids.faisal, at('2026-12-09', '15:00')]];
    const key = { idempotency_key: crypto.randomUUID() };
    const first = (await (await series(held.purchaseId, sessions, key)).json()) as object;
    const again = await series(held.purchaseId, sessions, key);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(first);
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      expect((await series(held.purchaseId, sessions, {}, await demo.signIn(email))).status).toBe(
        403,
      );
    }
    const foreign = await demo.signIn('frontdesk@other.test');
    expect((await series(held.purchaseId, sessions, {}, foreign)).status).toBe(404);
    expect((await series(held.purchaseId, [])).status).toBe(422);
    expect((await series('nope', sessions)).status).toBe(422);
  });
});

describe('purchase operations', () => {
  async function withSessions() {
    const held = await freshPurchase();
    const response = await series(held.purchaseId, [
      [ids.huda, at('2026-12-06', '13:00')],
      [ids.huda, at('2026-12-07', '13:00')],
    ]);
    expect(response.status).toBe(201);
    return held;
  }

  it('reschedules every future session by N days, same local time, or nothing with conflicts', async () => {
    const held = await withSessions();
    const response = await purchaseOp(
      held.purchaseId,
      'reschedule',
      { offset_days: 7, reason: 'Trip' },
      desk,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      moved: [
        {
          appointment_id: expect.any(String),
          start: '2026-12-13T13:00:00+03:00',
          end: '2026-12-13T13:45:00+03:00',
        },
        {
          appointment_id: expect.any(String),
          start: '2026-12-14T13:00:00+03:00',
          end: '2026-12-14T13:45:00+03:00',
        },
      ],
    });
    // 5 days later is a Friday and a Saturday: nothing moves.
    const refused = await purchaseOp(held.purchaseId, 'reschedule', {
      offset_days: 5,
      reason: 'Trip',
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'conflicts',
        conflicts: [
          { appointment_id: expect.any(String), start: '2026-12-18T13:00:00+03:00' },
          { appointment_id: expect.any(String), start: '2026-12-19T13:00:00+03:00' },
        ],
      },
    });
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });

  it('transfers the remaining sessions to a sibling, refusing while sessions are to come', async () => {
    const held = await withSessions();
    const sibling = await createPatient(database.db, demo.demo);
    const refused = await purchaseOp(held.purchaseId, 'transfer', {
      patient_id: sibling.id,
      reason: 'Sibling',
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: { code: 'purchase_has_future_appointments', conflicts: [{}, {}] },
    });
    expect(
      (
        await purchaseOp(
          held.purchaseId,
          'transfer',
          { patient_id: sibling.id, reason: 'x', cancel_future: true },
          desk,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await purchaseOp(held.purchaseId, 'transfer', {
          patient_id: held.patientId,
          reason: 'x',
          cancel_future: true,
        })
      ).status,
    ).toBe(422);
    const response = await purchaseOp(held.purchaseId, 'transfer', {
      patient_id: sibling.id,
      reason: 'Sibling',
      cancel_future: true,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { package_purchase_id: string };
    expect(body).toEqual({
      success: true,
      package_purchase_id: expect.any(String),
      sessions_transferred: 10,
    });
    const rows = await database.db
      .selectFrom('package_purchases')
      .select([
        'id',
        'status',
        'patient_id',
        'total_sessions',
        'expiry_date',
        'price',
        'transferred_from',
      ])
      .where('id', 'in', [held.purchaseId, body.package_purchase_id])
      .execute();
    expect(rows.find((r) => r.id === held.purchaseId)?.status).toBe('TRANSFERRED');
    expect(rows.find((r) => r.id === body.package_purchase_id)).toMatchObject({
      status: 'ACTIVE',
      patient_id: sibling.id,
      total_sessions: 10,
      expiry_date: '2026-12-31',
      transferred_from: held.purchaseId,
    });
    expect(
      (await purchaseOp(held.purchaseId, 'transfer', { patient_id: sibling.id, reason: 'again' }))
        .status,
    ).toBe(409);
    expect(
      await invariantViolations(database.db, { patientIds: [held.patientId, sibling.id] }),
    ).toEqual([]);
  });

  it('cancels the remaining sessions: future appointments cancelled, never forfeited', async () => {
    const held = await withSessions();
    const foreign = await demo.signIn('frontdesk@other.test');
    // the other centre's desk: 404 where its role may act, 403 where it may not
    expect(
      (await purchaseOp(held.purchaseId, 'reschedule', { offset_days: 7, reason: 'x' }, foreign))
        .status,
    ).toBe(404);
    expect(
      (await purchaseOp(held.purchaseId, 'cancel-remaining', { reason: 'Stop' }, foreign)).status,
    ).toBe(403);
    expect((await purchaseOp(held.purchaseId, 'cancel-remaining', { reason: '' })).status).toBe(
      422,
    );
    const response = await purchaseOp(held.purchaseId, 'cancel-remaining', { reason: 'Stop' });
    expect(await response.json()).toEqual({
      success: true,
      status: 'CANCELLED',
      appointments_cancelled: 2,
      sessions_cancelled: 10,
    });
    expect((await purchaseOp(held.purchaseId, 'cancel-remaining', { reason: 'Stop' })).status).toBe(
      409,
    );
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });
});
