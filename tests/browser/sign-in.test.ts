import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS_DIR,
  browserTestsSkipped,
  launchChromium,
  startServer,
} from '../support/browser.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

describe.skipIf(browserTestsSkipped)('signing in with Chromium', () => {
  let database: TestDatabase;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let email: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const tenant = await createTenant(database.db, { name: 'Browser Centre' });
    email = (await createUser(database.db, tenant.id, { name: 'Noura Desk' })).email;
    server = await startServer(database.db);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  it('signs in with the keyboard, switches to Arabic and signs out', async () => {
    const page = await browser.newPage();
    // Script errors and CSP violations; a refused sign-in (401) is not one.
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('status of 401')) {
        consoleErrors.push(message.text());
      }
    });

    await page.goto(`${server.url}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/login-en.png` });

    await page.keyboard.type(email); // the email field has focus on arrival
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#login-error').textContent())
      .toBe('The email or password is incorrect.');

    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#home-title').textContent()).toBe('Welcome, Noura Desk');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/home-en.png` });

    await page.getByRole('button', { name: 'العربية' }).click();
    await expect.poll(() => page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('#home-title').textContent()).toBe('أهلاً، Noura Desk');
    await page.screenshot({ path: `${ARTIFACTS_DIR}/home-ar.png` });

    await page.getByRole('button', { name: 'تسجيل الخروج' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    expect(consoleErrors).toEqual([]);
  });
});
