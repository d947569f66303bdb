import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed/demo.js';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';
import { PACKAGE_MODAL_ID } from '../../src/views/appointments/package-modal.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
} from '../../src/views/appointments/patient-picker.js';
import { SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';

/** The whole flow of SPEC §1 with the keyboard only, from "Use package" to the day view. */
describe.skipIf(browserTestsSkipped)('booking a package session in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  async function tabTo(page: Page, selector: string) {
    for (let i = 0; i < 40; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not reach ${selector} with Tab`);
  }

  it('books with the keyboard alone and finds the appointment in the day view', async () => {
    const page = await fixture.browser.newPage({ viewport: { width: 1100, height: 1000 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${fixture.server.url}/login?next=/appointments/new`);
    // Keys typed before the autofocus lands would be lost (seen once under CI load).
    await page.waitForFunction(() => document.activeElement?.id === 'email');
    await page.keyboard.type('frontdesk@demo.test');
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#booking-title');

    await tabTo(page, '#patient-search');
    await page.keyboard.type('Ahmed');
    await page.waitForSelector(`#${PATIENT_RESULTS_ID} button.result`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#${PATIENT_CHOICE_ID} [name="patient_id"]`, { state: 'attached' });

    await tabTo(page, '[name="appointment_type"]:checked'); // a radio group is one Tab stop
    await page.keyboard.press('ArrowDown'); // Single session → Use package
    await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] .package-card.suggested`);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Select this package');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#package-next-session');
    await page.waitForSelector('#service');

    await tabTo(page, '#provider');
    await page.keyboard.press('ArrowDown'); // the first provider of SLP Clinic
    await expect
      .poll(() => page.locator(`#${SLOT_LIST_ID}`).textContent())
      .not.toContain('Choose a provider');
    await tabTo(page, '#date');
    const nextWeek = new Date(Date.now() + 7 * 86_400_000);
    while ([5, 6].includes(nextWeek.getUTCDay())) nextWeek.setUTCDate(nextWeek.getUTCDate() + 1);
    const [year, month, day] = nextWeek.toISOString().slice(0, 10).split('-');
    await page.keyboard.type(`${month}${day}${year}`);
    await page.keyboard.press('Tab'); // leaving the date sends its change
    await expect.poll(() => page.locator(`#${SLOT_LIST_ID} .slot`).count()).toBeGreaterThan(10);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/booking-form-en.png`, fullPage: true });

    await tabTo(page, `#${SLOT_LIST_ID} input[name="start"]`);
    await page.keyboard.press('Space');
    await tabTo(page, '#book-button');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#booked-title').textContent())
      .toBe('Appointment booked.');
    // Numbered in date order (SPEC §1.9): next week comes before Ahmed's session booked later.
    expect(await page.locator('#booked-session').textContent()).toContain('Session 5 of 10');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/booking-confirmed-en.png`, fullPage: true });

    await page.locator('#main').getByRole('link', { name: 'Day view' }).click();
    await page.waitForSelector(`#${DAY_VIEW_ID}`);
    expect(await page.locator(`#${DAY_VIEW_ID}`).textContent()).toContain('Ahmed Al-Rashid');
    expect(await page.locator(`#${DAY_VIEW_ID}`).textContent()).toContain('SLP 5/10');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/day-view-en.png`, fullPage: true });
    await page.close();
  });
});
