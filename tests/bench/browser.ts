/**
 * SPEC §6 on a slow clinic link: the time from "Use package" to the booked confirmation in
 * Chromium throttled to 256 kbps / 300 ms round-trip, with a warm cache (the static files of
 * an earlier visit). Staff's own think time is left out: in the page, each request is timed
 * from htmx sending it (at once on the click or change) to its answer settled on screen, and
 * the steps are added up; Playwright's own overhead is not counted.
 *
 *   npm run bench:browser            (PGlite; TEST_DATABASE_URL=postgres://… for PostgreSQL)
 *
 * It lives beside the tests because it drives the browser flow they share (support/).
 *   RUNS=7 npm run bench:browser
 */
import { seedDemo } from '../../src/db/seed/demo.js';
import { launchChromium, startServer } from '../support/browser.js';
import {
  choosePatient,
  packageBookingSteps,
  recordTransfers,
  signedInPage,
  workingDayAhead,
} from '../support/browser-flow.js';
import { createTestDatabase } from '../support/test-db.js';

/** Ahmed's package has five sessions left: one booking per run. */
const RUNS = Math.min(Number(process.env.RUNS ?? 5), 5);
const SLOW_LINK = {
  offline: false,
  latency: 300, // ms added to each round-trip
  downloadThroughput: 32_000, // bytes/s: 256 kbps
  uploadThroughput: 32_000,
};

/** In the page: for every htmx request, from sending it to its answer settled on screen. */
function timeHtmxRequests() {
  const started = new Map<unknown, number>();
  const settled = new Map<unknown, number>();
  const timings = { started, settled };
  Object.assign(window, { raseedTimings: timings });
  document.addEventListener('htmx:beforeRequest', (event) => {
    started.set((event as CustomEvent<{ xhr: unknown }>).detail.xhr, performance.now());
  });
  document.addEventListener('htmx:afterSettle', (event) => {
    settled.set((event as CustomEvent<{ xhr: unknown }>).detail.xhr, performance.now());
  });
}

/** Milliseconds spent waiting on the requests since the last call. */
function waitedSinceLastCall(): number {
  const { started, settled } = (
    window as unknown as { raseedTimings: Record<string, Map<unknown, number>> }
  ).raseedTimings;
  let waited = 0;
  for (const [xhr, start] of started!) {
    const end = settled!.get(xhr);
    if (end !== undefined) waited += end - start;
  }
  started!.clear();
  settled!.clear();
  return waited;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const database = await createTestDatabase();
await seedDemo(database.db, new Date());
const server = await startServer(database.db, database.bus);
const browser = await launchChromium();
try {
  const page = await signedInPage(browser, server.url, 'frontdesk@demo.test');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const transfers = await recordTransfers(page);
  await page.addInitScript(timeHtmxRequests);

  const totals: number[] = [];
  const stepTimes = new Map<string, number[]>();
  for (let run = 0; run < RUNS; run++) {
    // Unthrottled: the page (its static files now cached) and the patient.
    await cdp.send('Network.emulateNetworkConditions', {
      ...SLOW_LINK,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.goto(`${server.url}/appointments/new`);
    await choosePatient(page, 'Ahmed');
    await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
    transfers.splice(0);
    await page.evaluate(waitedSinceLastCall);

    let total = 0;
    for (const step of packageBookingSteps('Dr. Huda Al-Zahrani', workingDayAhead(8 + run))) {
      await step.run(page);
      const took = await page.evaluate(waitedSinceLastCall);
      total += took;
      stepTimes.set(step.name, [...(stepTimes.get(step.name) ?? []), took]);
    }
    totals.push(total);
    const bytes = transfers.reduce((sum, t) => sum + t.bytes, 0);
    console.log(
      `run ${run + 1}: ${Math.round(total)} ms, ${transfers.length} round-trips, ${(bytes / 1024).toFixed(1)} KB`,
    );
  }

  console.log(`\n"Use package" → booked, 256 kbps / 300 ms RTT, warm cache, ${database.kind}:`);
  for (const [name, times] of stepTimes) {
    console.log(`  ${name.padEnd(46)} median ${Math.round(median(times))} ms`);
  }
  console.log(`  ${'total'.padEnd(46)} median ${Math.round(median(totals))} ms (budget 2000 ms)`);
} finally {
  await browser.close();
  await server.close();
  await database.close();
}
