import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { addDays, localDate } from '../../src/domain/dates.js';
import { weekdayOf } from '../../src/domain/series.js';
import {
  GROUP_PROVIDER_FIELD_ID,
  GROUP_SESSIONS_ID,
} from '../../src/views/admin/group-sessions.js';
import { GROUP_PAYMENT_ID } from '../../src/views/appointments/group-payment.js';
import { SCHEDULE_FIELDS_ID, SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  book,
  choosePatient,
  liveStreamOpen,
  screenshots,
  signedInPage,
  switchToArabic,
  switchToEnglish,
} from '../support/browser-flow.js';

/** A Sunday three weeks or so ahead at the centre: no demo appointment is booked then. */
function sundayAhead(): string {
  let day = addDays(localDate('Asia/Riyadh', new Date()), 21);
  while (weekdayOf(day) !== 0) day = addDays(day, 1);
  return day;
}

/** Does `change` and waits for the element `id` it replaces. */
async function replaced(page: Page, id: string, change: () => Promise<unknown>) {
  await page.evaluate((id) => document.getElementById(id)?.setAttribute('data-old', ''), id);
  await change();
  await page.waitForSelector(`#${id}:not([data-old])`, { state: 'attached' });
}

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's rule ids that fail on the page (the context bypasses CSP to inject it). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations.map((violation) => `${violation.id}: ${violation.nodes.length}`);
  });
}

/** Issue 18: an administrator plans a group session; a desk joins a patient on their package. */
describe.skipIf(browserTestsSkipped)('group sessions in Chromium', () => {
  const fixture = useBrowserFixture((db) => seedDemo(db, new Date()));
  const day = sundayAhead();

  it('an administrator plans a session, in English and Arabic', async () => {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'admin@demo.test',
      '/admin/group-sessions',
      { bypassCSP: true }, // for axe-core only: the app's own pages never need it
    );
    await page.waitForSelector(`#${GROUP_SESSIONS_ID}`);
    await page.locator(`#${GROUP_SESSIONS_ID}-new`).click();
    await page.waitForSelector('#group-session-form');
    await replaced(page, GROUP_PROVIDER_FIELD_ID, () =>
      page.locator('#service_id').selectOption({ label: 'ABA Therapy · ABA Clinic · 60 min' }),
    );
    const providers = await page.locator('#provider_id option').allTextContents();
    expect(providers).toContain('Dr. Reem Al-Mutairi');
    expect(providers).not.toContain('Dr. Huda Al-Zahrani'); // SLP only
    await page.locator('#provider_id').selectOption({ label: 'Dr. Reem Al-Mutairi' });
    await page.locator('#date').fill(day);
    await page.locator('#time').fill('15:00');
    await page.locator('#capacity').fill('5');
    await screenshots(page, 'group-session-form-en');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#group-session-form button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/admin/group-sessions');
    const row = page.locator(`#${GROUP_SESSIONS_ID} tbody tr`).first();
    await expect.poll(() => row.textContent()).toContain('15:00–16:00');
    expect(await row.textContent()).toContain('0 of 5');
    await screenshots(page, 'group-sessions-en');
    expect(await axeViolations(page)).toEqual([]);

    await switchToArabic(page);
    await screenshots(page, 'group-sessions-ar');
    await page.locator(`#${GROUP_SESSIONS_ID}-new`).click();
    await page.waitForSelector('#group-session-form');
    await screenshots(page, 'group-session-form-ar');
    await page.goto(`${fixture.server.url}/admin/group-sessions`);
    await page.locator(`#${GROUP_SESSIONS_ID} tbody tr a[href$="/cancel"]`).first().click();
    await page.waitForSelector('#cancel-group-session-form');
    await screenshots(page, 'group-session-cancel-ar', ['desktop', 'narrow']);
    expect(await axeViolations(page)).toEqual([]);
    await switchToEnglish(page);
  });

  it("a desk joins Omar to it on his ABA package, the package's next session", async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    await liveStreamOpen(page); // no re-fetch of the slot list on its opening, midway
    await choosePatient(page, 'Omar');
    await replaced(page, SCHEDULE_FIELDS_ID, () =>
      page.locator('input[name="appointment_type"][value="group"]').check(),
    );
    await replaced(page, SLOT_LIST_ID, () =>
      page.locator('#clinic').selectOption({ label: 'ABA Clinic' }),
    );
    const session = page.locator(`#${SLOT_LIST_ID} .group-session`).first();
    expect(await session.textContent()).toContain('5 seats left');
    await replaced(page, GROUP_PAYMENT_ID, () => session.locator('input').check());
    const onPackage = page.locator(`#${GROUP_PAYMENT_ID} label`).first();
    expect(await onPackage.textContent()).toContain('20 ABA Therapy Package: session 3 of 20');
    expect(await onPackage.locator('input').isChecked()).toBe(true);
    await screenshots(page, 'group-join-en');
    await book(page);
    expect(await page.locator('.booking-confirmation').textContent()).toContain('Session 3 of 20');
    await screenshots(page, 'group-join-en-booked', ['desktop', 'narrow']);
  });
});
