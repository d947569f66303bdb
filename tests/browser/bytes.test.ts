import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  choosePatient,
  packageBookingSteps,
  recordTransfers,
  signedInPage,
  workingDayAhead,
  type Transfer,
} from '../support/browser-flow.js';

const KB = 1024;
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
const total = (transfers: Transfer[]) => transfers.reduce((sum, t) => sum + t.bytes, 0);

/**
 * SPEC §6 for slow clinic links: what goes over the wire (compressed, as Chromium received
 * it). Bytes and request counts are deterministic, so they are asserted; time is measured by
 * `npm run bench:browser`.
 */
describe.skipIf(browserTestsSkipped)('bytes on the wire for the booking flow', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  it('first load ≤ 40 KB, each interaction ≤ 4 KB, ≤ 5 round-trips from "Use package"', async () => {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      '/',
    );
    const transfers = await recordTransfers(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');

    await page.goto(`${fixture.server.url}/appointments/new`, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    const firstLoad = transfers.splice(0);
    console.log(
      `first load of the booking page: ${kb(total(firstLoad))} in ${firstLoad.length} responses`,
      firstLoad.map((t) => `${new URL(t.url).pathname} ${kb(t.bytes)}`),
    );
    const loaded = firstLoad.map((t) => new URL(t.url).pathname).join(' ');
    for (const part of ['/appointments/new', '.css', 'htmx.min.js', 'app.js']) {
      expect(loaded).toContain(part); // a cold load: nothing came from the cache
    }
    expect(total(firstLoad)).toBeLessThanOrEqual(40 * KB);

    await choosePatient(page, 'Ahmed');
    await page.waitForLoadState('networkidle');
    const search = transfers.splice(0);
    for (const step of search) expect(step.bytes, step.url).toBeLessThanOrEqual(4 * KB);

    const perStep: Record<string, Transfer[]> = {};
    for (const step of packageBookingSteps('Dr. Huda Al-Zahrani', workingDayAhead(8))) {
      await step.run(page);
      await page.waitForLoadState('networkidle');
      perStep[step.name] = transfers.splice(0);
    }
    console.log(
      'from "Use package" to the confirmation:',
      Object.entries(perStep).map(
        ([name, responses]) =>
          `${name}: ${responses.map((r) => `${new URL(r.url).pathname} ${kb(r.bytes)}`).join(', ')}`,
      ),
    );
    const responses = Object.values(perStep).flat();
    expect(responses.length).toBeLessThanOrEqual(5);
    for (const response of responses) {
      expect(response.bytes, response.url).toBeLessThanOrEqual(4 * KB);
    }
    expect(await page.locator('#booked-session').textContent()).toContain('Session 6 of 10');
    await page.context().close();
  });

  it("the calendar's first load, every clinic's providers in the grid, ≤ 40 KB", async () => {
    const page = await signedInPage(
      fixture.browser,
      fixture.server.url,
      'frontdesk@demo.test',
      '/',
    );
    const transfers = await recordTransfers(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await page.goto(`${fixture.server.url}/appointments?date=${workingDayAhead(8)}&clinic=all`, {
      waitUntil: 'load',
    });
    await page.waitForLoadState('networkidle');
    console.log(
      `first load of the calendar: ${kb(total(transfers))} in ${transfers.length} responses`,
      transfers.map((t) => `${new URL(t.url).pathname} ${kb(t.bytes)}`),
    );
    expect(await page.locator('.cal-col').count()).toBeGreaterThanOrEqual(7);
    expect(total(transfers)).toBeLessThanOrEqual(40 * KB);
    await page.context().close();
  });
});
