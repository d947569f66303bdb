import type { Page } from 'playwright-core';
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
  switchToArabic,
  workingDayAhead,
} from '../support/browser-flow.js';
import { ANNOUNCER_ID } from '../../src/views/announcer.js';
import { SALE_FORM_ID } from '../../src/views/appointments/sale-confirmation.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
} from '../../src/views/appointments/patient-picker.js';

/**
 * What may stay in Latin letters on an Arabic page, and why:
 * - the clinics' specialty codes in the session badge ("SLP 6/10"), written so in Arabic too;
 * - MRNs and emails, identifiers rather than words;
 * - user and centre names, stored in one form only (the demo's are English);
 * - the language switch, which names English in English (it is marked lang="en").
 */
const SPECIALTY_CODES = ['SLP', 'ABA', 'OT'];
const IDENTIFIERS = [/\bMRN-\d+\b/g, /\S+@\S+\.\w+/g];

/** Every Latin-letter word a reader sees or hears on the page, minus the allowed ones. */
async function latinWords(page: Page, singleFormNames: string[]): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const spoken = [...document.querySelectorAll('[placeholder], [aria-label], [title]')].flatMap(
      (element) =>
        ['placeholder', 'aria-label', 'title'].map((name) => element.getAttribute(name) ?? ''),
    );
    const dialog = document.querySelector<HTMLElement>('dialog[open]');
    const english = [...document.querySelectorAll<HTMLElement>('[lang="en"]')];
    return {
      shown: [document.title, document.body.innerText, dialog?.innerText ?? '', ...spoken],
      inEnglish: english.map((element) => element.innerText),
    };
  });
  let text = texts.shown.join('\n');
  for (const english of texts.inEnglish) text = text.replaceAll(english, ' ');
  for (const pattern of IDENTIFIERS) text = text.replace(pattern, ' ');
  for (const name of singleFormNames) text = text.replaceAll(name, ' ');
  const words = text.match(/[A-Za-z]+/g) ?? [];
  return [...new Set(words.filter((word) => !SPECIALTY_CODES.includes(word)))];
}

describe.skipIf(browserTestsSkipped)('the whole flow in Arabic', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  async function singleFormNames() {
    const users = await fixture.database.db.selectFrom('users').select('name').execute();
    const tenants = await fixture.database.db.selectFrom('tenants').select('name').execute();
    return [...users, ...tenants].map((row) => row.name);
  }

  async function expectAllArabic(page: Page, where: string) {
    expect(await latinWords(page, await singleFormNames()), where).toEqual([]);
  }

  it('books a package session, sees the day view and cancels, all in Arabic', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await switchToArabic(page);
    await expectAllArabic(page, 'booking page');
    await screenshots(page, 'e2e-ar-1-booking-page');

    await page.locator('#patient-search').fill('zzzz');
    await page.waitForSelector(`#${PATIENT_RESULTS_ID} .empty`);
    await expectAllArabic(page, 'no search results');
    await page.locator('#patient-search').fill('أحمد');
    await page.waitForSelector(`#${PATIENT_RESULTS_ID} button.result`);
    await expectAllArabic(page, 'search results');
    await choosePatient(page, 'أحمد');
    expect(await page.locator(`#${PATIENT_CHOICE_ID} strong`).textContent()).toBe('أحمد الراشد');

    await openPackageModal(page);
    expect(await page.locator('#package-modal-title').textContent()).toBe('باقات أحمد الراشد');
    const prices = await page.locator('#available-packages strong').allTextContents();
    expect(prices.join(' ')).toMatch(/5,000\s+ر\.س\./); // Intl's Arabic currency form
    await expectAllArabic(page, 'package modal');
    await screenshots(page, 'e2e-ar-2-modal');

    await page.locator('.package-card.suggested button').click();
    await expect
      .poll(() => page.locator('#package-next-session').textContent())
      .toBe('سيتم حجز الجلسة 5 من 10.'); // today, before Ahmed's session next week
    expect(await page.locator('#clinic option:checked').textContent()).toBe('عيادة النطق');
    await chooseFirstSlot(page, 'د. هدى الزهراني', workingDayAhead(9));
    await expectAllArabic(page, 'form with slots');
    await screenshots(page, 'e2e-ar-3-form-filled');

    await book(page);
    await expectAllArabic(page, 'confirmation');
    await screenshots(page, 'e2e-ar-4-booked');

    await openDayView(page);
    await expectAllArabic(page, 'day view');
    await screenshots(page, 'e2e-ar-5-day-view');

    await cancelFromDayView(page, 'أحمد الراشد', 'سفر العائلة');
    expect(await page.locator(`#${ANNOUNCER_ID}`).textContent()).toBe(
      'أُلغي الموعد، وأُعيدت الجلسة إلى الباقة.',
    );
    await expectAllArabic(page, 'cancelled appointment');
    await screenshots(page, 'e2e-ar-6-cancelled');

    await page.locator('a[href^="/patients/"]').click();
    await page.waitForSelector('#patient-title');
    await expectAllArabic(page, 'patient page');
    await screenshots(page, 'e2e-ar-7-patient');

    await page.goto(`${fixture.server.url}/`);
    await expectAllArabic(page, 'home page');
    await page.goto(`${fixture.server.url}/appointments/00000000-0000-4000-8000-000000000000`);
    await expectAllArabic(page, 'not found page');
    await page.context().close();
  });

  it('shows the other scenarios in Arabic: sale on the spot, expired purchase', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'admin@demo.test');
    await switchToArabic(page);
    await choosePatient(page, 'سارة');
    await openPackageModal(page);
    await expectAllArabic(page, 'modal without purchases');
    await page
      .locator('#available-packages .package-card', { hasText: 'باقة' })
      .first()
      .getByRole('button')
      .click();
    await page.waitForSelector(`#${SALE_FORM_ID}`);
    await expectAllArabic(page, 'sale confirmation');
    await confirmSale(page, {});
    await expectAllArabic(page, 'package assigned');

    await page.goto(`${fixture.server.url}/appointments/new`);
    await choosePatient(page, 'خالد');
    await openPackageModal(page);
    expect(await page.locator('#assigned-packages .badge').textContent()).toBe('منتهية');
    await expectAllArabic(page, 'modal with an expired purchase');
    await screenshots(page, 'e2e-ar-expired-modal', ['desktop', 'narrow']);
    await page.context().close();
  });

  it('signs in in Arabic', async () => {
    const page = await fixture.browser.newPage();
    await page.goto(`${fixture.server.url}/login?lang=ar`);
    await page.waitForSelector('html[dir="rtl"]');
    await expectAllArabic(page, 'login page');
    await page.locator('#password').press('Enter'); // empty: field errors
    await page.waitForSelector('.field-error');
    await expectAllArabic(page, 'login errors');
    await screenshots(page, 'e2e-ar-0-login', ['desktop', 'narrow']);
    await page.close();
  });
});
