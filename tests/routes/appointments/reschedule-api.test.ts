import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenTo } from '../../events/changes.js';
import type { DemoIds } from '../../support/booking.js';
import type { TestClient } from '../../support/client.js';
import { openCourseDesk } from '../../support/courses.js';
import type { DemoFixture } from '../../support/demo.js';

import { invariantViolations } from '../../support/invariants.js';
import type { TestDatabase } from '../../support/test-db.js';

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday.
let database: TestDatabase, demo: DemoFixture, desk: TestClient, admin: TestClient;
let ids: DemoIds;
/** A fresh patient holding 10 speech sessions that expire on 2026-12-20. */
let freshPurchase: () => Promise<{ patientId: string; purchaseId: string }>;

beforeAll(async () => {
  const course = await openCourseDesk();
  ({ database, demo, desk, ids } = course);
  freshPurchase = () => course.freshPurchase('2026-12-20');
  admin = await demo.signIn('admin@demo.test');
});
afterAll(() => database.close());

const at = (date: string, time: string) => `${date}T${time}:00+03:00`;

async function book(
  held: { patientId: string; purchaseId: string },
  start: string,
  providerId = ids.huda,
) {
  const response = await desk.request('/appointments/api/book/', {
    json: {
      patient_id: held.patientId,
      appointment_type: 'package',
      package_purchase_id: held.purchaseId,
      clinic_id: ids.slp,
      provider_id: providerId,
      start,
      duration_minutes: 45,
    },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { appointment_id: string; session_number_in_package: number };
}

function reschedule(id: string, body: Record<string, unknown>, client = desk) {
  return client.request(`/appointments/api/appointments/${id}/reschedule/`, {
    json: { reason: 'Child is ill', ...body },
  });
}

function cancel(id: string, body: Record<string, unknown>, client = desk) {
  return client.request(`/appointments/api/appointments/${id}/cancel/`, {
    json: { reason: 'Family travel', ...body },
  });
}

async function sessionsOf(purchaseId: string) {
  return database.db
    .selectFrom('appointments')
    .select(['id', 'status', 'session_number_in_package', 'provider_id'])
    .where('package_purchase_id', '=', purchaseId)
    .orderBy('starts_at')
    .execute();
}

async function usedOf(purchaseId: string) {
  const row = await database.db
    .selectFrom('package_purchases')
    .select('sessions_used')
    .where('id', '=', purchaseId)
    .executeTakeFirstOrThrow();
  return row.sessions_used;
}

describe('POST /appointments/api/appointments/<id>/reschedule/', () => {
  it('moves the same appointment, numbers following date order, nothing consumed', async () => {
    const held = await freshPurchase();
    const first = await book(held, at('2026-11-29', '08:00'));
    const second = await book(held, at('2026-11-30', '08:00'));
    expect([first.session_number_in_package, second.session_number_in_package]).toEqual([1, 2]);
    const listener = listenTo(database.bus, demo.demo);
    try {
      const response = await reschedule(first.appointment_id, { start: at('2026-12-01', '08:00') });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        success: true,
        appointment_id: first.appointment_id,
        start: '2026-12-01T08:00:00+03:00',
        end: '2026-12-01T08:45:00+03:00',
        session_number_in_package: 2,
      });
      // The old day and the new one hear of it.
      for (const date of ['2026-11-29', '2026-12-01']) {
        await listener.waitFor((e) => e.kind === 'appointment.moved' && e.date === date);
      }
    } finally {
      listener.stop();
    }
    expect(await sessionsOf(held.purchaseId)).toEqual([
      {
        id: second.appointment_id,
        status: 'BOOKED',
        session_number_in_package: 1,
        provider_id: ids.huda,
      },
      {
        id: first.appointment_id,
        status: 'BOOKED',
        session_number_in_package: 2,
        provider_id: ids.huda,
      },
    ]);
    expect(await usedOf(held.purchaseId)).toBe(2);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_id', '=', first.appointment_id)
      .where('action', '=', 'appointment.reschedule')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ reason: 'Child is ill', session_number_in_package: 2 });
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });

  it('moves to another provider of the clinic, or a longer slot, and back onto its own time', async () => {
    const held = await freshPurchase();
    const booked = await book(held, at('2026-11-29', '09:00'));
    const response = await reschedule(booked.appointment_id, {
      start: at('2026-11-29', '09:15'),
      provider_id: ids.faisal,
      duration_minutes: 60,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ end: '2026-11-29T10:15:00+03:00' });
    // The same request again: its own time does not block it (a double submit is harmless).
    const again = await reschedule(booked.appointment_id, {
      start: at('2026-11-29', '09:15'),
      provider_id: ids.faisal,
      duration_minutes: 60,
    });
    expect(again.status).toBe(200);
    expect((await sessionsOf(held.purchaseId))[0]?.provider_id).toBe(ids.faisal);
  });

  it('refuses a taken slot, a provider of another clinic, a day past expiry or outside hours', async () => {
    const held = await freshPurchase();
    const other = await freshPurchase();
    const booked = await book(held, at('2026-11-30', '09:00'));
    await book(other, at('2026-11-30', '11:00'));
    const refusals: [Record<string, unknown>, number, string][] = [
      [{ start: at('2026-11-30', '11:00') }, 409, 'slot_taken'],
      [{ start: at('2026-11-30', '11:00'), provider_id: ids.reem }, 404, 'provider_not_in_clinic'],
      [{ start: at('2026-12-21', '09:00') }, 409, 'package_expires_before_slot'],
      [{ start: at('2026-11-30', '17:00') }, 409, 'slot_taken'],
      [{ start: at('2026-11-24', '09:00') }, 409, 'slot_taken'],
    ];
    for (const [body, status, code] of refusals) {
      const response = await reschedule(booked.appointment_id, body);
      expect([
        response.status,
        ((await response.json()) as { error: { code: string } }).error.code,
      ]).toEqual([status, code]);
    }
    expect(await sessionsOf(held.purchaseId)).toMatchObject([{ status: 'BOOKED' }]);
  });

  it('refuses the patient overlapping themselves with another provider', async () => {
    const held = await freshPurchase();
    const first = await book(held, at('2026-12-03', '13:00'));
    await book(held, at('2026-12-03', '14:00'), ids.faisal);
    const response = await reschedule(first.appointment_id, { start: at('2026-12-03', '14:15') });
    expect(response.status).toBe(409);
  });

  it('never forfeits inside the cancellation window, and refuses a cancelled appointment', async () => {
    const held = await freshPurchase();
    const soon = await book(held, at('2026-11-25', '15:00'));
    const moved = await reschedule(soon.appointment_id, { start: at('2026-11-26', '15:00') });
    expect(moved.status).toBe(200);
    expect(await usedOf(held.purchaseId)).toBe(1);
    expect((await cancel(soon.appointment_id, {})).status).toBe(200);
    const refused = await reschedule(soon.appointment_id, { start: at('2026-11-29', '15:00') });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'appointment_not_movable' } });
  });

  it('answers 400, 401, 403, 404 and 422 as the rest of the API', async () => {
    const held = await freshPurchase();
    const booked = await book(held, at('2026-12-03', '09:00'));
    const start = at('2026-12-03', '10:00');
    expect((await reschedule('not-a-uuid', { start })).status).toBe(400);
    expect((await reschedule(crypto.randomUUID(), { start })).status).toBe(404);
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      expect(
        (await reschedule(booked.appointment_id, { start }, await demo.signIn(email))).status,
      ).toBe(403);
    }
    const otherTenant = await demo.signIn('frontdesk@other.test');
    const foreign = await reschedule(booked.appointment_id, { start }, otherTenant);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: 'appointment_not_found' } });
    for (const body of [
      { start, reason: '' },
      { start: '2026-12-03 10:00' },
      { start, duration_minutes: 3 },
    ]) {
      expect((await reschedule(booked.appointment_id, body)).status).toBe(422);
    }
    expect(await sessionsOf(held.purchaseId)).toMatchObject([{ status: 'BOOKED' }]);
  });
});

