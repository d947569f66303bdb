import { gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClock } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { DEMO_NOW, seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { TEST_PASSWORD } from '../support/factories.js';
import { seedReportFixture, type ReportFixture } from '../support/report-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { REPORT_BODY_ID, REPORT_FROM_ID } from '../../src/views/reports/report-page.js';
import { HOME_REPORTS_LINK_ID } from '../../src/views/home-page.js';

/**
 * Reports (SPEC §7) against a small centre whose every answer is worked out by hand in the
 * comments of tests/support/report-fixture.ts and below. Today is 2026-11-25 in Riyadh.
 */

let database: TestDatabase, demo: DemoFixture, fx: ReportFixture;
const clients = new Map<string, TestClient>();

async function as(email: string): Promise<TestClient> {
  let client = clients.get(email);
  if (!client) {
    client = new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
    await client.login(email, TEST_PASSWORD);
    clients.set(email, client);
  }
  return client;
}
const finance = () => as(fx.users.finance.email);

beforeAll(async () => {
  database = await createTestDatabase('demo');
  demo = await seedDemoFixture(database.db);
  fx = await seedReportFixture(database.db);
});
afterAll(() => database.close());

const BOM = '\uFEFF';

async function csv(client: TestClient, path: string) {
  const response = await client.request(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  expect(text.startsWith(BOM)).toBe(true);
  const records: string[][] = parseCsv(text, { bom: true });
  return { text, records };
}

/** A table's rows as the text of their cells. */
function tableRows(page: ReturnType<typeof html>, id: string, part = 'tbody'): string[][] {
  return page
    .querySelectorAll(`#${id}-table ${part} tr`)
    .map((row) => row.querySelectorAll('th, td').map((cell) => cell.text.trim()));
}

describe('GET /reports/liability.csv', () => {
  it('has the SPEC’s headers and one row per ACTIVE purchase not yet expired, by hand', async () => {
    const { text, records } = await csv(await finance(), '/reports/liability.csv');
    const [header, ...rows] = records;
    expect(header).toEqual([
      'purchase_id',
      'patient_mrn',
      'patient_name',
      'package',
      'purchase_date',
      'expiry_date',
      'total_sessions',
      'sessions_used',
      'sessions_remaining',
      'unit_price',
      'liability',
      'amount_paid',
      'balance_due',
    ]);
    const { p1, p2, p3, p7, p8 } = fx.purchases;
    // P4 is transferred, P5 expired on 10-30 though still stored ACTIVE: neither is owed.
    expect(rows).toEqual([
      // 1200 / 6 = 200.00 a session, 6 left; 1200 − 1000 paid (1200 less a 200 refund)
      [
        p2.id,
        'FX-002',
        'Omar Nasser',
        'Combo, "Plus"',
        '2026-11-10',
        '2026-12-10',
        '6',
        '0',
        '6',
        '200.00',
        '1200.00',
        '1000.00',
        '200.00',
      ],
      // a transfer: nothing to pay, nothing owed; a formula-like name is defused
      [
        p3.id,
        'FX-003',
        "'=Zaid+1",
        'Speech 10',
        '2026-11-15',
        '2026-12-20',
        '5',
        '0',
        '5',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
      ],
      // 100 / 3 = 33.33, × 2 left = 66.66
      [
        p8.id,
        'FX-002',
        'Omar Nasser',
        'OT Three',
        '2026-11-20',
        '2026-12-31',
        '3',
        '1',
        '2',
        '33.33',
        '66.66',
        '0.00',
        '100.00',
      ],
      // used up but still ACTIVE: a row with nothing owed
      [
        p7.id,
        'FX-003',
        "'=Zaid+1",
        'OT Single',
        '2026-11-01',
        '2027-01-30',
        '1',
        '1',
        '0',
        '300.00',
        '0.00',
        '300.00',
        '0.00',
      ],
      // (1000 − 100) / 10 = 90.00, × 7 left = 630.00; 900 − 500 paid
      [
        p1.id,
        'FX-001',
        'Sara "Sue" Al-Harbi, Jr.',
        'Speech 10',
        '2026-11-03',
        '2027-02-01',
        '10',
        '3',
        '7',
        '90.00',
        '630.00',
        '500.00',
        '400.00',
      ],
    ]);
    // RFC 4180: CRLF, quotes doubled inside quoted fields
    expect(text).toContain('"Sara ""Sue"" Al-Harbi, Jr."');
    expect(text).toContain('"Combo, ""Plus"""');
    expect(text.split('\r\n')).toHaveLength(rows.length + 2);
  });

  it('writes Arabic names for an Arabic reader, quoted around their comma, quotes and line break', async () => {
    const { text, records } = await csv(
      await as(fx.users.financeAr.email),
      '/reports/liability.csv',
    );
    expect(records[0]![2]).toBe('patient_name');
    const sara = records.find((row) => row[1] === 'FX-001')!;
    expect(sara[2]).toBe('سارة، "الحربي"\nالصغرى');
    expect(sara[3]).toBe('نطق 10');
    expect(text).toContain('"سارة، ""الحربي""\nالصغرى"');
    expect(records.find((row) => row[1] === 'FX-002')![3]).toBe('باقة "مزدوجة"، خاصة');
  });

  it('narrows to a clinic: purchases with a service there', async () => {
    const { records } = await csv(
      await finance(),
      `/reports/liability.csv?clinic=${fx.clinics.ot.id}`,
    );
    expect(records.slice(1).map((row) => row[0])).toEqual([
      fx.purchases.p2.id,
      fx.purchases.p8.id,
      fx.purchases.p7.id,
    ]);
  });
});

describe('GET /reports/sales.csv', () => {
  const HEADER = ['package_id', 'package', 'sold', 'gross', 'discounts', 'net', 'collected'];

  it('this month: one row per package sold, transfers left out, by hand', async () => {
    const { combo, speech10, otSingle, otThree } = fx.packages;
    const { records } = await csv(
      await finance(),
      '/reports/sales.csv?from=2026-11-01&to=2026-11-30',
    );
    expect(records).toEqual([
      HEADER,
      // P2: a 200 refund leaves 1000 collected
      [combo.id, 'Combo, "Plus"', '1', '1200.00', '0.00', '1200.00', '1000.00'],
      // P1 only: P3 (11-15) is a transfer, not a sale
      [speech10.id, 'Speech 10', '1', '1000.00', '100.00', '900.00', '500.00'],
      [otSingle.id, 'OT Single', '1', '300.00', '0.00', '300.00', '300.00'],
      [otThree.id, 'OT Three', '1', '100.00', '0.00', '100.00', '0.00'],
    ]);
  });

  it('last month by its preset: P4, transferred since, was sold then', async () => {
    const { records } = await csv(await finance(), '/reports/sales.csv?range=last-month');
    expect(records).toEqual([
      HEADER,
      [fx.packages.speech10.id, 'Speech 10', '1', '1000.00', '0.00', '1000.00', '1000.00'],
    ]);
  });

  it('a period with no sales has the header alone; a clinic narrows to packages there', async () => {
    expect(
      (await csv(await finance(), '/reports/sales.csv?from=2025-01-01&to=2025-01-31')).records,
    ).toEqual([HEADER]);
    const { records } = await csv(
      await finance(),
      `/reports/sales.csv?from=2026-11-01&to=2026-11-30&clinic=${fx.clinics.ot.id}`,
    );
    expect(records.slice(1).map((row) => row[1])).toEqual([
      'Combo, "Plus"',
      'OT Single',
      'OT Three',
    ]);
  });
});

describe('the report pages', () => {
  it('sales this month: by package with its total, by clinic shared by sessions, a chart', async () => {
    const response = await (await finance()).request('/reports/sales?range=this-month');
    expect(response.status).toBe(200);
    const page = html(await response.text());
    expect(tableRows(page, 'sales-by-package')).toEqual([
      ['Combo, "Plus"', '1', '1,200 SAR', '0 SAR', '1,200 SAR', '1,000 SAR'],
      ['Speech 10', '1', '1,000 SAR', '100 SAR', '900 SAR', '500 SAR'],
      ['OT Single', '1', '300 SAR', '0 SAR', '300 SAR', '300 SAR'],
      ['OT Three', '1', '100 SAR', '0 SAR', '100 SAR', '0 SAR'],
    ]);
    expect(tableRows(page, 'sales-by-package', 'tfoot')).toEqual([
      ['Total', '4', '2,600 SAR', '100 SAR', '2,500 SAR', '1,800 SAR'],
    ]);
    // Combo's 1200 (1000 collected) is 4/6 speech, 2/6 OT:
    // speech: 1000 + 800 gross, 100 off, 500 + 666.67 collected; OT: 400 + 300 + 100, 333.33 + 300
    expect(tableRows(page, 'sales-by-clinic')).toEqual([
      ['OT Clinic', '3', '800 SAR', '0 SAR', '800 SAR', '633.33 SAR'],
      ['Speech Clinic', '2', '1,800 SAR', '100 SAR', '1,700 SAR', '1,166.67 SAR'],
    ]);
    // by month: one period
    expect(tableRows(page, 'sales-over-time')).toEqual([
      ['1 Nov 2026', '4', '2,600 SAR', '100 SAR', '2,500 SAR', '1,800 SAR'],
    ]);
    const chart = page.querySelector('#sales-by-package-chart')!;
    expect(chart.getAttribute('role')).toBe('img');
    expect(chart.querySelector('title')!.text).toBe('Chart: Sales by package');
    expect(chart.querySelector('desc')!.text).toContain('Combo, "Plus": 1,200 SAR');
    expect(chart.querySelectorAll('rect')).toHaveLength(4);
    expect(page.querySelector('script:not([src])')).toBeNull();
  });

  it('sales by week: Sunday-started weeks of purchase dates', async () => {
    const page = html(
      await (
        await (await finance()).request('/reports/sales?from=2026-11-01&to=2026-11-30&by=week')
      ).text(),
    );
    // P7 (Sunday 11-01) 300 + P1 (11-03) 900; P2 (11-10) 1200; P8 (11-20) 100
    expect(tableRows(page, 'sales-over-time').map((row) => [row[0], row[1], row[4]])).toEqual([
      ['1 Nov 2026', '2', '1,200 SAR'],
      ['8 Nov 2026', '1', '1,200 SAR'],
      ['15 Nov 2026', '1', '100 SAR'],
    ]);
  });

  it('liability now: per package and per clinic, each total the sum of its rows', async () => {
    const page = html(await (await (await finance()).request('/reports/liability')).text());
    expect(tableRows(page, 'liability-by-package')).toEqual([
      ['Combo, "Plus"', '1', '6', '1,200 SAR'],
      ['Speech 10', '2', '12', '630 SAR'],
      ['OT Three', '1', '2', '66.66 SAR'],
      ['OT Single', '1', '0', '0 SAR'],
    ]);
    expect(tableRows(page, 'liability-by-package', 'tfoot')).toEqual([
      ['Total', '5', '20', '1,896.66 SAR'],
    ]);
    // speech: 7 × 90 + 4 × 200 + 5 × 0; OT: 2 × 200 + 2 × 33.33
    expect(tableRows(page, 'liability-by-clinic')).toEqual([
      ['OT Clinic', '2', '4', '466.66 SAR'],
      ['Speech Clinic', '3', '16', '1,430 SAR'],
    ]);
    expect(tableRows(page, 'liability-by-clinic', 'tfoot')).toEqual([
      ['Total', '—', '20', '1,896.66 SAR'],
    ]);
    expect(page.querySelector('#liability-csv')!.getAttribute('href')).toBe(
      '/reports/liability.csv?range=this-month',
    );
  });

  it('expiring in the next 30 days with sessions left: a worklist linking to each patient', async () => {
    const page = html(await (await (await finance()).request('/reports/expiring')).text());
    expect(tableRows(page, 'expiring')).toEqual([
      ['Omar Nasser', 'FX-002', 'Combo, "Plus"', '6', '10 Dec 2026'],
      ['=Zaid+1', 'FX-003', 'Speech 10', '5', '20 Dec 2026'],
    ]);
    expect(
      page.querySelectorAll('#expiring-table tbody a').map((a) => a.getAttribute('href')),
    ).toEqual([`/patients/${fx.patients.omar.id}`, `/patients/${fx.patients.zaid.id}`]);
  });

  it('completion of the packages sold in the period', async () => {
    const client = await finance();
    let page = html(await (await client.request('/reports/completion?range=this-month')).text());
    // OT Single: its one session on 11-12, bought 11-01: 11 days = 1.6 weeks
    expect(tableRows(page, 'completion')).toEqual([
      ['Combo, "Plus"', '1', '0', '0.0%', '0', '0.0%', '—'],
      ['OT Single', '1', '1', '100.0%', '0', '0.0%', '1.6'],
      ['OT Three', '1', '0', '0.0%', '0', '0.0%', '—'],
      ['Speech 10', '1', '0', '0.0%', '0', '0.0%', '—'],
    ]);
    // August to November: Speech 10 sold 3 times (P5, P4, P1), P5 expired with 8 left
    page = html(
      await (await client.request('/reports/completion?from=2026-08-01&to=2026-11-30')).text(),
    );
    expect(tableRows(page, 'completion').at(-1)).toEqual([
      'Speech 10',
      '3',
      '0',
      '0.0%',
      '1',
      '33.3%',
      '—',
    ]);
  });

  it('usage: consuming package sessions per week, by clinic', async () => {
    const page = html(
      await (await (await finance()).request('/reports/usage?range=this-month')).text(),
    );
    // a late cancel and a no-show are used; the cancellation in time (11-19) is not
    expect(tableRows(page, 'usage-by-week')).toEqual([
      ['1 Nov 2026', '1'],
      ['8 Nov 2026', '2'],
      ['15 Nov 2026', '1'],
      ['22 Nov 2026', '1'],
    ]);
    expect(tableRows(page, 'usage-by-week', 'tfoot')).toEqual([['Total', '5']]);
    expect(tableRows(page, 'usage-by-clinic')).toEqual([
      ['1 Nov 2026', 'Speech Clinic', '1'],
      ['8 Nov 2026', 'OT Clinic', '1'],
      ['8 Nov 2026', 'Speech Clinic', '1'],
      ['15 Nov 2026', 'Speech Clinic', '1'],
      ['22 Nov 2026', 'OT Clinic', '1'],
    ]);
    expect(page.querySelector('#usage-by-week-chart polyline')).not.toBeNull();
  });

  it('no-show and late-cancellation rates per clinic and provider', async () => {
    const page = html(
      await (await (await finance()).request('/reports/attendance?range=this-month')).text(),
    );
    expect(tableRows(page, 'attendance-by-clinic')).toEqual([
      ['OT Clinic', '2', '0', '0.0%', '0', '0.0%'],
      ['Speech Clinic', '4', '1', '25.0%', '1', '25.0%'],
    ]);
    expect(tableRows(page, 'attendance-by-provider')).toEqual([
      ['Dr. Badr', '2', '0', '0.0%', '0', '0.0%'],
      ['Dr. Rana', '4', '1', '25.0%', '1', '25.0%'],
    ]);
  });

  it('provider utilisation: booked ÷ scheduled hours per week', async () => {
    const page = html(
      await (await (await finance()).request('/reports/utilisation?range=this-month')).text(),
    );
    // Rana 5 × 8 h + Badr 2 × 4 h = 48 h a week; 29–30 Nov: 2 × 8 + 2 × 4 = 24 h; the week of
    // 15 Nov less Badr's 2 h of time off inside his hours (its third hour is after them)
    expect(tableRows(page, 'utilisation-by-week')).toEqual([
      ['1 Nov 2026', '48.0', '0.8', '1.6%'],
      ['8 Nov 2026', '48.0', '1.5', '3.1%'],
      ['15 Nov 2026', '46.0', '0.0', '0.0%'],
      ['22 Nov 2026', '48.0', '1.8', '3.6%'],
      ['29 Nov 2026', '24.0', '0.0', '0.0%'],
    ]);
    const rows = tableRows(page, 'utilisation-by-provider');
    expect(rows.filter((row) => row[0] === '22 Nov 2026')).toEqual([
      ['22 Nov 2026', 'Dr. Badr', '8.0', '0.8', '9.4%'],
      ['22 Nov 2026', 'Dr. Rana', '40.0', '1.0', '2.5%'],
    ]);
    expect(rows.filter((row) => row[0] === '15 Nov 2026')).toEqual([
      ['15 Nov 2026', 'Dr. Badr', '6.0', '0.0', '0.0%'],
      ['15 Nov 2026', 'Dr. Rana', '40.0', '0.0', '0.0%'],
    ]);
  });

  it('a CSV of every table shown, with the same numbers', async () => {
    const client = await finance();
    const { records } = await csv(
      client,
      '/reports/utilisation/csv?table=utilisation-by-week&range=this-month',
    );
    expect(records).toEqual([
      ['week', 'scheduled', 'booked', 'utilisation'],
      ['2026-11-01', '48.00', '0.75', '1.6'],
      ['2026-11-08', '48.00', '1.50', '3.1'],
      ['2026-11-15', '46.00', '0.00', '0.0'],
      ['2026-11-22', '48.00', '1.75', '3.6'],
      ['2026-11-29', '24.00', '0.00', '0.0'],
    ]);
    const byClinic = await csv(client, '/reports/sales/csv?table=sales-by-clinic&range=this-month');
    expect(byClinic.records[2]).toEqual([
      'Speech Clinic',
      '2',
      '1800.00',
      '100.00',
      '1700.00',
      '1166.67',
    ]);
    // every table's download link answers a CSV
    for (const report of [
      'sales',
      'liability',
      'completion',
      'usage',
      'attendance',
      'utilisation',
      'expiring',
    ]) {
      const page = html(await (await client.request(`/reports/${report}`)).text());
      const links = page.querySelectorAll('.report-table a[download]');
      expect(links.length, report).toBeGreaterThan(0);
      for (const link of links) await csv(client, link.getAttribute('href')!);
    }
    expect((await client.request('/reports/sales/csv?table=nothing-here')).status).toBe(404);
  });
});

describe('filters', () => {
  it('a clinic narrows every report; another centre’s clinic is not found', async () => {
    const client = await finance();
    const page = html(
      await (
        await client.request(`/reports/usage?range=this-month&clinic=${fx.clinics.ot.id}`)
      ).text(),
    );
    expect(tableRows(page, 'usage-by-clinic').map((row) => row[1])).toEqual([
      'OT Clinic',
      'OT Clinic',
    ]);
    const demoClinic = await database.db
      .selectFrom('clinics')
      .select('id')
      .where('tenant_id', '=', demo.demo)
      .executeTakeFirstOrThrow();
    for (const path of [
      '/reports/sales',
      '/reports/liability.csv',
      '/reports/usage/csv?table=usage-by-week&',
    ]) {
      const sep = path.includes('?') ? '' : '?';
      const response = await client.request(`${path}${sep}clinic=${demoClinic.id}`);
      expect(response.status, path).toBe(404);
    }
  });

  it('refuses a period running backwards or longer than three years, and malformed values', async () => {
    const client = await finance();
    for (const query of [
      'from=2026-11-30&to=2026-11-01',
      'from=2020-01-01&to=2026-11-30',
      'from=2026-02-30&to=2026-03-01',
      'range=yesterday',
      'clinic=not-an-id',
      'by=hour',
    ]) {
      expect((await client.request(`/reports/sales?${query}`)).status, query).toBe(400);
    }
    expect((await client.request('/reports/nonsense')).status).toBe(400);
  });

  it('htmx gets the report body alone; a preset also refreshes the date inputs; history gets the page', async () => {
    const client = await finance();
    const fragment = await client.request('/reports/sales?range=last-month', { htmx: true });
    const body = await fragment.text();
    expect(body).not.toContain('<html');
    const parsed = html(body);
    expect(parsed.querySelector('#report-period')!.text).toContain('1 Oct 2026 – 31 Oct 2026');
    expect(parsed.querySelector(`#${REPORT_FROM_ID}`)!.getAttribute('value')).toBe('2026-10-01');
    expect(parsed.querySelector(`#${REPORT_FROM_ID}`)!.getAttribute('hx-swap-oob')).toBe('true');
    expect(fragment.headers.get('hx-push-url')).toBe('/reports/sales?range=last-month');
    // a changed date sends no preset: nothing swapped out of band under the reader's cursor;
    // dates that are a preset's today are pushed as that preset
    const asPreset = await client.request('/reports/usage?from=2026-10-01&to=2026-10-31&by=day', {
      htmx: true,
    });
    expect(asPreset.headers.get('hx-push-url')).toBe('/reports/usage?range=last-month&by=day');
    const custom = html(
      await (
        await client.request('/reports/sales?from=2026-10-01&to=2026-10-31', { htmx: true })
      ).text(),
    );
    expect(custom.querySelector(`#${REPORT_FROM_ID}`)).toBeNull();
    const restored = await client.request('/reports/sales?range=last-month', {
      htmx: true,
      headers: { 'hx-history-restore-request': 'true' },
    });
    const page = html(await restored.text());
    expect(page.querySelector(`#${REPORT_BODY_ID}`)).not.toBeNull();
    expect(page.querySelector('title')!.text).toContain('Reports');
    // the page's form pushes its filters into the address
    const full = html(await (await client.request('/reports/sales?range=last-month')).text());
    const form = full.querySelector('#report-filters')!;
    expect(form.getAttribute('hx-push-url')).toBe('true');
    expect(form.getAttribute('hx-target')).toBe(`#${REPORT_BODY_ID}`);
    expect(full.querySelector('#report-tab-liability')!.getAttribute('href')).toBe(
      '/reports/liability?range=last-month',
    );
  });
});

describe('who may read reports', () => {
  const paths = [
    '/reports',
    '/reports/sales',
    '/reports/expiring',
    '/reports/liability.csv',
    '/reports/sales.csv',
    '/reports/usage/csv?table=usage-by-week',
  ];

  it('ADMIN and FINANCE; the desk and providers get 403; signed out goes to the login', async () => {
    const admin = await as(fx.users.admin.email);
    const desk = await as(fx.users.desk.email);
    const provider = await as(fx.users.provider.email);
    const anonymous = new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
    for (const path of paths) {
      expect((await admin.request(path)).status, path).toBe(200);
      expect((await (await finance()).request(path)).status, path).toBe(200);
      expect((await desk.request(path)).status, path).toBe(403);
      expect((await provider.request(path)).status, path).toBe(403);
      expect((await anonymous.request(path)).status, path).toBe(303);
    }
  });

  it('linked from the home page of the admin and finance only', async () => {
    const link = async (client: TestClient) =>
      html(await (await client.request('/')).text()).querySelector(`#${HOME_REPORTS_LINK_ID}`);
    expect((await link(await finance()))!.getAttribute('href')).toBe('/reports');
    expect(await link(await as(fx.users.admin.email))).not.toBeNull();
    expect(await link(await as(fx.users.desk.email))).toBeNull();
    expect(await link(await as(fx.users.provider.email))).toBeNull();
  });

  it('another centre’s finance sees only its own numbers', async () => {
    const demoFinance = await demo.signIn('finance@demo.test');
    for (const path of [
      ...paths,
      '/reports/liability',
      '/reports/attendance',
      '/reports/completion',
    ]) {
      const body = await (await demoFinance.request(path)).text();
      for (const leak of [
        'Fixture',
        'FX-00',
        'Omar Nasser',
        'Speech 10',
        'OT Single',
        'Dr. Rana',
        fx.purchases.p1.id,
      ]) {
        expect(body, path).not.toContain(leak);
      }
    }
    const { records } = await csv(demoFinance, '/reports/liability.csv');
    expect(records.length).toBeGreaterThan(1);
  });
});

describe('Arabic and bytes', () => {
  it('an Arabic reader gets a right-to-left page, Arabic names and headings', async () => {
    const page = html(
      await (await (await as(fx.users.financeAr.email)).request('/reports/liability')).text(),
    );
    expect(page.querySelector('html')!.getAttribute('dir')).toBe('rtl');
    expect(page.querySelector('#report-title')!.text).toBe('التقارير: الالتزامات');
    expect(tableRows(page, 'liability-by-clinic').map((row) => row[0])).toEqual([
      'عيادة العلاج الوظيفي',
      'عيادة النطق',
    ]);
    expect(page.querySelector('#liability-by-package-table thead')!.text).toContain('الالتزام');
    expect(page.querySelector('#liability-by-package-chart title')!.text).toBe(
      'رسم بياني: الالتزامات حسب الباقة',
    );
  });

  it('each report page is at most 30 KB compressed', async () => {
    const client = await finance();
    for (const report of [
      'sales',
      'liability',
      'completion',
      'usage',
      'attendance',
      'utilisation',
      'expiring',
    ]) {
      for (const query of ['range=this-year&by=day', 'range=last-90-days']) {
        const body = await (await client.request(`/reports/${report}?${query}`)).text();
        expect(gzipSync(body).length, report).toBeLessThanOrEqual(30 * 1024);
      }
    }
  });
});
