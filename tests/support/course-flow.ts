import type { Page } from 'playwright-core';
import type { Database } from '../../src/db/client.js';
import { addDays, localDate } from '../../src/domain/dates.js';
import { weekdayOf } from '../../src/domain/series.js';
import { PACKAGE_MODAL_ID } from '../../src/views/appointments/package-modal.js';
import { choosePatient, openPackageModal } from './browser-flow.js';

/** The demo centre's zone: the browser tests' days are its days. */
export const ZONE = 'Asia/Riyadh';

/** The providers who see children after school (see addAfterSchoolHours). */
export const AFTER_SCHOOL = {
  faisal: 'Dr. Faisal Al-Ghamdi',
  huda: 'Dr. Huda Al-Zahrani',
} as const;

/** The next `weekday` (0 = Sunday) after today at the centre, 'YYYY-MM-DD'. */
export function nextWeekday(weekday: number): string {
  let day = addDays(localDate(ZONE, new Date()), 1);
  while (weekdayOf(day) !== weekday) day = addDays(day, 1);
  return day;
}

/**
 * The demo centre closes at 16:00: Faisal and Huda see children after school on Sundays and
 * Tuesdays, 16:00–19:00 (as an administrator would add on the providers' page).
 */
export async function addAfterSchoolHours(db: Database): Promise<void> {
  const providers = await db
    .selectFrom('providers')
    .select(['id', 'tenant_id'])
    .where('name_en', 'in', Object.values(AFTER_SCHOOL))
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
}

/**
 * From the booking page: the patient found by `search`, the purchase whose card in the package
 * modal shows `card` (e.g. '0/10') selected, then its "Book a course" link followed.
 */
export async function openCoursePage(page: Page, search: string, card: string) {
  await choosePatient(page, search);
  await openPackageModal(page);
  await page
    .locator(`#${PACKAGE_MODAL_ID} #assigned-packages .package-card`, { hasText: card })
    .getByRole('button')
    .click();
  await page.locator('#book-course-link').click();
  await page.waitForSelector('#course-title');
}

/**
 * Does `change` and waits for the course form it re-fetches (replaced whole, one request per
 * change of the pattern).
 */
export async function formAfter(page: Page, change: () => Promise<unknown>) {
  await page.evaluate(() => document.getElementById('course-form')?.setAttribute('data-old', ''));
  await change();
  await page.waitForSelector('#course-form:not([data-old])', { state: 'attached' });
}

/** A weekday's provider, when it is not the one shown already (a change asks the server). */
export async function chooseDayProvider(page: Page, weekday: number, label: string) {
  const select = `#day-provider-${weekday}`;
  const shown = await page.locator(select).evaluate((element: HTMLSelectElement) => {
    return element.options[element.selectedIndex]!.text;
  });
  if (shown !== label) {
    await formAfter(page, () => page.locator(select).selectOption({ label }));
  }
}

/** Only these weekdays ticked (each change re-proposes the sessions; never none ticked). */
export async function chooseWeekdays(page: Page, weekdays: number[]) {
  const others = [0, 1, 2, 3, 4, 5, 6].filter((day) => !weekdays.includes(day));
  for (const [day, wanted] of [
    ...weekdays.map((day) => [day, true] as const),
    ...others.map((day) => [day, false] as const),
  ]) {
    const box = page.locator(`#day-${day}`);
    if ((await box.isChecked()) !== wanted) await formAfter(page, () => box.setChecked(wanted));
  }
}

export interface CoursePattern {
  startDate: string;
  /** Each weekday of the course (0 = Sunday) with its provider's label as the page shows it. */
  providers: Record<number, string>;
  time: string;
  count: number;
}

/** The course page's pattern filled in as a desk would, field by field. */
export async function fillCoursePattern(page: Page, pattern: CoursePattern) {
  await formAfter(page, () => page.locator('#start_date').fill(pattern.startDate));
  await chooseWeekdays(page, Object.keys(pattern.providers).map(Number));
  for (const [weekday, label] of Object.entries(pattern.providers)) {
    await chooseDayProvider(page, Number(weekday), label);
  }
  await formAfter(page, () => page.locator('#time').fill(pattern.time));
  if ((await page.locator('#count').inputValue()) !== String(pattern.count)) {
    // A number field sends its change when left, as a desk tabbing on does.
    await formAfter(page, async () => {
      await page.locator('#count').fill(String(pattern.count));
      await page.locator('#count').press('Tab');
    });
  }
}

/** The proposed sessions as the table shows them: number, date, day, time, provider, state. */
export function proposedSessions(page: Page) {
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

/** The booked course as its table shows it: number, date, day, time, provider. */
export function bookedSessions(page: Page) {
  return page
    .locator('#course-booked tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent.trim())),
    );
}
