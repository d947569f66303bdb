import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/domain/dates.js';
import { weekdayOf } from '../../src/domain/series.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  choosePatient,
  openPackageModal,
  screenshots,
  signedInPage,
  switchToArabic,
} from '../support/browser-flow.js';

const ZONE = 'Asia/Riyadh';

/** The next `weekday` (0 = Sunday) after today at the centre. */
function next(weekday: number): string {
  let day = addDays(localDate(ZONE, new Date()), 1);
  while (weekdayOf(day) !== weekday) day = addDays(day, 1);
  return day;
}

/**
 * Does `change` and waits for the course form it re-fetches (replaced whole, one request per
 * change of the pattern).
 */
async function formAfter(page: Page, change: () => Promise<unknown>) {
  await page.evaluate(() => document.getElementById('course-form')?.setAttribute('data-old', ''));
  await change();
  await page.waitForSelector('#course-form:not([data-old])', { state: 'attached' });
}

/** A weekday's provider, when it is not the one shown already (a change asks the server). */
async function chooseProvider(page: Page, select: string, name: string) {
  const shown = await page.locator(select).evaluate((element: HTMLSelectElement) => {
    return element.options[element.selectedIndex]!.text;
  });
  if (shown !== name) {
    await formAfter(page, () => page.locator(select).selectOption({ label: name }));
  }
}

/** The proposed sessions as the table shows them: number, date, day, time, provider, state. */
function proposed(page: Page) {
  return page.locator('#course-preview tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll('td')];
      const select = row.querySelector('select');
      return [
        ...cells.slice(0, 4).map((cell) => cell.textContent.trim()),
        select ? select.options[select.selectedIndex]!.text : '',
        row.querySelector('.course-state .badge')!.textContent.trim(),
      ];
    }),
  );
}

