import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';
import { PACKAGE_MODAL_ID } from '../../src/views/appointments/package-modal.js';
import { SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  book,
  choosePatient,
  liveStreamOpen,
  openPackageModal,
  screenshots,
  signedInPage,
  switchToArabic,
  switchToEnglish,
  VIEWPORTS,
  workingDayAhead,
} from '../support/browser-flow.js';

/**
 * The desk's calendar in Chromium: a free quarter hour opens the booking form prefilled, the
 * booking shows as a block at another desk's calendar at once; one provider at a time on a phone.
 */
describe.skipIf(browserTestsSkipped)('the calendar grid', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  const idOf = async (table: 'providers' | 'clinics', name: string) =>
    (
      await fixture.database.db
        .selectFrom(table)
        .select('id')
        .where('name_en', '=', name)
        .executeTakeFirstOrThrow()
    ).id;

  it('click free time → booked → the block appears at the other desk', async () => {
    const date = workingDayAhead(5);
    const slp = await idOf('clinics', 'SLP Clinic');
    const faisal = await idOf('providers', 'Dr. Faisal Al-Ghamdi');
    const dayUrl = `/appointments?date=${date}&clinic=${slp}`;
    const deskA = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      dayUrl,
    );
    const deskB = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'admin@demo.test',
      dayUrl,
    );
    await liveStreamOpen(deskB);
    const faisalsColumn = (page: typeof deskA) =>
      page.locator(`#${DAY_VIEW_ID} #provider-${faisal}`);
    expect(await faisalsColumn(deskB).textContent()).not.toContain('Sara Al-Harbi');
    await screenshots(deskA, 'calendar-en-day', ['desktop', 'narrow']);

    // Desk A: Dr. Faisal's 10:00 is free; by keyboard, it opens the booking form prefilled.
    const cell = faisalsColumn(deskA).locator('a.cal-free', { hasText: '10:00' });
    expect(await cell.getAttribute('aria-label')).toBe('Book 10:00 with Dr. Faisal Al-Ghamdi');
    await cell.focus();
    await deskA.keyboard.press('Enter');
    await deskA.waitForSelector('#booking-title');
    expect(await deskA.locator('#clinic').inputValue()).toBe(slp);
    expect(await deskA.locator('#provider').inputValue()).toBe(faisal);
    expect(await deskA.locator('#date').inputValue()).toBe(date);
    const chosen = deskA.locator(`#${SLOT_LIST_ID} input[name="start"]:checked`);
    expect(await chosen.getAttribute('value')).toBe(`${date}T10:00:00+03:00`);
    await screenshots(deskA, 'calendar-en-prefilled', ['desktop', 'narrow']);

    // The patient chosen after the place keeps it; booked.
    await choosePatient(deskA, 'Sara');
    await expect
      .poll(() => chosen.getAttribute('value'), { timeout: 10_000 })
      .toBe(`${date}T10:00:00+03:00`);
    await book(deskA);

    // Desk B's calendar shows the block, live, in Dr. Faisal's column at 10:00.
    const block = faisalsColumn(deskB).locator('.cal-block', { hasText: 'Sara Al-Harbi' });
    await block.waitFor();
    expect(await block.locator('.time').textContent()).toMatch(/^10:00–/);
    expect(await faisalsColumn(deskB).locator('a.cal-free', { hasText: '10:00' }).count()).toBe(0);
    await screenshots(deskB, 'calendar-en-booked', ['desktop', 'narrow']);
    await deskA.context().close();
    await deskB.context().close();
  }, 120_000);

  it('click free time → patient → Use package: the same provider and time, booked as a session', async () => {
    const date = workingDayAhead(5);
    const slp = await idOf('clinics', 'SLP Clinic');
    const faisal = await idOf('providers', 'Dr. Faisal Al-Ghamdi');
    const dayUrl = `/appointments?date=${date}&clinic=${slp}`;
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      dayUrl,
    );
    const faisalsColumn = () => page.locator(`#${DAY_VIEW_ID} #provider-${faisal}`);
    await faisalsColumn().locator('a.cal-free', { hasText: '11:00' }).click();
    await page.waitForSelector('#booking-title');
    const eleven = `${date}T11:00:00+03:00`;
    const chosen = page.locator(`#${SLOT_LIST_ID} input[name="start"]:checked`);
    await choosePatient(page, 'Ahmed');
    await expect.poll(() => chosen.getAttribute('value')).toBe(eleven);

    // His package (Dr. Huda saw him last): Dr. Faisal at 11:00 stays chosen.
    await openPackageModal(page);
    await page.locator(`#${PACKAGE_MODAL_ID} .package-card.suggested button`).click();
    await page.waitForSelector('#package-next-session');
    expect(await page.locator('#clinic').inputValue()).toBe(slp);
    expect(await page.locator('#provider').inputValue()).toBe(faisal);
    expect(await page.locator('#date').inputValue()).toBe(date);
    expect(await chosen.getAttribute('value')).toBe(eleven);
    expect(await page.locator('#package-next-session').textContent()).toMatch(
      /^Session \d+ of 10 will be booked\.$/,
    );
    await screenshots(page, 'calendar-en-package-kept', ['desktop', 'narrow']);
    await book(page);
    expect(await page.locator('.booking-confirmation').textContent()).toContain('10 SLP Sessions');

    await page.goto(`${fixture.server.url}${dayUrl}`);
    const block = faisalsColumn().locator('.cal-block', { hasText: 'Ahmed Al-Rashid' });
    await block.waitFor();
    expect(await block.locator('.time').textContent()).toMatch(/^11:00–/);
    await page.context().close();
  }, 120_000);

  it('shows one provider at a time on a phone, paged with links, in Arabic right to left', async () => {
    const date = workingDayAhead(5);
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      `/appointments?date=${date}&clinic=all`,
      { viewport: VIEWPORTS.narrow },
    );
    const visibleColumns = () => page.locator('.cal-col:visible');
    expect(await visibleColumns().count()).toBe(1);
    const first = await visibleColumns().getAttribute('id');
    await page.locator('#cal-next').click();
    await page.waitForURL(/provider=/);
    expect(await visibleColumns().count()).toBe(1);
    expect(await visibleColumns().getAttribute('id')).not.toBe(first);
    // No sideways scrolling on a phone.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);

    await switchToArabic(page);
    expect(await visibleColumns().count()).toBe(1);
    await screenshots(page, 'calendar-ar-day', ['narrow', 'desktop']);
    // Columns run right to left: the first provider's column is right of the second.
    await page.setViewportSize(VIEWPORTS.desktop);
    const boxes = await page
      .locator('.cal-col')
      .evaluateAll((columns) => columns.slice(0, 2).map((c) => c.getBoundingClientRect().x));
    expect(boxes[0]).toBeGreaterThan(boxes[1]!);
    await page.locator('.cal-week-link').first().click();
    await page.waitForSelector('#provider-week-title');
    await screenshots(page, 'calendar-ar-week', ['desktop', 'narrow']);
    await switchToEnglish(page);
    await page.waitForSelector('#provider-week-title');
    await screenshots(page, 'calendar-en-week', ['desktop', 'narrow']);
    await page.context().close();
  }, 120_000);
});
