import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarFeed, revokeCalendarFeed } from '../../src/db/calendar-feeds.js';
import { createTestApp, TestClock } from '../support/app.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import { TestClient } from '../support/client.js';
import { DEMO_NOW, openSignedInDemo, type SignedInDemo } from '../support/demo.js';

let signedIn: SignedInDemo, ids: DemoIds, anonymous: TestClient, adminId: string;

beforeAll(async () => {
  signedIn = await openSignedInDemo();
  ids = await demoIds(signedIn.database.db, signedIn.demo.demo);
  anonymous = new TestClient(createTestApp(signedIn.database.db, new TestClock(DEMO_NOW)).app);
  adminId = (
    await signedIn.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'admin@demo.test')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => signedIn.database.close());

function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
}

describe('calendar feeds', () => {
  it('a provider’s feed parses and holds the session just booked, at its instant', async () => {
    const { database, demo, desk } = signedIn;
    const feed = await createCalendarFeed(
      database.db,
      demo.demo,
      { providerId: ids.huda },
      adminId,
    );
    expect(feed.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const slot = (
      await freeSlots(desk, { providerId: ids.huda, date: '2026-11-30', patientId: ahmed })
    ).find((s) => s.start.includes('T10:00'))!;
    const booked = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: ahmed,
        appointment_type: 'package',
        package_purchase_id: purchase!.id,
        clinic_id: ids.slp,
        provider_id: ids.huda,
        start: slot.start,
        duration_minutes: 45,
      },
    });
    expect(booked.status).toBe(201);
    const { appointment_id } = (await booked.json()) as { appointment_id: string };

    const response = await anonymous.request(`/calendar/${feed.token}.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const events = eventsOf(await response.text());
    const event = events.find((e) => e.uid === `${appointment_id}@raseed`);
    // 10:00 in Riyadh is 07:00Z, whatever zone the reader's calendar is in.
    expect(event?.startDate.toJSDate()).toEqual(new Date('2026-11-30T07:00:00Z'));
    expect(event?.endDate.toJSDate()).toEqual(new Date('2026-11-30T07:45:00Z'));
    // Session numbers follow the date (SPEC §1.9): the one booked for later is 6.
    // The patient by first name only: the feed shows on lock screens.
    expect(event?.summary).toBe('Speech Therapy Session (5) – Ahmed');
    expect(events.map((e) => e.summary).join('\n')).not.toContain('Al-Rashid');
    expect(event?.location).toBe('SLP Clinic');
    // Only Dr. Huda's appointments.
    const hudas = await database.db
      .selectFrom('appointments')
      .select('id')
      .where('provider_id', '=', ids.huda)
      .where('starts_at', '>=', new Date(DEMO_NOW.getTime() - 30 * 86_400_000))
      .execute();
    expect(events.map((e) => e.uid).sort()).toEqual(hudas.map((a) => `${a.id}@raseed`).sort());

    // Cancelled: gone from the feed at the next poll.
    await desk.request(`/appointments/api/appointments/${appointment_id}/cancel/`, {
      json: { reason: 'family travelling' },
    });
    const after = eventsOf(await (await anonymous.request(`/calendar/${feed.token}.ics`)).text());
    expect(after.map((e) => e.uid)).not.toContain(`${appointment_id}@raseed`);
  });

  it('a clinic’s feed holds the clinic’s appointments only', async () => {
    const { database, demo } = signedIn;
    const feed = await createCalendarFeed(database.db, demo.demo, { clinicId: ids.aba }, adminId);
    const events = eventsOf(await (await anonymous.request(`/calendar/${feed.token}.ics`)).text());
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.location))).toEqual(new Set(['ABA Clinic']));
  });

  it('answers 404 to a revoked, unknown or malformed token', async () => {
    const { database, demo } = signedIn;
    const feed = await createCalendarFeed(
      database.db,
      demo.demo,
      { providerId: ids.faisal },
      adminId,
    );
    expect((await anonymous.request(`/calendar/${feed.token}.ics`)).status).toBe(200);
    expect(await revokeCalendarFeed(database.db, demo.demo, feed.id, DEMO_NOW)).toBe(true);
    expect((await anonymous.request(`/calendar/${feed.token}.ics`)).status).toBe(404);
    expect(await revokeCalendarFeed(database.db, demo.other, feed.id, DEMO_NOW)).toBe(false);
    expect((await anonymous.request(`/calendar/${'a'.repeat(43)}.ics`)).status).toBe(404);
    expect((await anonymous.request('/calendar/short.ics')).status).toBe(404);
    const stored = await database.db
      .selectFrom('calendar_feeds')
      .select('token_hash')
      .where('id', '=', feed.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(feed.token);
  });
});
