import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { NEW_FEED_URL_ID } from '../../src/views/admin/calendar-feeds.js';
import { SETTINGS_FORM_ID } from '../../src/views/admin/settings.js';
import { PATIENT_CONTACT_ID } from '../../src/views/patients/patient-form.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { signedInPage, switchToArabic, VIEWPORTS } from '../support/browser-flow.js';

/** Where this file's screenshots go (outside the repository). */
const SHOTS = process.env.SHOTS_DIR ?? 'artifacts/screenshots';

/** A loaded 2-core machine can take longer than playwright's 30 s to settle a navigation. */
const PATIENT_MS = 90_000;

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of ['desktop', 'narrow'] as const) {
    await page.setViewportSize(VIEWPORTS[width]);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/**
 * The administrator's calendar links (create, subscribe, revoke), the message and tax
 * settings, and the patient form's contact fields, in English and Arabic.
 */
describe.skipIf(browserTestsSkipped)('reminders and calendar links in Chromium', () => {
  const fixture = useBrowserFixture((db: Database) => seedDemo(db, new Date()));

  it('an admin creates a provider’s calendar link, it serves the feed, and revoking ends it', async () => {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'admin@demo.test',
      '/admin/calendar-feeds',
    );
    page.setDefaultTimeout(PATIENT_MS);
    await shoot(page, 'calendar-feeds-en');
    const huda = page.locator('tr', { hasText: 'Dr. Huda' }).first();
    await huda.locator('button', { hasText: 'Create link' }).click();
    const address = page.locator(`#${NEW_FEED_URL_ID}`);
    await expect.poll(() => address.isVisible()).toBe(true);
    const url = await address.inputValue();
    expect(url).toMatch(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    await shoot(page, 'calendar-feeds-created-en');
    const feed = await page.request.get(url);
    expect(feed.status()).toBe(200);
    expect(await feed.text()).toContain('BEGIN:VCALENDAR');

    await page.goto(`${fixture.server.url}/admin/calendar-feeds`);
    await page.locator('tr', { hasText: 'Dr. Huda' }).first().locator('button.danger').click();
    await page.waitForURL(/done=revoked/);
    expect((await page.request.get(url)).status()).toBe(404);

    await switchToArabic(page);
    await page.locator('tr', { hasText: 'عيادة النطق' }).first().locator('button').last().click();
    await expect.poll(() => address.isVisible()).toBe(true);
    await shoot(page, 'calendar-feeds-created-ar');
    await page.context().close();
  });

  it('the settings page shows messages and tax, in both languages, and refuses a bad VAT rate', async () => {
    // A user's language is kept: the calendar links test above left the admin in Arabic.
    await fixture.database.db
      .updateTable('users')
      .set({ locale: 'en' })
      .where('email', '=', 'admin@demo.test')
      .execute();
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'admin@demo.test',
      '/admin/settings',
    );
    page.setDefaultTimeout(PATIENT_MS);
    await expect.poll(() => page.locator('#settings-vat-percent').inputValue()).toBe('15');
    await shoot(page, 'settings-en');
    await page.locator('#settings-vat-percent').fill('150');
    await page.locator('#settings-reminder-hours').fill('0');
    await page.locator(`#${SETTINGS_FORM_ID} button[type=submit]`).click();
    await page.waitForSelector('#settings-vat-percent-error');
    expect(await page.locator('#settings-reminder-hours-error').isVisible()).toBe(true);
    await shoot(page, 'settings-errors-en');
    await switchToArabic(page);
    await page.goto(`${fixture.server.url}/admin/settings`);
    await page.waitForSelector('html[dir="rtl"]');
    await shoot(page, 'settings-ar');
    await page.locator('#settings-vat-percent').fill('x');
    await page.locator(`#${SETTINGS_FORM_ID} button[type=submit]`).click();
    await page.waitForSelector('#settings-vat-percent-error');
    await shoot(page, 'settings-errors-ar');
    await page.context().close();
  });

  it('the patient form asks for email, language and consents', async () => {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      '/patients/new',
    );
    page.setDefaultTimeout(PATIENT_MS);
    await page.waitForSelector(`#${PATIENT_CONTACT_ID}`);
    await shoot(page, 'patient-new-en');
    await switchToArabic(page);
    await page.goto(`${fixture.server.url}/patients/new`);
    await page.waitForSelector('html[dir="rtl"]');
    await shoot(page, 'patient-new-ar');
    await page.context().close();
  });
});
