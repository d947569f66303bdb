import { describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';

describe.skipIf(browserTestsSkipped)('signing in with Chromium', () => {
  let email: string;
  const fixture = useBrowserFixture(async (db) => {
    const tenant = await createTenant(db, { name: 'Browser Centre' });
    email = (await createUser(db, tenant.id, { name: 'Noura Desk' })).email;
  });

  it('signs in with the keyboard, switches to Arabic and signs out', async () => {
    const page = await fixture.browser.newPage();
    // Script errors and CSP violations (a stream ended at sign-out without its `session.ended`
    // frame would reconnect and log '[object Event]'). Not an error: a refused sign-in (401).
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !text.includes('status of 401')) {
        consoleErrors.push(text);
      }
    });

    await page.goto(`${fixture.server.url}/`);
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
