import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGE_COOKIE } from '../../src/auth/middleware.js';
import { SESSION_COOKIE } from '../../src/auth/session.js';
import { connectPostgres, type Database } from '../../src/db/client.js';
import { unavailableFromDatabaseError } from '../../src/db/errors.js';
import { RETRY_AFTER_SECONDS } from '../../src/routes/errors.js';
import { HTMX_RESPONSE_HANDLING } from '../../src/views/layout.js';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { createTestDatabase, onRealPostgres } from '../support/test-db.js';

/**
 * While PostgreSQL cannot be reached, pages and the JSON API answer 503 with Retry-After and
 * say so (in the reader's language), instead of a 500. The app here talks to a port nobody
 * listens on.
 */

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let unreachable: Database;

beforeAll(async () => {
  unreachable = connectPostgres(`postgres://postgres@127.0.0.1:${await closedPort()}/raseed`);
});
afterAll(() => unreachable.destroy());

/** A desk whose session cookie the app must look up, in the database it cannot reach. */
function signedInDesk(locale?: 'en' | 'ar') {
  const client = new TestClient(createTestApp(unreachable).app);
  client.cookies.set(SESSION_COOKIE, 'a-session-token');
  if (locale) client.cookies.set(LANGUAGE_COOKIE, locale);
  return client;
}

describe('an unreachable database', () => {
  it('answers the JSON API 503 database_unavailable with Retry-After', async () => {
    const response = await signedInDesk().request(
      `/appointments/api/packages-for-patient/?patient=${crypto.randomUUID()}`,
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    const body = (await response.json()) as { success: boolean; error: { code: string } };
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('database_unavailable');
  });

  it('answers a page 503 with the message in English and in Arabic', async () => {
    for (const [locale, title, message] of [
      ['en', 'Temporarily unavailable', /cannot reach its database/],
      ['ar', 'غير متاح مؤقتًا', /قاعدة بياناته/],
    ] as const) {
      const response = await signedInDesk(locale).request('/appointments/day?date=2026-12-01');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
      const page = html(await response.text());
      expect(page.querySelector('html')?.getAttribute('lang')).toBe(locale);
      expect(page.querySelector('#error-title')?.text).toBe(title);
      expect(page.querySelector('#error-message')?.text).toMatch(message);
      // The page itself, to load again in a moment (the home page is as unreachable).
      expect(page.querySelector('#error-retry')?.getAttribute('href')).toBe(
        '/appointments/day?date=2026-12-01',
      );
    }
  });

  it("answers a fragment 503 with the message, and the page's htmx swaps it in", async () => {
    const response = await signedInDesk('ar').request('/appointments/day?date=2026-12-01', {
      headers: { 'hx-request': 'true' },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('hx-reswap')).toBe('innerHTML');
    expect(html(await response.text()).text).toMatch(/قاعدة بياناته/);
    // htmx takes the first entry whose pattern matches the status (unanchored, as htmx.js does).
    const handling = HTMX_RESPONSE_HANDLING.find(({ code }) => new RegExp(code).test('503'));
    expect(handling).toMatchObject({ swap: true, error: false });
  });

  it('offers to load the page again, never another site', async () => {
    const response = await signedInDesk().request('http://localhost//evil.example/?a=1');
    expect(response.status).toBe(503);
    const retry = html(await response.text()).querySelector('#error-retry');
    expect(retry?.getAttribute('href')).toBe('/evil.example/?a=1');
  });

  it('answers a sign-in 503, not 500', async () => {
    const client = new TestClient(createTestApp(unreachable).app);
    const response = await client.request('/login', {
      form: { email: 'desk@example.test', password: 'whatever it is' },
    });
    expect(response.status).toBe(503);
    expect(html(await response.text()).querySelector('#error-message')?.text).toMatch(/try again/);
  });
});

describe('recognising a lost database', () => {
  const failures: [string, unknown][] = [
    [
      'refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    [
      'administrator shutdown',
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    ],
    ['connection exception', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['dropped', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'every address refused',
      new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]),
    ],
  ];
  it.each(failures)('takes %s for an outage', (_name, error) => {
    expect(unavailableFromDatabaseError(error)?.status).toBe(503);
  });

  it('leaves other errors alone', () => {
    for (const error of [
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      new Error('Cannot read properties of undefined'),
      'a string',
      null,
    ]) {
      expect(unavailableFromDatabaseError(error)).toBeNull();
    }
  });

  it.skipIf(!onRealPostgres)('takes a terminated backend for an outage (PostgreSQL)', async () => {
    const database = await createTestDatabase();
    const victim = new pg.Client({ connectionString: database.url! });
    await victim.connect();
    victim.on('error', () => {});
    const killer = new pg.Client({ connectionString: database.url! });
    await killer.connect();
    try {
      const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
      const running = victim.query('select pg_sleep(30)').catch((error: unknown) => error);
      await killer.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      expect(unavailableFromDatabaseError(await running)?.status).toBe(503);
    } finally {
      await killer.end();
      await victim.end().catch(() => {});
      await database.close();
    }
  });
});
