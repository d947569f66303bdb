import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createTenantWithAdmin } from '../../src/services/tenants.js';
import { localDate } from '../../src/domain/dates.js';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { confirmSale, signIn as signInAs } from '../support/browser-flow.js';
import { CLINICS_ID } from '../../src/views/admin/clinics.js';
import { PROVIDERS_ID } from '../../src/views/admin/providers.js';
import { SERVICES_ID } from '../../src/views/admin/services.js';
import { PACKAGE_MODAL_ID } from '../../src/views/appointments/package-modal.js';
import { PATIENT_CHOICE_ID } from '../../src/views/appointments/patient-picker.js';
import { SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';
import { PATIENT_FORM_ID, PATIENT_MODAL_ID } from '../../src/views/patients/patient-form.js';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Issue 10's "done": from an empty tenant with only an administrator (as `npm run
 * tenant:create` makes it), the centre is set up through the screens alone: catalogue,
 * provider, a front-desk user; then that desk registers a walk-in, sells the new package and
 * books its first session.
 */
describe.skipIf(browserTestsSkipped)('setting up a new centre in Chromium', () => {
  const ids = {} as { tenant: string; admin: string; desk: string; patient: string };
  const emails = { admin: 'owner@new-centre.test', desk: 'desk@new-centre.test' };
  const passwords = { admin: 'owner-password-1', desk: 'desk-temporary-1' };
  const fixture = useBrowserFixture(async (db: Database) => {
    const created = await createTenantWithAdmin(db, {
      name: 'New Centre',
      timezone: 'Asia/Riyadh',
      currency: 'SAR',
      adminEmail: emails.admin,
      adminPassword: passwords.admin,
    });
    ids.tenant = created.tenantId;
    ids.admin = created.adminId;
  });

  async function signIn(page: Page, who: 'admin' | 'desk') {
    await signInAs(page, fixture.server.url, emails[who], passwords[who]);
    await page.waitForSelector('#home-title');
  }

  const save = (page: Page) => page.locator('form .actions button[type="submit"]').click();

  async function screenshotAdminPages(page: Page, locale: 'en' | 'ar') {
    const provider = await fixture.database.db
      .selectFrom('providers')
      .select('id')
      .where('tenant_id', '=', ids.tenant)
      .executeTakeFirstOrThrow();
    const providerPages = ['edit', 'schedule', 'time-off'].map(
      (page) => `/admin/providers/${provider.id}/${page}`,
    );
    for (const area of ['clinics', 'services', 'packages', 'providers']) {
      for (const path of [`/admin/${area}`, `/admin/${area}/new`]) {
        await page.goto(`${fixture.server.url}${path}`);
        const name = `${path.slice(1).replaceAll('/', '-')}-${locale}.png`;
        await page.screenshot({ path: `${ARTIFACTS_DIR}/${name}`, fullPage: true });
        expect(await axeViolations(page), path).toEqual([]);
      }
    }
    for (const [index, path] of providerPages.entries()) {
      await page.goto(`${fixture.server.url}${path}`);
      const name = `admin-provider-${['edit', 'schedule', 'time-off'][index]}-${locale}.png`;
      await page.screenshot({ path: `${ARTIFACTS_DIR}/${name}`, fullPage: true });
      expect(await axeViolations(page), path).toEqual([]);
    }
  }

  /** axe-core's rule ids that fail on the page (CSP is bypassed to inject it). */
  async function axeViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE_SOURCE });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
      const results = await axe.run();
      return results.violations.map((violation) => `${violation.id}: ${violation.nodes.length}`);
    });
  }

  it('sets up clinic, service, package and provider, then sells and books', async () => {
    const context = await fixture.browser.newContext({
      viewport: { width: 1100, height: 900 },
      bypassCSP: true, // for axe-core only: the app's own pages never need it
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await signIn(page, 'admin');

    await page.locator('#admin-nav').getByRole('link', { name: 'Clinics' }).click();
    expect(await page.locator(`#${CLINICS_ID} .empty`).textContent()).toBe(
      'No clinics yet. Add the first one.',
    );
    await page.getByRole('link', { name: 'New clinic' }).click();
    await page.getByLabel('Name (English)').fill('Speech Clinic');
    await page.getByLabel('Name (Arabic)').fill('عيادة النطق');
    await page.getByLabel('Specialty').fill('Speech-language pathology');
    await save(page);
    await page.waitForSelector(`#${CLINICS_ID} tbody tr`);

    await page.locator('#admin-nav').getByRole('link', { name: 'Services' }).click();
    await page.getByRole('link', { name: 'New service' }).click();
    await page.getByLabel('Clinic').selectOption({ label: 'Speech Clinic' });
    await page.getByLabel('Name (English)').fill('Speech Therapy');
    await page.getByLabel('Name (Arabic)').fill('جلسة علاج النطق');
    await page.getByLabel('Default duration (minutes)').fill('45');
    await page.getByLabel('Price (SAR)').fill('350.00');
    await save(page);
    await page.waitForSelector(`#${SERVICES_ID} tbody tr`);

    await page.locator('#admin-nav').getByRole('link', { name: 'Packages' }).click();
    await page.getByRole('link', { name: 'New package' }).click();
    await page.getByLabel('Name (English)').fill('8 Speech Sessions');
    await page.getByLabel('Name (Arabic)').fill('8 جلسات نطق');
    await page.getByLabel('Price (SAR)').fill('2400');
    await page.getByLabel('Validity (days)').fill('60');
    await page.locator('#service_0').selectOption({ label: 'Speech Therapy' });
    await page.locator('#sessions_0').fill('8');
    await save(page);
    await page.waitForSelector('#packages-active tbody tr');
    expect(await page.locator('#packages-active tbody').textContent()).toContain(
      'Speech Therapy × 8 sessions',
    );

    await page.locator('#admin-nav').getByRole('link', { name: 'Providers' }).click();
    await page.getByRole('link', { name: 'New provider' }).click();
    await page.getByLabel('Name (English)').fill('Dr. Noura');
    await page.getByLabel('Name (Arabic)').fill('د. نورة');
    await page.getByLabel('Speech Clinic').check();
    await save(page);
    await page.waitForSelector(`#${PROVIDERS_ID} tbody tr`);
    await page.getByRole('link', { name: 'Weekly schedule Dr. Noura' }).click();
    for (let day = 0; day < 7; day++) {
      await page.locator(`#start_${day}_0`).fill('08:00');
      await page.locator(`#end_${day}_0`).fill('16:00');
    }
    await page.screenshot({ path: `${ARTIFACTS_DIR}/admin-schedule-en.png`, fullPage: true });
    await save(page);
    await page.waitForSelector(`#${PROVIDERS_ID} tbody tr`);
    expect(await page.locator(`#${PROVIDERS_ID} tbody`).textContent()).toContain(
      'Sunday: 08:00–16:00',
    );

    await screenshotAdminPages(page, 'en');
    await page.locator('.topbar-user').getByRole('button', { name: 'العربية' }).click();
    await page.waitForSelector('html[dir="rtl"]');
    await screenshotAdminPages(page, 'ar');
    await page.locator('.topbar-user').getByRole('button', { name: 'English' }).click();
    await page.waitForSelector('html[dir="ltr"]');

    // The admin gives the front desk an account with a temporary password.
    await page.locator('#admin-nav').getByRole('link', { name: 'Users' }).click();
    await page.locator('#new-user-link').click();
    await page.locator('#user-name').fill('Desk One');
    await page.locator('#user-role').selectOption('FRONT_DESK');
    await page.locator('#user-email').fill(emails.desk);
    await page.locator('#user-password').fill(passwords.desk);
    await page.locator('#user-form button[type="submit"]').click();
    await page.waitForSelector('#user-notice');
    await page.locator('.topbar-user').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('#login-title');

    // The desk registers a walk-in from the booking search, sells the package, books session 1.
    const { db } = fixture.database;
    await signIn(page, 'desk');
    expect(await page.locator('#admin-nav').count()).toBe(0);
    await page.locator('#book-link').click();
    await page.waitForSelector('#booking-title');
    await page.locator('#patient-search').fill('Walk-in Child');
    await page.locator('#register-patient-button').click();
    await page.waitForSelector(`#${PATIENT_MODAL_ID}[open] #${PATIENT_FORM_ID}`);
    expect(await page.inputValue('#patient-name-en')).toBe('Walk-in Child');
    await page.locator('#patient-name-ar').fill('طفل زائر');
    await page.locator('#patient-phone').fill('+966 55 000 1111');
    await page.locator(`#${PATIENT_FORM_ID} button[type="submit"]`).first().click();
    await page.waitForSelector(`#${PATIENT_MODAL_ID}:not([open])`, { state: 'attached' });
    await page.waitForSelector(`#${PATIENT_CHOICE_ID} [name="patient_id"]`, { state: 'attached' });
    const registered = await db
      .selectFrom('patients')
      .select(['id', 'mrn'])
      .where('tenant_id', '=', ids.tenant)
      .execute();
    expect(registered).toHaveLength(1);
    ids.patient = registered[0]!.id;
    expect(await page.inputValue(`#${PATIENT_CHOICE_ID} [name="patient_id"]`)).toBe(ids.patient);
    const desk = await db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('tenant_id', '=', ids.tenant)
      .where('email', '=', emails.desk)
      .executeTakeFirstOrThrow();
    expect(desk.role).toBe('FRONT_DESK');
    ids.desk = desk.id;
    await page.getByLabel('Use package').check();
    await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] #available-packages .package-card`);
    expect(await page.locator('#assigned-packages').textContent()).toContain(
      'This patient has no packages yet.',
    );
    await page.getByRole('button', { name: 'Assign & use package' }).click();
    await confirmSale(page, { later: true });
    expect(await page.locator('#package-next-session').textContent()).toContain(
      'Session 1 of 8 will be booked.',
    );
    // One clinic, one service, one provider: each is chosen for the desk.
    await page.waitForSelector('#provider');
    await page.locator('#provider').selectOption({ label: 'Dr. Noura' });
    await expect
      .poll(() => page.locator(`#${SLOT_LIST_ID}`).textContent())
      .not.toContain('Choose a provider');
    const tomorrow = localDate('Asia/Riyadh', new Date(Date.now() + 86_400_000));
    await page.locator('#date').fill(tomorrow);
    await expect.poll(() => page.locator(`#${SLOT_LIST_ID} .slot`).count()).toBeGreaterThan(5);
    await page.locator(`#${SLOT_LIST_ID} .slot`).first().click();
    await page.locator('#book-button').click();
    await expect
      .poll(() => page.locator('#booked-title').textContent())
      .toBe('Appointment booked.');
    expect(await page.locator('#booked-session').textContent()).toContain('Session 1 of 8');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/clinic-setup-booked-en.png`, fullPage: true });
    await context.close();

    const purchase = await db
      .selectFrom('package_purchases')
      .selectAll()
      .where('tenant_id', '=', ids.tenant)
      .executeTakeFirstOrThrow();
    expect(purchase).toMatchObject({
      patient_id: ids.patient,
      name_en: '8 Speech Sessions',
      price: '2400.00',
      total_sessions: 8,
      sessions_used: 1,
      assigned_by: ids.desk,
      status: 'ACTIVE',
    });
    const appointments = await db
      .selectFrom('appointments')
      .selectAll()
      .where('tenant_id', '=', ids.tenant)
      .execute();
    expect(appointments).toHaveLength(1);
    expect(appointments[0]).toMatchObject({
      patient_id: ids.patient,
      package_purchase_id: purchase.id,
      session_number_in_package: 1,
      status: 'BOOKED',
      kind: 'PACKAGE',
      booked_by: ids.desk,
    });
    expect(localDate('Asia/Riyadh', appointments[0]!.starts_at)).toBe(tomorrow);
    const minutes =
      (appointments[0]!.ends_at.getTime() - appointments[0]!.starts_at.getTime()) / 60_000;
    expect(minutes).toBe(45);
    const audited = await db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', ids.tenant)
      .where('actor_id', '=', ids.admin)
      .where('action', 'not in', ['user.sign_in', 'user.locale']) // the admin's own
      .orderBy('at')
      .execute();
    expect(audited.map((row) => row.action)).toEqual([
      'clinic.create',
      'service.create',
      'package.create',
      'provider.create',
      'provider.schedule',
      'user.create',
    ]);
  });
});
