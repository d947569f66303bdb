import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import type { TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import type { TestDatabase } from '../support/test-db.js';
import { listenTo } from './changes.js';

/** The write paths publish their change at commit: one event per change, none when refused. */

const SUNDAY = '2026-11-29';
const MONDAY = '2026-11-30';

let database: TestDatabase, demo: DemoFixture, desk: TestClient, ids: DemoIds;
let changes: ReturnType<typeof listenTo>;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
  changes = listenTo(database.bus, demo.demo);
});
afterAll(async () => {
  changes.stop();
  await database.close();
});

function book(body: Record<string, unknown>) {
  return desk.request('/appointments/api/book/', {
    json: { clinic_id: ids.slp, provider_id: ids.huda, duration_minutes: 45, ...body },
  });
}

async function firstFreeSlot(date: string, patientId?: string) {
  const [slot] = await freeSlots(desk, { providerId: ids.huda, date, patientId });
  return slot!.start;
}

describe('booking through the JSON API', () => {
  it('publishes appointment.booked with provider, tenant-local date, patient and purchase', async () => {
    await changes.drain(database.db);
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const response = await book({
      patient_id: ahmed,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      start: await firstFreeSlot(SUNDAY, ahmed),
    });
    expect(response.status).toBe(201);
    expect(await changes.drain(database.db)).toEqual([
      {
        tenant: demo.demo,
        kind: 'appointment.booked',
        provider: ids.huda,
        date: SUNDAY,
        patient: ahmed,
        purchase: purchase!.id,
      },
    ]);
  });

  it('publishes nothing for a refused booking (409) or a replayed request', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const start = await firstFreeSlot(MONDAY, sara);
    const request = {
      patient_id: sara,
      appointment_type: 'single',
      service_id: ids.speech,
      start,
      idempotency_key: crypto.randomUUID(),
    };
    expect((await book(request)).status).toBe(201);
    expect(await changes.drain(database.db)).toEqual([
      expect.objectContaining({ kind: 'appointment.booked', date: MONDAY, purchase: null }),
    ]);

    expect((await book(request)).status).toBe(201); // the same key: the first booking again
    const omar = await demo.patient('Omar Al-Qahtani');
    const taken = await book({ ...request, patient_id: omar, idempotency_key: undefined });
    expect(taken.status).toBe(409);
    expect(await changes.drain(database.db)).toEqual([]);
  });
});

describe('the other write paths', () => {
  it('publishes a status change and a cancellation of the appointment', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const booked = await book({
      patient_id: sara,
      appointment_type: 'single',
      service_id: ids.speech,
      start: await firstFreeSlot(MONDAY, sara),
    });
    const { appointment_id: id } = (await booked.json()) as { appointment_id: string };
    await changes.drain(database.db);
    const change = { tenant: demo.demo, provider: ids.huda, date: MONDAY, patient: sara };

    const confirmed = await desk.request(`/appointments/${id}/status`, {
      form: { status: 'CONFIRMED' },
    });
    expect(confirmed.status).toBe(303);
    const cancelled = await desk.request(`/appointments/api/appointments/${id}/cancel/`, {
      json: { reason: 'Family travel' },
    });
    expect(cancelled.status).toBe(200);
    const again = await desk.request(`/appointments/api/appointments/${id}/cancel/`, {
      json: { reason: 'Family travel' },
    });
    expect(again.status).toBe(409);

    expect(await changes.drain(database.db)).toEqual([
      { ...change, kind: 'appointment.status', purchase: null },
      { ...change, kind: 'appointment.cancelled', purchase: null },
    ]);
  });

  it('publishes package.assigned once per purchase, not for a replayed key', async () => {
    await changes.drain(database.db);
    const omar = await demo.patient('Omar Al-Qahtani');
    const request = {
      package_id: await demo.pkg('10 SLP Sessions'),
      patient_id: omar,
      idempotency_key: crypto.randomUUID(),
    };
    const first = await desk.request('/appointments/api/assign-package/', { json: request });
    const second = await desk.request('/appointments/api/assign-package/', { json: request });
    const { package_purchase_id: purchase } = (await first.json()) as {
      package_purchase_id: string;
    };
    expect(second.status).toBe(200);
    expect(await changes.drain(database.db)).toEqual([
      {
        tenant: demo.demo,
        kind: 'package.assigned',
        provider: null,
        date: null,
        patient: omar,
        purchase,
      },
    ]);
  });

  it("tells the demo centre nothing of the other clinic's changes", async () => {
    await changes.drain(database.db);
    const other = await demo.signIn('frontdesk@other.test');
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    const theirs = listenTo(database.bus, demo.other);
    const assigned = await other.request('/appointments/api/assign-package/', {
      json: { package_id: await demo.pkg('5 Speech Sessions', demo.other), patient_id: mariam },
    });
    expect(assigned.status).toBe(200);
    expect(await theirs.drain(database.db)).toEqual([
      expect.objectContaining({ tenant: demo.other, kind: 'package.assigned', patient: mariam }),
    ]);
    expect(await changes.drain(database.db)).toEqual([]);
    theirs.stop();
  });
});
