import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS_DIR,
  browserTestsSkipped,
  launchChromium,
  startServer,
  type TestServer,
} from '../support/browser.js';
import { createTestApp, TestClock } from '../support/app.js';
import { VIEWPORTS } from '../support/browser-flow.js';
import { TestClient } from '../support/client.js';
import { DEMO_NOW } from '../support/demo.js';
import { TEST_PASSWORD } from '../support/factories.js';
import { seedReportFixture, type ReportFixture } from '../support/report-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { HOME_REPORTS_LINK_ID } from '../../src/views/home-page.js';
import { REPORT_BODY_ID, REPORTS } from '../../src/views/reports/report-page.js';

/**
 * Finance opens every report for this month and last month in English and Arabic, moves
 * through the filters and back, and downloads both CSVs of SPEC §7, checked against the
 * fixture's hand-worked numbers (tests/routes/reports.test.ts has them all). The server's
 * clock is the demo's: today is 2026-11-25 in Riyadh.
 */
describe.skipIf(browserTestsSkipped)('reports in the browser', () => {
  let database: TestDatabase, server: TestServer, browser: Browser, fx: ReportFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    fx = await seedReportFixture(database.db);
    server = await startServer(database.db, database.bus, () => DEMO_NOW);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  /**
   * Signed in through the real login form, on the demo clock: the browser (on the real clock)
   * would drop a cookie that expired days ago, so it is handed the session without an expiry.
   */
  async function financePage(email: string): Promise<Page> {
    const client = new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
    await client.login(email, TEST_PASSWORD);
    const context = await browser.newContext({
      viewport: VIEWPORTS.desktop,
      acceptDownloads: true,
    });
    await context.addCookies(
      [...client.cookies].map(([name, value]) => ({ name, value, url: server.url })),
    );
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/`);
    return page;
  }

  async function shoot(page: Page, name: string) {
    for (const width of ['desktop', 'narrow'] as const) {
      await page.setViewportSize(VIEWPORTS[width]);
      await page.screenshot({
        path: `${ARTIFACTS_DIR}/reports-${name}-${width}.png`,
        fullPage: true,
      });
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  }

  async function download(page: Page, selector: string): Promise<string[][]> {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(selector).click(),
    ]);
    const bytes = await readFile(await file.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return parseCsv(bytes, { bom: true });
  }

  it('English: from home to each report, presets, back button, both CSVs', async () => {
    const page = await financePage(fx.users.finance.email);
    await page.locator(`#${HOME_REPORTS_LINK_ID}`).click();
    await page.waitForURL(/\/reports$/);
    await expect.poll(() => page.locator('#report-period').textContent()).toContain('1 Nov 2026');
    await shoot(page, 'en-sales-this-month');

    // a preset swaps the body only and pushes its address; back restores the month before
    await page.locator('button[name="range"][value="last-month"]').click();
    await page.waitForURL(/range=last-month/);
    await expect
      .poll(() => page.locator('#report-period').textContent())
      .toContain('1 Oct 2026 – 31 Oct 2026');
    expect(await page.locator('#report-from').inputValue()).toBe('2026-10-01');
    await shoot(page, 'en-sales-last-month');
    const lastMonth = await download(page, '#sales-by-package-csv');
    expect(lastMonth).toEqual([
      ['package_id', 'package', 'sold', 'gross', 'discounts', 'net', 'collected'],
      [fx.packages.speech10.id, 'Speech 10', '1', '1000.00', '0.00', '1000.00', '1000.00'],
    ]);
    await page.goBack();
    await expect.poll(() => page.locator('#report-period').textContent()).toContain('1 Nov 2026');
    expect(await page.locator(`#${REPORT_BODY_ID} #sales-by-package-table tbody tr`).count()).toBe(
      4,
    );

    // a clinic chosen applies at once (htmx on change), and stays in the address
    await page.locator('#report-clinic').selectOption(fx.clinics.ot.id);
    await page.waitForURL(new RegExp(`clinic=${fx.clinics.ot.id}`));
    await expect.poll(() => page.locator('#sales-by-package-table tbody tr').count()).toBe(3);
    await page.locator('#report-clinic').selectOption('');
    await expect.poll(() => page.locator('#sales-by-package-table tbody tr').count()).toBe(4);

    const sales = await download(page, '#sales-by-package-csv');
    expect(sales.map((row) => [row[1], row[5], row[6]])).toEqual([
      ['package', 'net', 'collected'],
      ['Combo, "Plus"', '1200.00', '1000.00'],
      ['Speech 10', '900.00', '500.00'],
      ['OT Single', '300.00', '300.00'],
      ['OT Three', '100.00', '0.00'],
    ]);

    for (const report of REPORTS.filter((name) => name !== 'sales')) {
      await page.locator(`#report-tab-${report}`).click();
      await page.waitForURL(new RegExp(`/reports/${report}\\?`));
      await page.waitForSelector(`#report-tab-${report}[aria-current="page"]`);
      await shoot(page, `en-${report}-this-month`);
    }
    await page.goto(`${server.url}/reports/liability`);
    const liability = await download(page, '#liability-csv');
    expect(liability[0]).toHaveLength(13);
    expect(liability.slice(1).map((row) => row[10])).toEqual([
      '1200.00',
      '0.00',
      '66.66',
      '0.00',
      '630.00',
    ]);
    const total = liability
      .slice(1)
      .reduce((sum, row) => sum + Math.round(Number(row[10]) * 100), 0);
    expect(total).toBe(189_666);
    await expect
      .poll(() => page.locator('#liability-by-package-table tfoot').textContent())
      .toContain('1,896.66 SAR');
    await page.context().close();
  });

  it('Arabic: every report this month and last month, right to left, Arabic names in the CSV', async () => {
    const page = await financePage(fx.users.financeAr.email);
    await page.goto(`${server.url}/reports`);
    await page.waitForSelector('html[dir="rtl"]');
    for (const range of ['this-month', 'last-month']) {
      for (const report of REPORTS) {
        await page.goto(`${server.url}/reports/${report}?range=${range}`);
        await page.waitForSelector(`#report-tab-${report}[aria-current="page"]`);
        if (range === 'this-month' || report === 'sales')
          await shoot(page, `ar-${report}-${range}`);
      }
    }
    await page.goto(`${server.url}/reports/liability`);
    expect(await page.locator('#report-title').textContent()).toBe('التقارير: الالتزامات');
    const liability = await download(page, '#liability-csv');
    expect(liability.find((row) => row[1] === 'FX-001')![2]).toBe('سارة، "الحربي"\nالصغرى');
    await page.context().close();
  });
});
