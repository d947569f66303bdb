import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, freeSlots, type DemoIds } from '../../support/booking.js';
import { html, type TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import type { TestDatabase } from '../../support/test-db.js';
import {
  APPOINTMENT_ERROR_ID,
  APPOINTMENT_ID,
} from '../../../src/views/appointments/appointment-page.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient, ids: DemoIds;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
});
afterAll(() => database.close());

/**
 * A package session of Layla's with `providerId` on `date`, booked through the API, on her
 * first SLP package (or her second: `which` 1, once the first has none left).
 */
async function bookLayla(providerId: string, date = '2026-12-01', which = 0) {
  const layla = await demo.patient('Layla Al-Otaibi');
  const purchase = (await demo.purchasesOf(layla))[which];
  const [slot] = await freeSlots(desk, { providerId, date, patientId: layla });
  const response = await desk.request('/appointments/api/book/', {
    json: {
      patient_id: layla,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      clinic_id: ids.slp,
      provider_id: providerId,
      start: slot!.start,
      duration_minutes: 45,
    },
  });
  expect(response.status).toBe(201);
  return {
    id: ((await response.json()) as { appointment_id: string }).appointment_id,
    purchase: purchase!,
  };
}

async function statusOf(id: string) {
  return (
    await database.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).status;
}

async function page(client: TestClient, id: string) {
  const response = await client.request(`/appointments/${id}`);
  return { response, page: html(await response.text()) };
}

