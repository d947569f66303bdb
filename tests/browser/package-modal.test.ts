import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed-demo.js';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';

describe.skipIf(browserTestsSkipped)('the package modal in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  async function bookingPage(email = 'frontdesk@demo.test'): Promise<Page> {
    const page = await fixture.browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${fixture.server.url}/login?next=/appointments/new`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForSelector('#booking-title');
    return page;
  }

  async function choosePatient(page: Page, search: string) {
    await page.locator('#patient-search').fill(search);
    await page.waitForSelector('#patient-results button.result');
    await page.locator('#patient-search').press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#patient-choice [name="patient_id"]', { state: 'attached' });
  }

  const focusIsInModal = (page: Page) =>
    page.evaluate(() => document.activeElement?.closest('#package-modal') !== null);

  it('asks for a patient first, without a request', async () => {
    const page = await bookingPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page
      .getByLabel('Use package')
      .check({ force: true })
      .catch(() => undefined);
    await expect.poll(() => page.locator('#package-hint').isVisible()).toBe(true);
    expect(await page.locator('#package-hint').textContent()).toBe(
      'Please select a patient first.',
    );
    expect(await page.getByLabel('Single session').isChecked()).toBe(true);
    expect(await page.locator('#package-modal').getAttribute('open')).toBeNull();
    expect(requests.filter((url) => url.includes('package-modal'))).toEqual([]);
    await page.close();
  });

  it('opens with the keyboard, keeps focus inside, closes on Escape and gives focus back', async () => {
    const page = await bookingPage();
    await choosePatient(page, 'Ahmed');
    expect(await page.locator('#patient-choice').textContent()).toContain('Ahmed Al-Rashid');

    await page.getByLabel('Use package').focus();
    await page.keyboard.press('Space');
    await page.waitForSelector('#package-modal[open] .package-card');
    await expect.poll(() => focusIsInModal(page)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-modal-en.png` });
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await focusIsInModal(page)).toBe(true);
    }

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#package-modal').getAttribute('open')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('type-package');
    // The dialog's close event comes a moment after it closes.
    await expect.poll(() => page.getByLabel('Single session').isChecked()).toBe(true);
    await page.close();
  });

  it('selects the suggested package: session 6 of 10, SLP Clinic and its providers', async () => {
    const page = await bookingPage();
    await choosePatient(page, 'Ahmed');
    await page.getByLabel('Use package').check();
    await page.locator('.package-card.suggested button').click();
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 6 of 10 will be booked.');
    expect(await page.locator('#package-modal').getAttribute('open')).toBeNull();
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
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('Session 1 of 20 will be booked.');
    expect(await page.locator('#announcer').textContent()).toBe(
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
    await page.waitForSelector('#package-modal[open] .package-card');
    expect(await page.locator('#assigned-heading').textContent()).toBe('الباقات المخصصة (2)');
    expect(await page.locator('#package-modal-title').textContent()).toBe('باقات ليلى العتيبي');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-modal-ar.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${ARTIFACTS_DIR}/package-modal-ar-narrow.png` });
    await page.close();
  });
});
