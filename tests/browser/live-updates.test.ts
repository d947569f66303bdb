import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { liveStreamOpen, signedInPage, workingDayAhead } from '../support/browser-flow.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';
import { SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';

/** Two desks: a booking at one takes the slot away at the other and shows in the day view. */
describe.skipIf(browserTestsSkipped)('live updates between desks', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  const signedIn = (path: string) =>
    signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test', path, {
      viewport: { width: 1100, height: 1000 },
    });

  const faisalsSpeech = () =>
    fixture.database.db
      .selectFrom('providers')
      .innerJoin('provider_clinics', 'provider_clinics.provider_id', 'providers.id')
      .innerJoin('clinics', 'clinics.id', 'provider_clinics.clinic_id')
      .innerJoin('services', 'services.clinic_id', 'clinics.id')
      .select(['providers.id as provider', 'clinics.id as clinic', 'services.id as service'])
      .where('providers.name_en', '=', 'Dr. Faisal Al-Ghamdi')
      .where('services.name_en', '=', 'Speech Therapy Session')
      .executeTakeFirstOrThrow();
  const patient = (name: string) =>
    fixture.database.db
      .selectFrom('patients')
      .select('id')
      .where('name_en', '=', name)
      .executeTakeFirstOrThrow();

  it('removes a slot booked at another desk and adds it to the day view', async () => {
    const date = workingDayAhead(3);
    const ids = await faisalsSpeech();
    const sara = await patient('Sara Al-Harbi');

    // Desk B looks at Dr. Faisal's free times; a third screen shows the day view.
    const deskB = await signedIn('/appointments/new');
    await deskB.locator('#clinic').selectOption({ label: 'SLP Clinic' });
    await deskB.waitForSelector('#service');
    await deskB.locator('#provider').selectOption({ label: 'Dr. Faisal Al-Ghamdi' });
    await deskB.locator('#date').fill(date);
    await deskB.locator('#date').dispatchEvent('change');
    await expect.poll(() => deskB.locator(`#${SLOT_LIST_ID} .slot`).count()).toBeGreaterThan(10);
    const first = await deskB.locator(`#${SLOT_LIST_ID} .slot input`).first().getAttribute('value');
    const dayView = await signedIn(`/appointments?date=${date}&clinic=${ids.clinic}`);
    expect(await dayView.locator(`#${DAY_VIEW_ID}`).textContent()).not.toContain('Sara Al-Harbi');
    await liveStreamOpen(deskB);
    await liveStreamOpen(dayView);
    await deskB.screenshot({ path: `${ARTIFACTS_DIR}/live-before-en.png`, fullPage: true });

    // Desk A books that time (through the JSON API, as its page's front-end would).
    const deskA = await signedIn('/');
    const status = await bookThroughApi(deskA, {
      patient_id: sara.id,
      appointment_type: 'single',
      service_id: ids.service,
      clinic_id: ids.clinic,
      provider_id: ids.provider,
      start: first,
      duration_minutes: 45,
    });
    expect(status).toBe(201);
    const bookedAt = Date.now();

    await expect
      .poll(() => deskB.locator(`#${SLOT_LIST_ID} input[value="${first}"]`).count())
      .toBe(0);
    const slotGoneAfter = Date.now() - bookedAt;
    await expect
      .poll(() => dayView.locator(`#${DAY_VIEW_ID}`).textContent())
      .toContain('Sara Al-Harbi');
    console.log(`live update: slot gone at the other desk ${slotGoneAfter} ms after the booking`);
    await deskB.screenshot({ path: `${ARTIFACTS_DIR}/live-after-en.png`, fullPage: true });
    await dayView.screenshot({ path: `${ARTIFACTS_DIR}/live-day-view-en.png`, fullPage: true });
  });

  it('shows what was booked while its stream was closed, once it opens again', async () => {
    const date = workingDayAhead(4);
    const ids = await faisalsSpeech();
    const booking = (patientId: string, start: string) => ({
      patient_id: patientId,
      appointment_type: 'single',
      service_id: ids.service,
      clinic_id: ids.clinic,
      provider_id: ids.provider,
      start: `${date}T${start}:00+03:00`,
      duration_minutes: 45,
    });
    const deskA = await signedIn('/');

    // Between the page's render and its stream's first open: the stream is held back while
    // desk A books.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const dayView = await signedIn('/');
    await dayView.route('**/events', async (route) => {
      await released;
      await route.continue();
    });
    await dayView.goto(`${fixture.server.url}/appointments?date=${date}&clinic=${ids.clinic}`);
    expect(await bookThroughApi(deskA, booking((await patient('Sara Al-Harbi')).id, '09:00'))).toBe(
      201,
    );
    release();
    await expect
      .poll(() => dayView.locator(`#${DAY_VIEW_ID}`).textContent(), { timeout: 30_000 })
      .toContain('Sara Al-Harbi');
    await liveStreamOpen(dayView);

    // Cut while open, as a network blip would: every connection dropped, the reconnection
    // held back while desk A books.
    let reopen!: () => void;
    const reopened = new Promise<void>((resolve) => (reopen = resolve));
    await dayView.route('**/events', async (route) => {
      await reopened;
      await route.continue();
    });
    await dayView.evaluate(() => {
      (window as { raseedStreamOpen?: boolean }).raseedStreamOpen = false;
    });
    fixture.server.dropConnections();
    const ahmed = await patient('Ahmed Al-Rashid');
    expect(await bookThroughApi(deskA, booking(ahmed.id, '11:00'))).toBe(201);
    reopen();
    await liveStreamOpen(dayView);
    await expect
      .poll(() => dayView.locator(`#${DAY_VIEW_ID}`).textContent())
      .toContain('Ahmed Al-Rashid');
    await dayView.screenshot({
      path: `${ARTIFACTS_DIR}/live-after-reconnect-en.png`,
      fullPage: true,
    });
  }, 120_000);
});

/** Books through the JSON API in `page`, as its front-end would; the answer's status. */
function bookThroughApi(page: Page, body: Record<string, unknown>): Promise<number> {
  return page.evaluate(async (body) => {
    const token = document.querySelector('meta[name="csrf-token"]')!.getAttribute('content')!;
    const response = await fetch('/appointments/api/book/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrftoken': token },
      body: JSON.stringify(body),
    });
    return response.status;
  }, body);
}
