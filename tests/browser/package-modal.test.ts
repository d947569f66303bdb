import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { signedInPage } from '../support/browser-flow.js';
import { ANNOUNCER_ID } from '../../src/views/announcer.js';
import { PACKAGE_HINT_ID } from '../../src/views/appointments/booking-page.js';
import { PACKAGE_MODAL_ID } from '../../src/views/appointments/package-modal.js';
import {
  SALE_CONFIRM_ID,
  SALE_FORM_ID,
  SALE_PAY_LATER_ID,
} from '../../src/views/appointments/sale-confirmation.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
} from '../../src/views/appointments/patient-picker.js';

describe.skipIf(browserTestsSkipped)('the package modal in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  async function bookingPage(email = 'frontdesk@demo.test'): Promise<Page> {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      email,
      '/appointments/new',
      {
        viewport: { width: 1100, height: 900 },
      },
    );
    await page.waitForSelector('#booking-title');
    return page;
  }

  async function choosePatient(page: Page, search: string) {
    await page.locator('#patient-search').fill(search);
    await page.waitForSelector(`#${PATIENT_RESULTS_ID} button.result`);
    await page.locator('#patient-search').press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#${PATIENT_CHOICE_ID} [name="patient_id"]`, { state: 'attached' });
  }

  const focusIsInModal = (page: Page) =>
    page.evaluate(
      (modalId) => document.activeElement?.closest(`#${modalId}`) !== null,
      PACKAGE_MODAL_ID,
    );

  it('asks for a patient first, without a request', async () => {
    const page = await bookingPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page
      .getByLabel('Use package')
      .check({ force: true })
      .catch(() => undefined);
    await expect.poll(() => page.locator(`#${PACKAGE_HINT_ID}`).isVisible()).toBe(true);
    expect(await page.locator(`#${PACKAGE_HINT_ID}`).textContent()).toBe(
      'Please select a patient first.',
    );
    expect(await page.getByLabel('Single session').isChecked()).toBe(true);
    expect(await page.locator(`#${PACKAGE_MODAL_ID}`).getAttribute('open')).toBeNull();
    expect(requests.filter((url) => url.includes('package-modal'))).toEqual([]);
    await page.close();
  });

  it('opens with the keyboard, keeps focus inside, closes on Escape and gives focus back', async () => {
    const page = await bookingPage();
    await choosePatient(page, 'Ahmed');
    expect(await page.locator(`#${PATIENT_CHOICE_ID}`).textContent()).toContain('Ahmed Al-Rashid');

    await page.getByLabel('Use package').focus();
    await page.keyboard.press('Space');
    await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] .package-card`);
    await expect.poll(() => focusIsInModal(page)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-modal-en.png` });
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await focusIsInModal(page)).toBe(true);
    }

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(`#${PACKAGE_MODAL_ID}`).getAttribute('open')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('type-package');
    // The dialog's close event comes a moment after it closes.
    await expect.poll(() => page.getByLabel('Single session').isChecked()).toBe(true);
    await page.close();
  });

  it('selects the suggested package: session 5 of 10 today, SLP Clinic and its providers', async () => {
    const page = await bookingPage();
    await choosePatient(page, 'Ahmed');
    await page.getByLabel('Use package').check();
    await page.locator('.package-card.suggested button').click();
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 5 of 10 will be booked.'); // today, before Ahmed's session next week
    expect(await page.locator(`#${PACKAGE_MODAL_ID}`).getAttribute('open')).toBeNull();
    expect(await page.locator('#clinic option:checked').textContent()).toBe('SLP Clinic');
    expect(await page.locator('#provider option').allTextContents()).toContain(
      'Dr. Huda Al-Zahrani',
    );
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-selected-en.png` });
    await page.close();
  });

  it('assigns a new package once, even on a double click, and announces it', async () => {
    const page = await bookingPage();
    await choosePatient(page, 'Sara');
    await page.getByLabel('Use package').check();
    const card = page.locator('.package-card', { hasText: '20 ABA Therapy Package' });
    await card.getByRole('button').dblclick();
    // The sale's confirmation (SPEC §7), sold with pay later: confirmed with a double click too.
    await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] #${SALE_FORM_ID}`);
    await page.locator(`#${SALE_PAY_LATER_ID}`).check();
    await page.locator(`#${SALE_CONFIRM_ID}`).dblclick();
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 1 of 20 will be booked.');
    expect(await page.locator(`#${ANNOUNCER_ID}`).textContent()).toBe(
      'Package assigned: 20 ABA Therapy Package.',
    );
    expect(await page.locator('#clinic option').allTextContents()).toEqual(['ABA Clinic']);
    const purchases = await fixture.database.db
      .selectFrom('package_purchases')
      .innerJoin('patients', 'patients.id', 'package_purchases.patient_id')
      .select('package_purchases.id')
      .where('patients.name_en', '=', 'Sara Al-Harbi')
      .execute();
    expect(purchases).toHaveLength(1);
    await page.close();
  });

  it('works in Arabic, right to left', async () => {
    const page = await bookingPage('admin@demo.test');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.waitForSelector('html[dir="rtl"]');
    await choosePatient(page, 'ليلى');
    await page.getByLabel('استخدام باقة').check();
    await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] .package-card`);
    expect(await page.locator('#assigned-heading').textContent()).toBe('الباقات المخصصة (2)');
    expect(await page.locator('#package-modal-title').textContent()).toBe('باقات ليلى العتيبي');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-modal-ar.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-modal-ar-narrow.png` });
    await page.close();
  });
});
