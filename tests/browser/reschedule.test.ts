import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { operationId } from '../../src/views/patients/package-operation-forms.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  screenshots,
  signedInPage,
  switchToArabic,
  workingDayAhead,
} from '../support/browser-flow.js';

/** Moving one session (the reschedule page) and all of them (the patient page), in Chromium. */
describe.skipIf(browserTestsSkipped)('rescheduling in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  /** Ahmed's one session still to come (booked next week by the demo data). */
  async function ahmed() {
    const db = fixture.database.db;
    const patient = await db
      .selectFrom('patients')
      .select('id')
      .where('name_en', '=', 'Ahmed Al-Rashid')
      .executeTakeFirstOrThrow();
    const appointment = await db
      .selectFrom('appointments')
      .select(['id', 'package_purchase_id', 'starts_at'])
      .where('patient_id', '=', patient.id)
      .where('status', '=', 'BOOKED')
      .executeTakeFirstOrThrow();
    return { patientId: patient.id, ...appointment };
  }

  it('moves one session with the keyboard to another day, keeping its package session', async () => {
    const { id } = await ahmed();
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      `/appointments/${id}`,
    );
    await page.locator('#reschedule-link').click();
    await page.waitForSelector('#reschedule-title');
    const day = workingDayAhead(12);
    await page.evaluate(() => document.getElementById('slot-list')?.setAttribute('data-old', ''));
    await page.locator('#reschedule-date').fill(day); // sends change: the times re-fetched
    await page.waitForSelector('#slot-list:not([data-old]) input[name=start]', {
      state: 'attached',
    });
    await page.locator('#slot-list input[name=start]').first().focus();
    await page.keyboard.press('Space');
    await page.locator('#reschedule-reason').fill('Child is ill');
    await screenshots(page, 'reschedule-en-1-page', ['desktop', 'narrow']);
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=moved/);
    expect(await page.locator('#appointment-notice').textContent()).toBe('Appointment moved.');
    const moved = await fixture.database.db
      .selectFrom('appointments')
      .select(['starts_at', 'status', 'session_number_in_package'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(moved.status).toBe('BOOKED');
    expect(moved.session_number_in_package).toBe(5);
    await page.context().close();
  });

  it('moves all sessions by a week from the patient page, in Arabic', async () => {
    const before = await ahmed();
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'admin@demo.test',
      `/patients/${before.patientId}`,
    );
    await switchToArabic(page);
    const id = operationId('reschedule', before.package_purchase_id!);
    await page.locator(`#${id} summary`).click();
    // Refused first: nothing typed, each error beside its field.
    await page.locator(`#${id} button[type=submit]`).click();
    await page.waitForSelector(`#${id}-days-error`);
    expect(await page.locator(`#${id}-reason-error`).textContent()).toBe('يرجى تعبئة هذا الحقل.');
    await screenshots(page, 'reschedule-all-ar-1-refused', ['desktop', 'narrow']);
    await page.locator(`#${id}-days`).fill('7');
    await page.locator(`#${id}-reason`).fill('سفر العائلة');
    await page.locator(`#${id}-reason`).press('Enter');
    await page.waitForURL(/done=rescheduled/);
    expect(await page.locator('#patient-notice').textContent()).toBe('نُقلت الجلسات.');
    const after = await ahmed();
    expect(after.starts_at.getTime() - before.starts_at.getTime()).toBe(7 * 86_400_000);
    await page.context().close();
  });
});
