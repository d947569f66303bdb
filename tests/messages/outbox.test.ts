import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as appointments from '../../src/db/appointments.js';
import { enqueueAppointmentMessages, listDeadMessages } from '../../src/db/messages.js';
import { createMessageWorker } from '../../src/messages/worker.js';
import { TestClock } from '../support/app.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import type { TestClient } from '../support/client.js';
import { DEMO_NOW, openSignedInDemo, type DemoFixture } from '../support/demo.js';
import type { TestDatabase } from '../support/test-db.js';
import { messagesOf, recordingChannel, setMessageSettings } from './support.js';

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh (UTC+3, no DST).
const MONDAY = '2026-11-30';

let database: TestDatabase, demo: DemoFixture, desk: TestClient, ids: DemoIds;
let ahmed: string, purchaseId: string;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
  ahmed = await demo.patient('Ahmed Al-Rashid');
  purchaseId = (await demo.purchasesOf(ahmed))[0]!.id;
  await database.db
    .updateTable('patients')
    .set({ email: 'rashid.family@example.test' })
    .where('id', '=', ahmed)
    .execute();
});
afterAll(() => database.close());
beforeEach(async () => {
  await setMessageSettings(database.db, demo.demo, { email: true, sms: true });
  await database.db
    .updateTable('patients')
    .set({ consent_sms: true, consent_reminders: true })
    .where('id', '=', ahmed)
    .execute();
});