describe('the appointment page', () => {
  it('shows the appointment and the desk’s actions', async () => {
    const { id } = await bookLayla(ids.faisal);
    const { response, page: view } = await page(desk, id);
    expect(response.status).toBe(200);
    expect(view.querySelector('#appointment-title')?.text).toContain('Layla Al-Otaibi');
    expect(view.querySelector('#appointment-title .badge')?.text).toBe('Booked');
    // next week: arrival is marked from its day on, a no-show once it has started
    expect(view.querySelectorAll('button[name="status"]').map((b) => b.text.trim())).toEqual([
      'Confirm',
    ]);
    expect(view.querySelector('#cancel-reason')).not.toBeNull();
    const today = await bookLayla(ids.faisal, '2026-11-25');
    const { page: todays } = await page(desk, today.id);
    expect(todays.querySelectorAll('button[name="status"]').map((b) => b.text.trim())).toEqual([
      'Confirm',
      'Mark arrived',
    ]);
  });

  it('cancels in time with a reason: the session returns', async () => {
    const { id, purchase } = await bookLayla(ids.faisal);
    const used = async () =>
      (
        await database.db
          .selectFrom('package_purchases')
          .select('sessions_used')
          .where('id', '=', purchase.id)
          .executeTakeFirstOrThrow()
      ).sessions_used;
    const before = await used();
    const response = await desk.request(`/appointments/${id}/cancel`, {
      form: { reason: 'Family travel' },
      htmx: true,
    });
    expect(response.status).toBe(200);
    const view = html(await response.text());
    expect(view.querySelector('#appointment-title .badge')?.text).toBe('Cancelled');
    expect(view.text).toContain('Family travel');
    expect(view.querySelector('#cancel-reason')).toBeNull();
    expect(await used()).toBe(before - 1);
  });

  it('lets a plain form (no htmx) change the state and come back to the page', async () => {
    const { id } = await bookLayla(ids.faisal);
    const response = await desk.request(`/appointments/${id}/status`, {
      form: { status: 'CONFIRMED' },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/appointments/${id}`);
    expect(await statusOf(id)).toBe('CONFIRMED');
  });

  it('lets the provider mark their own appointment arrived and completed, not others’', async () => {
    const provider = await demo.signIn('provider@demo.test'); // Dr. Huda Al-Zahrani
    // today (DEMO_NOW), later in the day: arrival is marked from the appointment's day on
    const own = await bookLayla(ids.huda, '2026-11-25');
    const other = await bookLayla(ids.faisal, '2026-11-25');
    for (const status of ['ARRIVED', 'COMPLETED']) {
      const response = await provider.request(`/appointments/${own.id}/status`, {
        form: { status },
        htmx: true,
      });
      expect(response.status).toBe(200);
    }
    expect(await statusOf(own.id)).toBe('COMPLETED');
    const refused = await provider.request(`/appointments/${other.id}/status`, {
      form: { status: 'ARRIVED' },
      htmx: true,
    });
    expect(refused.status).toBe(403);
    expect(
      (await page(provider, other.id)).page.querySelectorAll(`#${APPOINTMENT_ID} button`),
    ).toEqual([]);
    const cancel = await provider.request(`/appointments/${other.id}/cancel`, {
      form: { reason: 'x' },
    });
    expect(cancel.status).toBe(403);
    expect(await statusOf(other.id)).toBe('BOOKED');
  });

  it('refuses an impossible change (409), a malformed id (400), another tenant (404)', async () => {
    const { id } = await bookLayla(ids.faisal);
    const completed = await desk.request(`/appointments/${id}/status`, {
      form: { status: 'COMPLETED' },
      htmx: true,
    });
    expect(completed.status).toBe(409);
    expect(completed.headers.get('hx-retarget')).toBe(`#${APPOINTMENT_ERROR_ID}`);
    expect(await statusOf(id)).toBe('BOOKED');
    expect((await desk.request('/appointments/42')).status).toBe(400);
    const stranger = await demo.signIn('frontdesk@other.test');
    expect((await page(stranger, id)).response.status).toBe(404);
    const foreignCancel = await stranger.request(`/appointments/${id}/cancel`, {
      form: { reason: 'x' },
    });
    expect(foreignCancel.status).toBe(404);
    expect(await statusOf(id)).toBe('BOOKED');
  });

  it('sets a mistaken arrival back to booked the same day, with a reason, audited', async () => {
    const { id } = await bookLayla(ids.faisal, '2026-11-25');
    await desk.request(`/appointments/${id}/status`, { form: { status: 'ARRIVED' } });
    const { page: arrived } = await page(desk, id);
    expect(arrived.querySelector('#revert-reason')).not.toBeNull();
    const noReason = await desk.request(`/appointments/${id}/revert`, {
      form: { reason: ' ' },
      htmx: true,
    });
    expect(noReason.status).toBe(422);
    expect(await statusOf(id)).toBe('ARRIVED');
    const reverted = await desk.request(`/appointments/${id}/revert`, {
      form: { reason: 'Marked the wrong Layla' },
      htmx: true,
    });
    expect(reverted.status).toBe(200);
    expect(await statusOf(id)).toBe('BOOKED');
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity_id', '=', id)
      .where('action', '=', 'appointment.reverted')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      before: { status: 'ARRIVED' },
      after: { status: 'BOOKED', reason: 'Marked the wrong Layla' },
    });
    // Booked again: nothing to set back.
    const again = await desk.request(`/appointments/${id}/revert`, {
      form: { reason: 'twice' },
      htmx: true,
    });
    expect(again.status).toBe(409);
  });

  it('refuses to set back a provider (403), another day (409), another tenant (404)', async () => {
    const own = await bookLayla(ids.huda, '2026-11-25', 1);
    await desk.request(`/appointments/${own.id}/status`, { form: { status: 'ARRIVED' } });
    const provider = await demo.signIn('provider@demo.test'); // Dr. Huda Al-Zahrani
    const byProvider = await provider.request(`/appointments/${own.id}/revert`, {
      form: { reason: 'mine' },
    });
    expect(byProvider.status).toBe(403);
    expect((await page(provider, own.id)).page.querySelector('#revert-reason')).toBeNull();
    const stranger = await demo.signIn('frontdesk@other.test');
    const foreign = await stranger.request(`/appointments/${own.id}/revert`, {
      form: { reason: 'x' },
    });
    expect(foreign.status).toBe(404);
    expect(await statusOf(own.id)).toBe('ARRIVED');

    const earlier = await database.db
      .selectFrom('appointments')
      .select('id')
      .where('tenant_id', '=', demo.demo)
      .where('status', '=', 'COMPLETED')
      .where('starts_at', '<', new Date('2026-11-24T21:00:00Z')) // before today in Riyadh
      .executeTakeFirstOrThrow();
    expect((await page(desk, earlier.id)).page.querySelector('#revert-reason')).toBeNull();
    const late = await desk.request(`/appointments/${earlier.id}/revert`, {
      form: { reason: 'too late' },
      htmx: true,
    });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('can be set back only on that day');
    expect(await statusOf(earlier.id)).toBe('COMPLETED');
  });
});
