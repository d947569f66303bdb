import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { demoIds, type DemoIds } from '../support/booking.js';
import { html, TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createAppointment, createPatient } from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { MY_DAY_ID, MY_WEEK_ID } from '../../src/views/appointments/my-day.js';

let database: TestDatabase, demo: DemoFixture, provider: TestClient, ids: DemoIds;
const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

/** Riyadh is UTC+3: the demo day (2026-11-25) at `time` local. */
const riyadh = (date: string, time: string) => new Date(`${date}T${time}:00+03:00`);

async function appointmentFor(
  providerId: string,
  clinic: 'slp' | 'aba',
  starts: Date,
  name: string,
) {
  const patient = await createPatient(database.db, demo.demo, { name_en: name });
  const desk = await database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'frontdesk@demo.test')
    .executeTakeFirstOrThrow();
  return createAppointment(
    database.db,
    {
      tenant: { id: demo.demo },
      clinic: { id: ids[clinic] },
      service: { id: clinic === 'slp' ? ids.speech : ids.aba_therapy },
      provider: { id: providerId },
      patient,
      user: desk,
    },
    { starts_at: starts, ends_at: new Date(starts.getTime() + 45 * 60_000) },
  );
}

beforeAll(async () => {
  ({ database, demo, desk: provider } = await openSignedInDemo('provider@demo.test'));
  ids = await demoIds(database.db, demo.demo);
  await appointmentFor(ids.huda, 'aba', riyadh('2026-11-25', '15:00'), 'Later Aba');
  await appointmentFor(ids.huda, 'slp', riyadh('2026-11-25', '13:00'), 'Earlier Slp');
  await appointmentFor(ids.faisal, 'slp', riyadh('2026-11-25', '14:00'), 'Someone Elses');
  await appointmentFor(ids.huda, 'slp', riyadh('2026-11-26', '10:00'), 'Tomorrow Patient');
});
afterAll(() => database.close());

describe("the provider's day", () => {
  it('is where a provider lands after signing in', async () => {
    const home = await provider.request('/');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/my-day');
  });

  it('lists their own appointments today across clinics in time order, with what they may do', async () => {
    const page = html(await (await provider.request('/my-day')).text());
    expect(textOf(page.querySelector('#my-day-title'))).toBe('My day: Dr. Huda Al-Zahrani');
    const items = page.querySelectorAll(`#${MY_DAY_ID} .my-appointment`);
    expect(items.map((item) => textOf(item.querySelector('.patient')))).toEqual([
      'Earlier Slp',
      'Later Aba',
    ]);
    expect(textOf(items[0]!.querySelector('.service'))).toBe('Speech Therapy Session · SLP Clinic');
    expect(textOf(items[1]!.querySelector('.service'))).toContain('ABA Clinic');
    // Today: arrival may be marked (SPEC §2), not a no-show (the desk's).
    expect(items[0]!.querySelectorAll('button').map(textOf)).toEqual(['Mark arrived']);
    expect(textOf(page.querySelector(`#${MY_DAY_ID}`))).not.toContain('Someone Elses');
  });

  it('moves to the next day, where arrival cannot be marked yet', async () => {
    const page = html(await (await provider.request('/my-day')).text());
    expect(page.querySelector('#next-day')?.getAttribute('href')).toBe('/my-day?date=2026-11-26');
    expect(page.querySelector('#previous-day')?.getAttribute('href')).toBe(
      '/my-day?date=2026-11-24',
    );
    const next = html(await (await provider.request('/my-day?date=2026-11-26')).text());
    const items = next.querySelectorAll(`#${MY_DAY_ID} .my-appointment`);
    expect(items.map((item) => textOf(item.querySelector('.patient')))).toEqual([
      'Tomorrow Patient',
    ]);
    expect(items[0]!.querySelectorAll('button')).toHaveLength(0);
  });

  it("shows the week with each package session's badge", async () => {
    const page = html(await (await provider.request('/my-day/week?date=2026-12-02')).text());
    const days = page.querySelectorAll(`#${MY_WEEK_ID} .week-day`);
    expect(days).toHaveLength(7);
    expect(textOf(days[0]!.querySelector('h2'))).toContain('29 November 2026'); // a Sunday
    const ahmed = page
      .querySelectorAll(`#${MY_WEEK_ID} .my-appointment`)
      .find((item) => textOf(item.querySelector('.patient')) === 'Ahmed Al-Rashid');
    expect(textOf(ahmed?.querySelector('.badge-package'))).toBe('SLP 5/10');
  });

  it('answers htmx with the list alone (its live re-fetch)', async () => {
    const response = await provider.request('/my-day?date=2026-11-25', { htmx: true });
    const fragment = html(await response.text());
    expect(fragment.querySelector(`#${MY_DAY_ID}`)).not.toBeNull();
    expect(fragment.querySelector('#my-day-title')).toBeNull();
  });

  it('is for providers: the desk, admins and finance are refused; strangers sign in first', async () => {
    for (const email of ['frontdesk@demo.test', 'admin@demo.test', 'finance@demo.test']) {
      const client = await demo.signIn(email);
      expect((await client.request('/my-day')).status, email).toBe(403);
      expect((await client.request('/my-day/week')).status, email).toBe(403);
    }
    const anonymous = await new TestClient(createTestApp(database.db).app).request('/my-day');
    expect(anonymous.status).toBe(303);
  });

  it('refuses a malformed date', async () => {
    expect((await provider.request('/my-day?date=2026-13-45')).status).toBe(400);
  });
});
