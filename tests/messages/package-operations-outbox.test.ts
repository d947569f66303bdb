import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTenantSettings } from '../../src/db/tenants.js';
import { demoIds, type DemoIds } from '../support/booking.js';
import { html, type TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { messagesOf, setMessageSettings } from './support.js';

/**
 * Package-wide operations write the patients' messages in their own transaction, as the
 * single-appointment paths do: a series books (and reminds), reschedule-all moves (and
 * re-times the reminders), cancel-remaining and transfer cancel (and drop the reminders).
 */

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday.
let database: TestDatabase, demo: DemoFixture, admin: TestClient, ids: DemoIds, adminId: string;

beforeAll(async () => {
  ({ database, demo, desk: admin } = await openSignedInDemo('admin@demo.test'));
  ids = await demoIds(database.db, demo.demo);
  adminId = (
    await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'admin@demo.test')
      .executeTakeFirstOrThrow()
  ).id;
  // Log only: the demo's patients made here have no email; 24 h reminders.
  await setMessageSettings(database.db, demo.demo, {});
});
afterAll(() => database.close());

const at = (date: string, time: string) => `${date}T${time}:00+03:00`;
const HOUR = 3_600_000;

async function freshPurchase() {
  const pkg = await createPackage(database.db, demo.demo, [
    { serviceId: ids.speech, sessions: 10 },
  ]);
  const patient = await createPatient(database.db, demo.demo);
  const purchase = await createPurchase(database.db, pkg, patient.id, adminId, {
    purchase_date: '2026-11-25',
    expiry_date: '2027-02-28',
  });
  return { patientId: patient.id, purchaseId: purchase.id };
}

/** A series of the purchase with Dr. Huda at `starts`; the appointments' ids. */
async function bookSeries(purchaseId: string, starts: string[], key?: string) {
  const response = await admin.request('/appointments/api/series/', {
    json: {
      package_purchase_id: purchaseId,
      clinic_id: ids.slp,
      duration_minutes: 45,
      sessions: starts.map((start) => ({ provider_id: ids.huda, start })),
      ...(key ? { idempotency_key: key } : {}),
    },
  });
  return response;
}

async function seriesIds(purchaseId: string, starts: string[], key?: string) {
  const response = await bookSeries(purchaseId, starts, key);
  expect(response.status).toBe(201);
  const body = (await response.json()) as { appointments: { appointment_id: string }[] };
  return body.appointments.map((a) => a.appointment_id);
}

const purchaseOp = (purchaseId: string, op: string, body: object) =>
  admin.request(`/appointments/api/purchases/${purchaseId}/${op}/`, { json: body });

const summary = async (appointmentId: string) =>
  (await messagesOf(database.db, appointmentId)).map(
    (row) => `${row.kind}/${row.channel}/${row.status}`,
  );

function allMessages() {
  return database.db
    .selectFrom('messages')
    .select(['id', 'status', 'available_at'])
    .where('tenant_id', '=', demo.demo)
    .orderBy('id')
    .execute();
}

