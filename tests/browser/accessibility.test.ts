import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  chooseFirstSlot,
  choosePatient,
  openPackageModal,
  signedInPage,
  switchToArabic,
  VIEWPORTS,
  workingDayAhead,
} from '../support/browser-flow.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** axe-core in the page: the serious and critical violations, one readable line per element. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const { violations, passes } = await page.evaluate(async () => {
    type Results = { violations: unknown[]; passes: unknown[] };
    const axe = (window as unknown as { axe: { run(): Promise<Results> } }).axe;
    const results = await axe.run();
    return { violations: results.violations, passes: results.passes.length };
  });
  expect(passes, 'axe ran its rules').toBeGreaterThan(10);
  return (violations as Violation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.impact} ${violation.id} (${violation.help}) at ${node.target.join(' ')}: ${node.failureSummary}`,
      ),
    );
}

/** axe on every page staff use, in both languages: no serious or critical violation. */
describe.skipIf(browserTestsSkipped)('accessibility (axe-core) of every page', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  // The CSP (rightly) refuses axe's injected script; only these test contexts bypass it.
  const bypassCSP = { bypassCSP: true };

  for (const locale of ['en', 'ar'] as const) {
    it(`has no serious violations on any page in ${locale}`, async () => {
      const login = await fixture.browser.newPage({ ...bypassCSP, viewport: VIEWPORTS.desktop });
      await login.goto(`${fixture.server.url}/login?lang=${locale}`);
      const found: Record<string, string[]> = { login: await seriousViolations(login) };
      await login.locator('#password').press('Enter');
      await login.waitForSelector('.field-error');
      found['login with errors'] = await seriousViolations(login);
      await login.close();

      const tab = await signedInPage(
        fixture.browser,
        fixture.server.url,
        'frontdesk@demo.test',
        '/',
        bypassCSP,
      );
      const check = async (where: string) => {
        found[where] = await seriousViolations(tab);
      };
      if (locale === 'ar') await switchToArabic(tab);
      await check('home');
      await tab.goto(`${fixture.server.url}/appointments/new`);
      await check('booking page');
      await choosePatient(tab, locale === 'ar' ? 'أحمد' : 'Ahmed');
      await openPackageModal(tab);
      await check('package modal');
      await tab.locator('.package-card.suggested button').click();
      await tab.waitForSelector('#package-next-session');
      const provider = locale === 'ar' ? 'د. هدى الزهراني' : 'Dr. Huda Al-Zahrani';
      await chooseFirstSlot(tab, provider, workingDayAhead(8));
      await check('booking form with slots');
      await tab.locator('#book-button').click();
      await tab.waitForSelector('#booked-title');
      await check('booking confirmation');
      await tab.locator('.booking-confirmation a[href^="/appointments?"]').click();
      await tab.waitForSelector(`#${DAY_VIEW_ID}`);
      await check('day view');
      await tab.locator(`#${DAY_VIEW_ID} .day-appointment a`).first().click();
      await tab.waitForSelector('#appointment-title');
      await check('appointment page');
      await tab.locator('a[href^="/patients/"]').click();
      await tab.waitForSelector('#patient-title');
      await check('patient page');

      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((where) => [where, []])));
      await tab.context().close();
    });
  }
});
