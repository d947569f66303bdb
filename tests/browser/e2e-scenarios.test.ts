import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  book,
  cancelFromDayView,
  chooseFirstSlot,
  choosePatient,
  confirmSale,
  openDayView,
  openPackageModal,
  screenshots,
  signedInPage,
  workingDayAhead,
} from '../support/browser-flow.js';
import { ANNOUNCER_ID } from '../../src/views/announcer.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';

/**
 * The four scenarios of the seed report (plus the expired purchase of SPEC §1) in Chromium
 * against the real server: search, modal, choose or sell, book, day view, cancel.
 */
describe.skipIf(browserTestsSkipped)('the package scenarios end to end', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  const sessionsUsed = async (patient: string) =>
    (
      await fixture.database.db
        .selectFrom('package_purchases')
        .innerJoin('patients', 'patients.id', 'package_purchases.patient_id')
        .select(['package_purchases.sessions_used', 'package_purchases.total_sessions'])
        .where('patients.name_en', '=', patient)
        .orderBy('package_purchases.purchase_date')
        .execute()
    ).map((row) => `${row.sessions_used}/${row.total_sessions}`);

  it('1: uses the one assigned package, books session 6, sees it in the day view, cancels it', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await screenshots(page, 'e2e-en-1-booking-page');
    await choosePatient(page, 'Ahmed');
    await screenshots(page, 'e2e-en-2-patient-chosen', ['desktop', 'narrow']);

    await openPackageModal(page);
    expect(await page.locator('#assigned-heading').textContent()).toBe('Assigned packages (1)');
    const card = page.locator('#assigned-packages .package-card');
    expect(await card.textContent()).toContain('5/10 used (5 remaining)');
    expect(await card.getAttribute('class')).toContain('suggested');
    expect(await page.locator('#available-heading').textContent()).toBe('Available packages (5)');
    await screenshots(page, 'e2e-en-3-modal');

    await card.getByRole('button', { name: 'Select this package' }).click();
    // Today comes before Ahmed's session next week: in date order it would be session 5.
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 5 of 10 will be booked.');
    expect(await page.locator('#clinic option:checked').textContent()).toBe('SLP Clinic');
    await chooseFirstSlot(page, 'Dr. Huda Al-Zahrani', workingDayAhead(9));
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 6 of 10 will be booked.');
    await screenshots(page, 'e2e-en-4-form-filled');

    await book(page);
    expect(await page.locator('#booked-title').textContent()).toBe('Appointment booked.');
    expect(await page.locator('#booked-session').textContent()).toContain('Session 6 of 10');
    expect(await page.locator(`#${ANNOUNCER_ID}`).textContent()).toBe('Appointment booked.');
    expect(await sessionsUsed('Ahmed Al-Rashid')).toEqual(['6/10']);
    await screenshots(page, 'e2e-en-5-booked');

    await openDayView(page);
    const booked = page.locator(`#${DAY_VIEW_ID} .day-appointment`, { hasText: 'Ahmed Al-Rashid' });
    expect(await booked.textContent()).toContain('SLP 6/10');
    await screenshots(page, 'e2e-en-6-day-view');
    await cancelFromDayView(page, 'Ahmed Al-Rashid', 'Family travelling');
    expect(await page.locator('#appointment-title .badge').textContent()).toBe('Cancelled');
    expect(await page.locator(`#${ANNOUNCER_ID}`).textContent()).toBe(
      'Appointment cancelled. The session went back to the package.',
    );
    expect(await sessionsUsed('Ahmed Al-Rashid')).toEqual(['5/10']); // the session came back
    await screenshots(page, 'e2e-en-7-cancelled');
    await page.context().close();
  });

  it('2: a patient without packages is sold one on the spot and booked on it', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await choosePatient(page, 'Sara');
    await openPackageModal(page);
    expect(await page.locator('#assigned-heading').textContent()).toBe('Assigned packages (0)');
    expect(await page.locator('#assigned-packages .empty').textContent()).toBe(
      'This patient has no packages yet. Assign one below.',
    );
    const aba = page.locator('#available-packages .package-card', {
      hasText: '20 ABA Therapy Package',
    });
    expect(await aba.textContent()).toContain('5,000 SAR');
    await screenshots(page, 'e2e-en-sell-1-modal', ['desktop', 'narrow']);

    await aba.getByRole('button', { name: 'Assign & use package' }).click();
    await confirmSale(page, { later: true });
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 1 of 20 will be booked.');
    expect(await page.locator(`#${ANNOUNCER_ID}`).textContent()).toBe(
      'Package assigned: 20 ABA Therapy Package.',
    );
    expect(await page.locator('#clinic option').allTextContents()).toEqual(['ABA Clinic']);
    await screenshots(page, 'e2e-en-sell-2-assigned', ['desktop', 'narrow']);

    await chooseFirstSlot(page, 'Dr. Reem Al-Mutairi', workingDayAhead(10));
    await book(page);
    expect(await page.locator('#booked-session').textContent()).toContain('Session 1 of 20');
    expect(await sessionsUsed('Sara Al-Harbi')).toEqual(['1/20']);
    await page.context().close();
  });

  it('3: a patient with two different packages chooses the one not suggested', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await choosePatient(page, 'Omar');
    await openPackageModal(page);
    const cards = page.locator('#assigned-packages .package-card');
    expect(await cards.count()).toBe(2);
    // Earliest expiry first, and suggested: the ABA package.
    expect(await cards.first().textContent()).toContain('20 ABA Therapy Package');
    expect(await cards.first().getAttribute('class')).toContain('suggested');
    await screenshots(page, 'e2e-en-choose-1-modal', ['desktop']);

    await cards.nth(1).getByRole('button', { name: 'Select this package' }).click();
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 1 of 12 will be booked.');
    expect(await page.locator('#clinic option').allTextContents()).toEqual(['OT Clinic']);
    await chooseFirstSlot(page, 'Dr. Nada Al-Shehri', workingDayAhead(11));
    await book(page);
    expect(await page.locator('#booked-session').textContent()).toContain('Session 1 of 12');
    expect(await sessionsUsed('Omar Al-Qahtani')).toEqual(['2/20', '1/12']);
    await page.context().close();
  });

  it('4: the same package held twice: either can be chosen and it is still on sale', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await choosePatient(page, 'Layla');
    await openPackageModal(page);
    const cards = page.locator('#assigned-packages .package-card');
    expect(await cards.allTextContents()).toEqual([
      expect.stringContaining('3/10 used (7 remaining)'),
      expect.stringContaining('0/10 used (10 remaining)'),
    ]);
    expect(
      await page
        .locator('#available-packages .package-card', { hasText: '10 SLP Sessions' })
        .count(),
    ).toBe(1);
    await screenshots(page, 'e2e-en-twice-1-modal', ['desktop']);

    await cards.nth(1).getByRole('button').click();
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 1 of 10 will be booked.');
    await chooseFirstSlot(page, 'Dr. Faisal Al-Ghamdi', workingDayAhead(12));
    await book(page);
    expect(await sessionsUsed('Layla Al-Otaibi')).toEqual(['3/10', '1/10']);
    await page.context().close();
  });

  it('an expired purchase shows greyed with its badge and cannot be chosen', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await choosePatient(page, 'Khalid');
    await openPackageModal(page);
    const card = page.locator('#assigned-packages .package-card');
    expect(await card.getAttribute('class')).toContain('expired');
    expect(await card.locator('.badge').textContent()).toBe('Expired');
    expect(await card.getByRole('button').count()).toBe(0);
    // Focus goes to the first thing that can be used: the first package on sale.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Assign & use package',
    );
    await screenshots(page, 'e2e-en-expired-modal', ['desktop', 'narrow']);
    await page.context().close();
  });
});
