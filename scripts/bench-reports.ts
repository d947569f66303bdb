import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createApp } from '../src/app.js';
import { connectPostgres } from '../src/db/client.js';
import { SCALE_ADMIN_EMAIL, SCALE_PASSWORD } from '../src/db/seed/scale.js';
import { silentBus } from '../src/events/bus.js';

/**
 * `npm run bench:reports`: SPEC §7 "every report answers in ≤ 300 ms on the 1M-appointment
 * database". One request at a time (a report is read by one person, not 32 at once), in
 * process, signed in as the first scale centre's administrator; each report page and CSV for
 * each period preset, the median and the slowest of `--runs` after one warm-up request.
 */

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/raseed_scale' },
    runs: { type: 'string', default: '5' },
  },
});
const runs = Number(values.runs);
const TARGET_MS = 300;

const db = connectPostgres(values['database-url'], 4);
const app = createApp({ db, clock: () => new Date(), bus: silentBus });

const login = await app.request('/login', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
  body: new URLSearchParams({ email: SCALE_ADMIN_EMAIL, password: SCALE_PASSWORD }).toString(),
});
const cookie = login.headers
  .getSetCookie()
  .map((value) => value.split(';')[0])
  .join('; ');
if (login.status !== 303 || !cookie) throw new Error(`sign-in failed: ${login.status}`);

const REPORTS = [
  'sales',
  'liability',
  'completion',
  'usage',
  'attendance',
  'utilisation',
  'expiring',
];
const PERIODS = ['this-month', 'last-90-days', 'this-year'];
const paths = [
  ...REPORTS.flatMap((report) => PERIODS.map((range) => `/reports/${report}?range=${range}`)),
  '/reports/sales?range=this-year&by=day',
  '/reports/liability.csv',
  '/reports/sales.csv?range=this-year',
];

const rows: string[] = [];
let slow = 0;
for (const path of paths) {
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run <= runs; run += 1) {
    const start = performance.now();
    const response = await app.request(path, { headers: { cookie } });
    const body = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    if (run > 0) times.push(performance.now() - start);
    bytes = gzipSync(new Uint8Array(body)).byteLength;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const max = times.at(-1)!;
  if (max > TARGET_MS) slow += 1;
  rows.push(
    `| ${path} | ${median.toFixed(0)} | ${max.toFixed(0)} | ${(bytes / 1024).toFixed(1)} |${max > TARGET_MS ? ' over |' : ''}`,
  );
}
console.log('| request | median ms | max ms | KB gzip |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(slow === 0 ? `every report ≤ ${TARGET_MS} ms` : `${slow} over ${TARGET_MS} ms`);
await db.destroy();