/** Books Ahmed's next package session at `time` (Riyadh) on `date` with Dr. Huda. */
async function bookAhmed(time: string, date = MONDAY, key?: string) {
  const slot = (await freeSlots(desk, { providerId: ids.huda, date, patientId: ahmed })).find((s) =>
    s.start.includes(`T${time}`),
  )!;
  const response = await desk.request('/appointments/api/book/', {
    json: {
      patient_id: ahmed,
      appointment_type: 'package',
      package_purchase_id: purchaseId,
      clinic_id: ids.slp,
      provider_id: ids.huda,
      start: slot.start,
      duration_minutes: 45,
      ...(key ? { idempotency_key: key } : {}),
    },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { appointment_id: string }).appointment_id;
}

function cancel(appointmentId: string) {
  return desk.request(`/appointments/api/appointments/${appointmentId}/cancel/`, {
    json: { reason: 'family travelling' },
  });
}

describe('the outbox', () => {
  it('writes one confirmation per enabled channel, and a reminder per channel 24 h before', async () => {
    const id = await bookAhmed('11:00');
    const rows = await messagesOf(database.db, id);
    expect(rows.map((row) => `${row.kind}/${row.channel}/${row.status}`)).toEqual([
      'booked/email/pending',
      'booked/log/pending',
      'booked/sms/pending',
      'reminder/email/pending',
      'reminder/log/pending',
      'reminder/sms/pending',
    ]);
    const reminder = rows.find((row) => row.kind === 'reminder')!;
    // 11:00 on Monday in Riyadh is 08:00Z; 24 h before is Sunday 08:00Z.
    expect(reminder.available_at).toEqual(new Date('2026-11-29T08:00:00Z'));
    expect(rows.find((row) => row.kind === 'booked')!.available_at).toEqual(DEMO_NOW);
    expect((await cancel(id)).status).toBe(200);
  });

  it('leaves out the channels a patient has not consented to, and reminders when none are wanted', async () => {
    await database.db
      .updateTable('patients')
      .set({ consent_sms: false, consent_reminders: false })
      .where('id', '=', ahmed)
      .execute();
    const id = await bookAhmed('12:00');
    const rows = await messagesOf(database.db, id);
    expect(rows.map((row) => `${row.kind}/${row.channel}`)).toEqual(['booked/email', 'booked/log']);
    expect((await cancel(id)).status).toBe(200);
  });

  it('writes nothing more when the same booking is sent again with its idempotency key', async () => {
    const key = 'outbox-replay-0001';
    const id = await bookAhmed('13:00', MONDAY, key);
    const before = await messagesOf(database.db, id);
    const again = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: ahmed,
        appointment_type: 'package',
        package_purchase_id: purchaseId,
        clinic_id: ids.slp,
        provider_id: ids.huda,
        start: `${MONDAY}T13:00:00+03:00`,
        duration_minutes: 45,
        idempotency_key: key,
      },
    });
    expect(again.status).toBe(201);
    expect(await messagesOf(database.db, id)).toEqual(before);
    expect((await cancel(id)).status).toBe(200);
  });

  it('writes nothing for a refused booking, nor for one whose transaction rolls back', async () => {
    const count = async () =>
      Number(
        (
          await database.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const id = await bookAhmed('14:00');
    const afterBooking = await count();
    // The same slot again: refused (409), no message.
    const refused = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: ahmed,
        appointment_type: 'package',
        package_purchase_id: purchaseId,
        clinic_id: ids.slp,
        provider_id: ids.huda,
        start: `${MONDAY}T14:00:00+03:00`,
        duration_minutes: 45,
      },
    });
    expect(refused.status).toBe(409);
    expect(await count()).toBe(afterBooking);
    // A booking whose transaction fails after its messages were written leaves none behind.
    const tenant = { id: demo.demo, timezone: 'Asia/Riyadh', cancellationWindowHours: 24 };
    const rolledBack = database.db.transaction().execute(async (trx) => {
      const booking = await appointments.bookAppointment(
        trx,
        tenant,
        { id: (await trx.selectFrom('users').select('id').executeTakeFirstOrThrow()).id, ip: null },
        {
          patientId: ahmed,
          type: 'package',
          clinicId: ids.slp,
          providerId: ids.huda,
          serviceId: null,
          purchaseId,
          groupSessionId: null,
          start: new Date(`${MONDAY}T15:00:00+03:00`),
          durationMinutes: 45,
          idempotencyKey: null,
        },
        DEMO_NOW,
      );
      await enqueueAppointmentMessages(trx, demo.demo, booking.appointment.id, 'booked', DEMO_NOW);
      throw new Error('something after the booking failed');
    });
    await expect(rolledBack).rejects.toThrow('something after the booking failed');
    expect(await count()).toBe(afterBooking);
    expect(afterBooking - before).toBe(6);
    expect((await cancel(id)).status).toBe(200);
  });

  it('tells of a cancellation on every channel and drops the reminders still waiting', async () => {
    const id = await bookAhmed('11:00');
    expect((await cancel(id)).status).toBe(200);
    const rows = await messagesOf(database.db, id);
    expect(rows.map((row) => `${row.kind}/${row.channel}/${row.status}`)).toEqual([
      'booked/email/pending',
      'booked/log/pending',
      'booked/sms/pending',
      'cancelled/email/pending',
      'cancelled/log/pending',
      'cancelled/sms/pending',
      'reminder/email/skipped',
      'reminder/log/skipped',
      'reminder/sms/skipped',
    ]);
  });

  it('tells of a move on every channel and reminds of the new time, not the old one', async () => {
    const id = await bookAhmed('09:00');
    const later = (await freeSlots(desk, { providerId: ids.huda, date: MONDAY, patientId: ahmed }))
      .map((slot) => slot.start)
      .find((start) => start.includes('T13:00'))!;
    const moved = await desk.request(`/appointments/api/appointments/${id}/reschedule/`, {
      json: { start: later, reason: 'school run' },
    });
    expect(moved.status).toBe(200);
    const rows = await messagesOf(database.db, id);
    const kinds = (kind: string, status: string) =>
      rows.filter((row) => row.kind === kind && row.status === status).map((row) => row.channel);
    expect(kinds('rescheduled', 'pending').sort()).toEqual(['email', 'log', 'sms']);
    expect(kinds('reminder', 'skipped').sort()).toEqual(['email', 'log', 'sms']);
    const reminders = rows.filter((row) => row.kind === 'reminder' && row.status === 'pending');
    // 13:00 on Monday in Riyadh is 10:00Z; 24 h before is Sunday 10:00Z.
    expect(reminders.map((row) => row.available_at)).toEqual(
      Array(3).fill(new Date('2026-11-29T10:00:00Z')),
    );
    // The tests after this one book Ahmed's next session and its slot again.
    expect((await cancel(id)).status).toBe(200);
  });
});