describe('package-wide operations and the outbox', () => {
  it('a series writes each session’s confirmation and reminder; its replay writes nothing more', async () => {
    const { purchaseId } = await freshPurchase();
    const starts = [at('2026-12-06', '14:00'), at('2026-12-07', '14:00')];
    const [first, second] = await seriesIds(purchaseId, starts, 'outbox-series-0001');
    for (const id of [first!, second!]) {
      expect(await summary(id)).toEqual(['booked/log/pending', 'reminder/log/pending']);
    }
    const [reminder] = (await messagesOf(database.db, first!)).filter((m) => m.kind === 'reminder');
    expect(reminder!.available_at).toEqual(new Date(Date.parse(starts[0]!) - 24 * HOUR));

    const before = await allMessages();
    expect(await seriesIds(purchaseId, starts, 'outbox-series-0001')).toEqual([first, second]);
    expect(await allMessages()).toEqual(before);
  });

  it('a refused series writes no message at all (all or nothing)', async () => {
    const { purchaseId } = await freshPurchase();
    const before = await allMessages();
    // The second session lands on the first: the series is refused, nothing booked.
    const response = await bookSeries(purchaseId, [
      at('2026-12-08', '14:00'),
      at('2026-12-08', '14:00'),
    ]);
    expect(response.status).toBe(409);
    expect(await allMessages()).toEqual(before);
  });

  it('reschedule-all tells of each move and re-times the reminders to the new times', async () => {
    const { purchaseId } = await freshPurchase();
    const ids2 = await seriesIds(purchaseId, [
      at('2026-12-09', '14:00'),
      at('2026-12-10', '14:00'),
    ]);
    const response = await purchaseOp(purchaseId, 'reschedule', {
      offset_days: 7,
      reason: 'Family travelling',
    });
    expect(response.status).toBe(200);
    const moved = (await response.json()) as { moved: { appointment_id: string; start: string }[] };
    for (const id of ids2) {
      const rows = await messagesOf(database.db, id);
      expect(rows.map((row) => `${row.kind}/${row.status}`).sort()).toEqual([
        'booked/pending',
        'reminder/pending',
        'reminder/skipped',
        'rescheduled/pending',
      ]);
      const start = moved.moved.find((m) => m.appointment_id === id)!.start;
      const waiting = rows.find((row) => row.kind === 'reminder' && row.status === 'pending')!;
      expect(waiting.available_at).toEqual(new Date(Date.parse(start) - 24 * HOUR));
    }
  });

  it('a refused reschedule-all writes nothing', async () => {
    const { purchaseId } = await freshPurchase();
    await seriesIds(purchaseId, [at('2026-12-21', '14:00')]);
    // Someone else takes Dr. Huda a week later at that time.
    const { purchaseId: other } = await freshPurchase();
    await seriesIds(other, [at('2026-12-28', '14:00')]);
    const before = await allMessages();
    const response = await purchaseOp(purchaseId, 'reschedule', { offset_days: 7, reason: 'x' });
    expect(response.status).toBe(409);
    expect(await allMessages()).toEqual(before);
  });

  it('cancel-remaining tells of each cancellation and drops the reminders', async () => {
    const { purchaseId } = await freshPurchase();
    const booked = await seriesIds(purchaseId, [
      at('2026-12-15', '11:00'),
      at('2026-12-16', '11:00'),
    ]);
    const response = await purchaseOp(purchaseId, 'cancel-remaining', { reason: 'Moving away' });
    expect(response.status).toBe(200);
    for (const id of booked) {
      expect(await summary(id)).toEqual([
        'booked/log/pending',
        'cancelled/log/pending',
        'reminder/log/skipped',
      ]);
    }
  });

  it('the appointment page says why a reminder was not sent, in the reader’s language', async () => {
    const { purchaseId } = await freshPurchase();
    const [id] = await seriesIds(purchaseId, [at('2026-12-23', '11:00')]);
    expect((await purchaseOp(purchaseId, 'cancel-remaining', { reason: 'Stop' })).status).toBe(200);
    const [reminder] = (await messagesOf(database.db, id!)).filter((m) => m.kind === 'reminder');
    expect(reminder).toMatchObject({ status: 'skipped', last_error: 'appointment cancelled' });
    const reason = async (client: TestClient) =>
      html(await (await client.request(`/appointments/${id}`)).text())
        .querySelector(`#message-reason-${reminder!.id}`)
        ?.text.trim();
    expect(await reason(admin)).toBe('the appointment was cancelled');
    const arabic = await demo.signIn('frontdesk@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const page = await (await arabic.request(`/appointments/${id}`)).text();
    expect(await reason(arabic)).toBe('أُلغي الموعد');
    expect(page).not.toContain('appointment cancelled');
  });

  it('a transfer that cancels the sessions to come tells their patient', async () => {
    const { purchaseId } = await freshPurchase();
    const [id] = await seriesIds(purchaseId, [at('2026-12-17', '11:00')]);
    const sibling = await createPatient(database.db, demo.demo);
    const response = await purchaseOp(purchaseId, 'transfer', {
      patient_id: sibling.id,
      reason: 'For the younger brother',
      cancel_future: true,
    });
    expect(response.status).toBe(201);
    expect(await summary(id!)).toEqual([
      'booked/log/pending',
      'cancelled/log/pending',
      'reminder/log/skipped',
    ]);
  });

  it('a new reminder lead in the settings moves every waiting reminder, in the same save', async () => {
    const { purchaseId } = await freshPurchase();
    const [id] = await seriesIds(purchaseId, [at('2026-12-22', '14:00')]);
    const settings = await findTenantSettings(database.db, demo.demo);
    const form = {
      name: settings.name,
      timezone: settings.timezone,
      currency: settings.currency,
      cancellation_window_hours: String(settings.cancellation_window_hours),
      channels: 'log',
      reminder_hours_before: '48',
      quiet_hours_start: '21:00',
      quiet_hours_end: '08:00',
      vat_percent: '15',
      vat_number: '300000000000003',
      country: 'SA',
    };
    expect((await admin.request('/admin/settings', { form })).status).toBe(303);
    const start = Date.parse(at('2026-12-22', '14:00'));
    const reminder = async () =>
      (await messagesOf(database.db, id!)).find((row) => row.kind === 'reminder')!;
    expect(await reminder()).toMatchObject({
      status: 'pending',
      available_at: new Date(start - 48 * HOUR),
    });
    // No reminders at all: the waiting one is dropped.
    const off = { ...form, reminder_hours_before: '' };
    expect((await admin.request('/admin/settings', { form: off })).status).toBe(303);
    expect(await reminder()).toMatchObject({ status: 'skipped', last_error: 'reminders off' });
    await setMessageSettings(database.db, demo.demo, {});
  });
});
