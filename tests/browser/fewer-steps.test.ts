import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { signedInPage } from '../support/browser-flow.js';
import { MY_DAY_ID } from '../../src/views/appointments/my-day.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
  SUGGESTED_PACKAGE_ID,
} from '../../src/views/appointments/patient-picker.js';
import { NEXT_FREE_DAY_ID, SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';

/** Issue 19: phones as typed, the suggested package in one click, the next free day, My day. */
describe.skipIf(browserTestsSkipped)('the screens people live in all day', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  it('finds Ahmed by his phone in three spellings', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    for (const phone of ['0501234567', '+966 50 123 4567', '966501234567']) {
      await page.locator('#patient-search').fill(phone);
      await expect
        .poll(() => page.locator(`#${PATIENT_RESULTS_ID} .result-name`).allTextContents())
        .toEqual(['Ahmed Al-Rashid']);
    }
    await page.context().close();
  });

  it('books the suggested package from home in five clicks; Book another keeps the patient', async () => {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      '/',
    );
    let clicks = 0;
    const click = async (selector: string) => {
      await page.locator(selector).first().click();
      clicks += 1;
    };
    await click('#book-link');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('patient-search');
    await page.keyboard.type('Ahmed');
    await click(`#${PATIENT_RESULTS_ID} button.result`);
    await click(`#${SUGGESTED_PACKAGE_ID}`);
    await page.waitForSelector('#package-next-session');
    // Dr. Huda saw Ahmed last; the first day she has free time is chosen with its times.
    await expect
      .poll(() => page.locator('#provider option:checked').textContent())
      .toBe('Dr. Huda Al-Zahrani');
    await page.locator(`#${SLOT_LIST_ID} .slot input`).first().waitFor({ state: 'attached' });
    expect(await page.locator('#type-package').isChecked()).toBe(true);
    await click(`#${SLOT_LIST_ID} .slot`);
    await click('#book-button');
    await page.waitForSelector('#booked-title');
    expect(clicks).toBeLessThanOrEqual(5);
    expect(await page.locator('.booking-confirmation').textContent()).toContain('10 SLP Sessions');

    await page.locator('#book-another').click();
    await page.waitForSelector(`#${SUGGESTED_PACKAGE_ID}`);
    expect(await page.locator(`#${PATIENT_CHOICE_ID}`).textContent()).toContain('Ahmed Al-Rashid');
    await page.context().close();
  });

  it('offers the next day with free time in one click', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await page.locator('#patient-search').fill('Ahmed');
    await page.locator(`#${PATIENT_RESULTS_ID} button.result`).first().click();
    await page.locator(`#${SUGGESTED_PACKAGE_ID}`).click();
    await page.waitForSelector('#package-next-session');
    const friday = new Date();
    do friday.setUTCDate(friday.getUTCDate() + 1);
    while (friday.getUTCDay() !== 5);
    await page.locator('#date').fill(friday.toISOString().slice(0, 10));
    await page.locator(`#${NEXT_FREE_DAY_ID}`).click();
    await page.locator(`#${SLOT_LIST_ID} .slot input`).first().waitFor({ state: 'attached' });
    const sunday = new Date(friday.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(await page.locator('#date').inputValue()).toBe(sunday);
    await page.context().close();
  });

  it('lands a provider on My day', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'provider@demo.test', '/');
    await page.waitForURL((url) => url.pathname === '/my-day');
    expect(await page.locator('#my-day-title').textContent()).toBe('My day: Dr. Huda Al-Zahrani');
    await page.waitForSelector(`#${MY_DAY_ID}`);
    await page.locator('#my-week-link').click();
    await page.waitForSelector('.week-day');
    expect(await page.locator('.week-day').count()).toBe(7);
    await page.context().close();
  });
});