describe('the worker', () => {
  it('delivers confirmations now and the reminder at 11:00 in Riyadh the day before', async () => {
    await setMessageSettings(database.db, demo.demo, {});
    await database.db.updateTable('messages').set({ status: 'skipped' }).execute();
    const id = await bookAhmed('11:00');
    const clock = new TestClock(DEMO_NOW);
    const log = recordingChannel();
    const worker = createMessageWorker({ db: database.db, clock: clock.now, channels: { log } });
    expect(await worker.deliverDue()).toBe(1);
    expect(log.sent.map((m) => m.kind)).toEqual(['booked']);
    // Numbered in date order (SPEC §1.9): Ahmed's session already booked for later is 6.
    expect(log.sent[0]!.text).toContain('This is session 5 of 10.');

    clock.advance(new Date('2026-11-29T07:59:00Z').getTime() - DEMO_NOW.getTime()); // 10:59
    expect(await worker.deliverDue()).toBe(0);
    clock.advance(60_000); // 11:00 in Riyadh, 24 h before the session
    expect(await worker.deliverDue()).toBe(1);
    expect(log.sent.map((m) => m.kind)).toEqual(['booked', 'reminder']);
    expect(log.sent[1]!.text).toContain('Monday, 30 November 2026, 11:00–11:45');

    // Sent rows are never claimed again, however long after.
    clock.advance(7 * 24 * 3_600_000);
    expect(await worker.deliverDue()).toBe(0);
    expect((await messagesOf(database.db, id)).map((row) => row.status)).toEqual(['sent', 'sent']);
    expect((await cancel(id)).status).toBe(200);
  });

  it('does not send a reminder of a time the appointment no longer has', async () => {
    await setMessageSettings(database.db, demo.demo, {});
    await database.db.updateTable('messages').set({ status: 'skipped' }).execute();
    const id = await bookAhmed('15:00');
    // Moved behind the outbox's back (as a reschedule without its messages would).
    await database.db
      .updateTable('appointments')
      .set({
        starts_at: new Date(`${MONDAY}T15:15:00+03:00`),
        ends_at: new Date(`${MONDAY}T16:00:00+03:00`),
      })
      .where('id', '=', id)
      .execute();
    const clock = new TestClock(new Date('2026-11-29T12:00:00Z'));
    const log = recordingChannel();
    const worker = createMessageWorker({ db: database.db, clock: clock.now, channels: { log } });
    expect(await worker.deliverDue()).toBe(2);
    expect(log.sent.map((m) => m.kind)).toEqual(['booked']);
    const reminder = (await messagesOf(database.db, id)).find((row) => row.kind === 'reminder')!;
    expect(reminder).toMatchObject({ status: 'skipped', last_error: 'appointment changed' });
  });

  it('retries a failing channel with growing delays, then lists it for an admin', async () => {
    await setMessageSettings(database.db, demo.demo, { reminderHours: null });
    await database.db.updateTable('messages').set({ status: 'skipped' }).execute();
    const id = await bookAhmed('12:00');
    const clock = new TestClock(DEMO_NOW);
    const log = recordingChannel();
    log.failing = true;
    const worker = createMessageWorker({
      db: database.db,
      clock: clock.now,
      channels: { log },
      options: { maxAttempts: 3, backoffMs: 60_000 },
    });
    expect(await worker.deliverDue()).toBe(1);
    const [first] = await messagesOf(database.db, id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: 'provider down' });
    expect(first!.available_at).toEqual(new Date(DEMO_NOW.getTime() + 60_000));
    clock.advance(59_000);
    expect(await worker.deliverDue()).toBe(0);
    clock.advance(1_000);
    expect(await worker.deliverDue()).toBe(1); // second attempt; the next waits 2 minutes
    clock.advance(119_000);
    expect(await worker.deliverDue()).toBe(0);
    clock.advance(1_000);
    expect(await worker.deliverDue()).toBe(1);
    const [dead] = await messagesOf(database.db, id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3 });
    expect((await listDeadMessages(database.db, demo.demo)).map((m) => m.id)).toContain(dead!.id);
    expect(await listDeadMessages(database.db, demo.other)).toEqual([]);
    clock.advance(24 * 3_600_000);
    expect(await worker.deliverDue()).toBe(0);
    expect(log.sent).toEqual([]);
  });

  it('holds messages through the quiet hours, ending at 08:00 local across a DST change', async () => {
    await setMessageSettings(database.db, demo.demo, { reminderHours: null });
    await database.db.updateTable('messages').set({ status: 'skipped' }).execute();
    const id = await bookAhmed('13:00');
    // The centre moves to New York; clocks there go forward on Sunday 14 March 2027.
    await setMessageSettings(database.db, demo.demo, {
      reminderHours: null,
      timezone: 'America/New_York',
    });
    try {
      const clock = new TestClock(new Date('2027-03-14T04:00:00Z')); // 23:00 EST, Saturday
      const log = recordingChannel();
      const worker = createMessageWorker({ db: database.db, clock: clock.now, channels: { log } });
      expect(await worker.deliverDue()).toBe(1);
      expect(log.sent).toEqual([]);
      const [held] = await messagesOf(database.db, id);
      // 08:00 EDT is 12:00Z (it would be 13:00Z before the change); the attempt is not counted.
      expect(held).toMatchObject({ status: 'pending', attempts: 0 });
      expect(held!.available_at).toEqual(new Date('2027-03-14T12:00:00Z'));
      clock.advance(new Date('2027-03-14T11:59:00Z').getTime() - clock.now().getTime());
      expect(await worker.deliverDue()).toBe(0);
      clock.advance(60_000);
      expect(await worker.deliverDue()).toBe(1);
      expect(log.sent.map((m) => m.kind)).toEqual(['booked']);
    } finally {
      await setMessageSettings(database.db, demo.demo, { timezone: 'Asia/Riyadh' });
    }
  });
});