/** Booking a course from the booking page's package section, in Chromium. */
describe.skipIf(browserTestsSkipped)('booking a course in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
    // The demo centre closes at 16:00: Faisal and Huda see children after school on Sundays
    // and Tuesdays, 16:00–19:00 (as an administrator would add on the providers' page).
    const providers = await db
      .selectFrom('providers')
      .select(['id', 'tenant_id'])
      .where('name_en', 'in', ['Dr. Faisal Al-Ghamdi', 'Dr. Huda Al-Zahrani'])
      .execute();
    await db
      .insertInto('provider_schedules')
      .values(
        providers.flatMap((provider) =>
          [0, 2].map((weekday) => ({
            tenant_id: provider.tenant_id,
            provider_id: provider.id,
            weekday,
            start_time: '16:00',
            end_time: '19:00',
          })),
        ),
      )
      .execute();
  });

  it('books ten sessions on Sundays and Tuesdays at 16:00, Huda on Tuesdays, numbered by date', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await choosePatient(page, 'Layla');
    await openPackageModal(page);
    // Layla's untouched "10 SLP Sessions" (the other one, in use, is the suggested one).
    await page
      .locator('#assigned-packages .package-card', { hasText: '0/10 used' })
      .getByRole('button')
      .click();
    await page.locator('#book-course-link').click();
    await page.waitForSelector('#course-title');
    await expect.poll(() => page.locator('#course-expiry').textContent()).toContain('expires on');

    const sunday = next(0);
    await formAfter(page, () => page.locator('#start_date').fill(sunday));
    // Tomorrow's weekday was proposed: only Sundays and Tuesdays now.
    for (const day of [1, 2, 3, 4, 5, 6, 0]) {
      const box = page.locator(`#day-${day}`);
      const wanted = day === 0 || day === 2;
      if ((await box.isChecked()) !== wanted) await formAfter(page, () => box.setChecked(wanted));
    }
    await chooseProvider(page, '#day-provider-0', 'Dr. Faisal Al-Ghamdi');
    await chooseProvider(page, '#day-provider-2', 'Dr. Huda Al-Zahrani');
    await formAfter(page, () => page.locator('#time').fill('16:00'));
    if ((await page.locator('#count').inputValue()) !== '10') {
      await formAfter(page, () => page.locator('#count').fill('10'));
    }

    const rows = await proposed(page);
    expect(rows).toHaveLength(10);
    expect(rows.map((row) => row[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(rows.every((row) => row[3] === '16:00' && row[5] === 'Free')).toBe(true);
    expect(rows.map((row) => `${row[2]} ${row[4]}`)).toEqual(
      Array.from({ length: 5 }, () => [
        'Sunday Dr. Faisal Al-Ghamdi',
        'Tuesday Dr. Huda Al-Zahrani',
      ]).flat(),
    );
    await screenshots(page, 'course-en-1-preview', ['desktop', 'narrow']);

    await page.locator('#course-book').click();
    await page.waitForSelector('#course-booked');
    const booked = await page
      .locator('#course-booked tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
      );
    expect(booked.map((row) => row[0])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    expect(await page.locator('#course-package').textContent()).toContain('0 of 10 sessions left');
    await screenshots(page, 'course-en-2-booked', ['desktop', 'narrow']);

    // In the database: ten sessions, numbered in date order, Huda's on Tuesdays.
    const stored = await fixture.database.db
      .selectFrom('appointments')
      .innerJoin('patients', 'patients.id', 'appointments.patient_id')
      .innerJoin('providers', 'providers.id', 'appointments.provider_id')
      .select([
        'appointments.starts_at',
        'appointments.session_number_in_package',
        'providers.name_en as provider',
      ])
      .where('patients.name_en', '=', 'Layla Al-Otaibi')
      .where('appointments.starts_at', '>', new Date())
      .orderBy('appointments.starts_at')
      .execute();
    expect(stored.map((a) => a.session_number_in_package)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(stored[0]!.starts_at.toISOString()).toBe(
      new Date(`${sunday}T16:00:00+03:00`).toISOString(),
    );
    expect(stored.map((a) => `${weekdayOf(localDate(ZONE, a.starts_at))} ${a.provider}`)).toEqual(
      Array.from({ length: 5 }, () => ['0 Dr. Faisal Al-Ghamdi', '2 Dr. Huda Al-Zahrani']).flat(),
    );
    await page.context().close();
  });

  it('shows a conflict with its nearest free time in Arabic, taken with the keyboard', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await switchToArabic(page);
    await choosePatient(page, 'Ahmed');
    await openPackageModal(page);
    await page.locator('.package-card.suggested button').click();
    await page.locator('#book-course-link').click();
    await page.waitForSelector('#course-title');
    // Ahmed's fifth session is booked a week from today at 09:00 with Huda: a weekly course
    // from that day on meets it at once.
    const booked = await fixture.database.db
      .selectFrom('appointments')
      .innerJoin('patients', 'patients.id', 'appointments.patient_id')
      .select('appointments.starts_at')
      .where('patients.name_en', '=', 'Ahmed Al-Rashid')
      .where('appointments.status', '=', 'BOOKED')
      .executeTakeFirstOrThrow();
    const day = localDate(ZONE, booked.starts_at);
    const weekday = weekdayOf(day);
    for (const other of [0, 1, 2, 3, 4, 5, 6]) {
      const box = page.locator(`#day-${other}`);
      if ((await box.isChecked()) !== (other === weekday)) {
        await formAfter(page, () => box.setChecked(other === weekday));
      }
    }
    await formAfter(page, () => page.locator('#start_date').fill(day));
    await formAfter(page, () => page.locator('#time').fill('09:00'));
    const refused = page.locator(`#course-row-${day}`);
    expect(await refused.locator('.badge').first().textContent()).toBe('غير متاح');
    expect(await page.locator('#course-book').isDisabled()).toBe(true);
    await screenshots(page, 'course-ar-1-conflict', ['desktop', 'narrow']);

    await formAfter(page, async () => {
      await page.locator(`#take-${day}`).focus();
      await page.keyboard.press('Enter');
    });
    expect(await page.locator(`#course-row-${day} .course-state .badge`).textContent()).toBe(
      'متاح',
    );
    expect(await page.locator('#course-book').isDisabled()).toBe(false);
    await screenshots(page, 'course-ar-2-taken', ['desktop', 'narrow']);
    await page.context().close();
  });
});
