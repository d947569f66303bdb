import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  book,
  choosePatient,
  liveStreamOpen,
  screenshots,
  signedInPage,
  switchToArabic,
  switchToEnglish,
  workingDayAhead,
} from '../support/browser-flow.js';
import { MY_DAY_ID } from '../../src/views/appointments/my-day.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
  SUGGESTED_PACKAGE_ID,
} from '../../src/views/appointments/patient-picker.js';
import {
  NEXT_FREE_DAY_ID,
  SLOT_LIST_ID,
  SLOT_TAKEN_ID,
} from '../../src/views/appointments/schedule-fields.js';

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
    await screenshots(page, 'phone-search-en', ['desktop', 'narrow']);
    await switchToArabic(page);
    await page.locator('#patient-search').fill('+966 50 123 4567');
    await expect
      .poll(() => page.locator(`#${PATIENT_RESULTS_ID} .result-name`).allTextContents())
      .toEqual(['أحمد الراشد']);
    await screenshots(page, 'phone-search-ar', ['desktop', 'narrow']);
    await switchToEnglish(page);
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
    const friday = new Date();
    do friday.setUTCDate(friday.getUTCDate() + 1);
    while (friday.getUTCDay() !== 5);
    const sunday = new Date(friday.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    for (const language of ['en', 'ar'] as const) {
      if (language === 'ar') await switchToArabic(page);
      await page.locator('#patient-search').fill('Ahmed');
      await page.locator(`#${PATIENT_RESULTS_ID} button.result`).first().click();
      await page.locator(`#${SUGGESTED_PACKAGE_ID}`).click();
      await page.waitForSelector('#package-next-session');
      await page.locator('#date').fill(friday.toISOString().slice(0, 10));
      await page.locator(`#${NEXT_FREE_DAY_ID}`).waitFor();
      await screenshots(page, `next-free-day-${language}`, ['desktop', 'narrow']);
      await page.locator(`#${NEXT_FREE_DAY_ID}`).click();
      await page.locator(`#${SLOT_LIST_ID} .slot input`).first().waitFor({ state: 'attached' });
      expect(await page.locator('#date').inputValue()).toBe(sunday);
    }
    await switchToEnglish(page);
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

    // Her next day with appointments (Ahmed's fifth session), in both languages.
    const next = await fixture.database.db
      .selectFrom('appointments')
      .innerJoin('providers', 'providers.id', 'appointments.provider_id')
      .select('appointments.starts_at')
      .where('providers.name_en', '=', 'Dr. Huda Al-Zahrani')
      .where('appointments.starts_at', '>', new Date())
      .orderBy('appointments.starts_at')
      .executeTakeFirstOrThrow();
    const day = new Date(next.starts_at.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);
    for (const language of ['en', 'ar'] as const) {
      await page.goto(`${fixture.server.url}/my-day?date=${day}`);
      if (language === 'ar') await switchToArabic(page);
      await page.waitForSelector(`#${MY_DAY_ID} .my-appointment`);
      await screenshots(page, `my-day-${language}`, ['desktop', 'narrow']);
      await page.goto(`${fixture.server.url}/my-day/week?date=${day}`);
      await page.waitForSelector('.week-day');
      await screenshots(page, `my-week-${language}`, ['desktop', 'narrow']);
    }
    await switchToEnglish(page);
    await page.context().close();
  });

  it('shows each role its home page, and administrators the audit log, in both languages', async () => {
    for (const role of ['frontdesk', 'admin', 'finance']) {
      const page = await signedInPage(
        fixture.browser,
        fixture.server.url,
        `${role}@demo.test`,
        '/',
      );
      for (const language of ['en', 'ar'] as const) {
        if (language === 'ar') await switchToArabic(page);
        await page.goto(`${fixture.server.url}/`);
        await page.waitForSelector('#home-title');
        await screenshots(page, `home-${role}-${language}`, ['desktop', 'narrow']);
        if (role === 'admin') {
          await page.goto(`${fixture.server.url}/admin/audit`);
          await page.waitForSelector('main table');
          await screenshots(page, `audit-${language}`, ['desktop', 'narrow']);
        }
      }
      await switchToEnglish(page);
      await page.context().close();
    }
  });

  const idOf = async (table: 'providers' | 'clinics', name: string) =>
    (
      await fixture.database.db
        .selectFrom(table)
        .select('id')
        .where('name_en', '=', name)
        .executeTakeFirstOrThrow()
    ).id;

  /**
   * Two desks on the booking form for Dr. Faisal's day: desk A has chosen 10:00 when desk B
   * books it. Desk A's times update by themselves and say so where the choice was; desk A
   * books another time.
   */
  async function takenTimeFlow(language: 'en' | 'ar', date: string) {
    const place = `/appointments/new?clinic_id=${await idOf('clinics', 'SLP Clinic')}&provider_id=${await idOf('providers', 'Dr. Faisal Al-Ghamdi')}&date=${date}`;
    const deskA = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      place,
    );
    if (language === 'ar') await switchToArabic(deskA);
    await choosePatient(deskA, 'Sara');
    const slotAt = (page: typeof deskA, time: string) =>
      page.locator(`#${SLOT_LIST_ID} .slot`, { hasText: time });
    await slotAt(deskA, '10:00').click();
    const tenOClock = `${date}T10:00:00+03:00`;
    expect(
      await deskA.locator(`#${SLOT_LIST_ID} [name="start"]:checked`).getAttribute('value'),
    ).toBe(tenOClock);
    await liveStreamOpen(deskA);

    const deskB = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'admin@demo.test',
      `${place}&time=10:00`,
    );
    await choosePatient(deskB, 'Omar');
    await expect
      .poll(() => deskB.locator(`#${SLOT_LIST_ID} [name="start"]:checked`).getAttribute('value'))
      .toBe(tenOClock);
    await book(deskB);

    // Desk A: the message stands where 10:00 was chosen, and 10:00 is gone.
    const taken = deskA.locator(`#${SLOT_LIST_ID} #${SLOT_TAKEN_ID}`);
    await taken.waitFor();
    expect(await taken.textContent()).toBe(
      language === 'en'
        ? '10:00 was just booked at another desk. Please choose another time.'
        : 'حُجز الوقت 10:00 للتو من مكتب آخر. يرجى اختيار وقت آخر.',
    );
    expect(
      await deskA.locator(`#${SLOT_LIST_ID} [name="start"][value="${tenOClock}"]`).count(),
    ).toBe(0);
    expect(await deskA.locator(`#${SLOT_LIST_ID} [name="start"]:checked`).count()).toBe(0);
    await screenshots(deskA, `taken-time-${language}`, ['desktop', 'narrow']);

    await slotAt(deskA, '11:00').click();
    await book(deskA);
    expect(await deskA.locator('.booking-confirmation').textContent()).toContain('11:00');
    if (language === 'ar') await switchToEnglish(deskA);
    await deskA.context().close();
    await deskB.context().close();
  }

  it('tells desk A where its choice was when desk B books that time', async () => {
    await takenTimeFlow('en', workingDayAhead(6));
  });

  it('tells it in Arabic too', async () => {
    await takenTimeFlow('ar', workingDayAhead(13));
  });
});
