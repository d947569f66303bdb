import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed/demo.js';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { PATIENT_CHOICE_ID } from '../../src/views/appointments/patient-picker.js';
import {
  DUPLICATES_ID,
  PATIENT_FORM_ID,
  PATIENT_MODAL_ID,
} from '../../src/views/patients/patient-form.js';

/** A walk-in patient registered from the booking page's search, keyboard only. */
describe.skipIf(browserTestsSkipped)(
  'registering a patient at the booking desk in Chromium',
  () => {
    const fixture = useBrowserFixture(async (db) => {
      await seedDemo(db, new Date());
    });

    async function signIn(page: Page, email: string) {
      await page.goto(`${fixture.server.url}/login?next=/appointments/new`);
      // Keys typed before the autofocus lands would be lost (seen once under CI load).
      await page.waitForFunction(() => document.activeElement?.id === 'email');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#booking-title');
    }

    const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

    it('registers a new patient, warns about a duplicate, and selects the patient', async () => {
      const page = await fixture.browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.on('pageerror', (error) => {
        throw error;
      });
      await signIn(page, 'frontdesk@demo.test');
      await page.focus('#patient-search');
      await page.keyboard.type('Zainab Walk-in');
      await page.waitForSelector('#register-patient-button');
      await page.keyboard.press('Tab');
      expect(await focusedId(page)).toBe('register-patient-button');
      await page.keyboard.press('Enter');

      await page.waitForSelector(`#${PATIENT_MODAL_ID}[open] #${PATIENT_FORM_ID}`);
      await expect.poll(() => focusedId(page)).toBe('patient-name-en');
      expect(await page.inputValue('#patient-name-en')).toBe('Zainab Walk-in');
      await page.keyboard.press('Tab');
      await page.keyboard.type('زينب');
      await page.keyboard.press('Tab');
      await page.keyboard.type('+966 50 123 4567'); // Ahmed Al-Rashid's phone
      await page.keyboard.press('Enter');

      await page.waitForSelector(`#${PATIENT_MODAL_ID}[open] #${DUPLICATES_ID}`);
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.textContent))
        .toBe('Use this patient');
      expect(await page.locator(`#${DUPLICATES_ID}`).textContent()).toContain('Ahmed Al-Rashid');
      await page.screenshot({ path: `${ARTIFACTS_DIR}/patient-duplicate-en.png`, fullPage: true });

      await page.click('button[name="confirm_duplicate"]');
      await page.waitForSelector(`#${PATIENT_MODAL_ID}:not([open])`, { state: 'attached' });
      await expect
        .poll(() => page.locator(`#${PATIENT_CHOICE_ID}`).textContent())
        .toContain('Zainab Walk-in');
      await expect
        .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement).name))
        .toBe('appointment_type');
      await page.screenshot({ path: `${ARTIFACTS_DIR}/patient-registered-en.png`, fullPage: true });
      await page.close();
    });

    it('shows field errors in Arabic, right to left', async () => {
      const page = await fixture.browser.newPage({ viewport: { width: 1100, height: 900 } });
      await signIn(page, 'admin@demo.test');
      await page.getByRole('button', { name: 'العربية' }).click();
      await page.waitForSelector('html[dir="rtl"]');
      await page.fill('#patient-search', 'لا أحد هنا');
      await page.click('#register-patient-button');
      await page.waitForSelector(`#${PATIENT_MODAL_ID}[open] #${PATIENT_FORM_ID}`);
      expect(await page.inputValue('#patient-name-ar')).toBe('لا أحد هنا');
      await page.fill('#patient-phone', '12');
      await page.locator(`#${PATIENT_FORM_ID} button[type="submit"]`).first().click();
      await page.waitForSelector('#patient-phone-error');
      expect(await page.locator('#patient-name-en-error').textContent()).toBe(
        'يرجى تعبئة هذا الحقل.',
      );
      await expect.poll(() => focusedId(page)).toBe('patient-name-en');
      await page.screenshot({ path: `${ARTIFACTS_DIR}/patient-quick-add-ar.png`, fullPage: true });
      await page.close();
    });
  },
);
