import { describe, expect, it } from 'vitest';
import { localDate } from '../../src/domain/dates.js';
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
import {
  AFTER_SCHOOL,
  ZONE,
  addAfterSchoolHours,
  bookedSessions,
  chooseWeekdays,
  fillCoursePattern,
  formAfter,
  nextWeekday,
  openCoursePage,
  proposedSessions,
} from '../support/course-flow.js';

/** Booking a course from the booking page's package section, in Chromium. */
describe.skipIf(browserTestsSkipped)('booking a course in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
    await addAfterSchoolHours(db);
  });

  it('books ten sessions on Sundays and Tuesdays at 16:00, Huda on Tuesdays, numbered by date', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    // Layla's untouched "10 SLP Sessions" (the other one, in use, is the suggested one).
    await openCoursePage(page, 'Layla', '0/10 used');
    await expect.poll(() => page.locator('#course-expiry').textContent()).toContain('expires on');

    const sunday = nextWeekday(0);
    // Tomorrow's weekday was proposed: only Sundays and Tuesdays now.
    await fillCoursePattern(page, {
      startDate: sunday,
      providers: { 0: AFTER_SCHOOL.faisal, 2: AFTER_SCHOOL.huda },
      time: '16:00',
      count: 10,
    });

    const rows = await proposedSessions(page);
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
    const booked = await bookedSessions(page);
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
    await chooseWeekdays(page, [weekday]);
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