describe('session numbers in date order (SPEC §1.9)', () => {
  it('numbers a session booked before the others 1 and moves them up', async () => {
    const held = await freshPurchase();
    const later = await book(held, at('2026-12-01', '13:00'));
    const earlier = await book(held, at('2026-11-30', '13:00'));
    expect(earlier.session_number_in_package).toBe(1);
    expect(
      (await sessionsOf(held.purchaseId)).map((s) => [s.id, s.session_number_in_package]),
    ).toEqual([
      [earlier.appointment_id, 1],
      [later.appointment_id, 2],
    ]);
  });

  it('closes the gap when an early session is cancelled in time', async () => {
    const held = await freshPurchase();
    const first = await book(held, at('2026-11-30', '14:00'));
    const second = await book(held, at('2026-12-01', '14:00'));
    expect(await (await cancel(first.appointment_id, {})).json()).toEqual({
      success: true,
      status: 'CANCELLED',
      session_returned: true,
    });
    expect((await sessionsOf(held.purchaseId)).map((s) => s.session_number_in_package)).toEqual([
      1, 1,
    ]);
    expect((await sessionsOf(held.purchaseId))[1]).toMatchObject({ id: second.appointment_id });
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });
});

describe('waiving a late cancellation (ADMIN)', () => {
  it('returns the session when an ADMIN waives, with the reason audited', async () => {
    const held = await freshPurchase();
    const booked = await book(held, at('2026-11-25', '13:00'), ids.faisal);
    const response = await cancel(booked.appointment_id, { waive: true }, admin);
    expect(await response.json()).toEqual({
      success: true,
      status: 'CANCELLED',
      session_returned: true,
    });
    expect(await usedOf(held.purchaseId)).toBe(0);
    const audit = await database.db
      .selectFrom('audit_log')
      .select('after')
      .where('entity_id', '=', booked.appointment_id)
      .where('action', '=', 'appointment.cancel')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ waived: true, reason: 'Family travel' });
  });

  it('refuses a waiver from the front desk (403, nothing changed); without it the session is used', async () => {
    const held = await freshPurchase();
    const booked = await book(held, at('2026-11-25', '14:00'), ids.faisal);
    const refused = await cancel(booked.appointment_id, { waive: true });
    expect(refused.status).toBe(403);
    expect(await sessionsOf(held.purchaseId)).toMatchObject([{ status: 'BOOKED' }]);
    expect((await cancel(booked.appointment_id, { waive: true, reason: '' }, admin)).status).toBe(
      422,
    );
    expect(await (await cancel(booked.appointment_id, {})).json()).toEqual({
      success: true,
      status: 'LATE_CANCELLED',
      session_returned: false,
    });
    expect(await usedOf(held.purchaseId)).toBe(1);
  });
});
