import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { SESSION_COOKIE } from '../../src/auth/session.js';
import { trustedProxiesFrom } from '../../src/env.js';
import { TestClock, unwiredBus } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * X-Forwarded-For and X-Forwarded-Proto are a client's word unless TRUST_PROXY says that
 * many proxies stand in front of the app: then the value the outermost of them wrote counts.
 */

const SOCKET = '10.0.0.5';
const FORGED = '198.51.100.66';
const CLIENT = '203.0.113.9';

let database: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  tenantId = (await createTenant(database.db)).id;
});
afterAll(() => database.close());

function clientBehind(trustedProxies: number | undefined) {
  const clock = new TestClock();
  const app = createApp({ db: database.db, clock: clock.now, bus: unwiredBus, trustedProxies });
  const client = new TestClient(app);
  client.remoteAddress = SOCKET;
  return client;
}

/** A new user signs in with the given headers: the answer, and the address audited. */
async function signIn(client: TestClient, headers: Record<string, string>) {
  const user = await createUser(database.db, tenantId);
  const response = await client.request('/login', {
    form: { email: user.email, password: TEST_PASSWORD },
    headers,
  });
  expect(response.status).toBe(303);
  const audit = await database.db
    .selectFrom('audit_log')
    .select('ip')
    .where('action', '=', 'user.sign_in')
    .where('entity_id', '=', user.id)
    .executeTakeFirstOrThrow();
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE));
  return { response, ip: audit.ip, secureCookie: /;\s*Secure/i.test(cookie ?? '') };
}

const forwarded = {
  'x-forwarded-for': `${FORGED}, ${CLIENT}`,
  'x-forwarded-proto': 'https',
};

describe('without TRUST_PROXY', () => {
  it('ignores forged forwarding headers: the socket address, no Secure cookie, no HSTS', async () => {
    const { response, ip, secureCookie } = await signIn(clientBehind(undefined), forwarded);
    expect(ip).toBe(SOCKET);
    expect(secureCookie).toBe(false);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('treats TRUST_PROXY=0 as unset', async () => {
    const { ip, secureCookie } = await signIn(clientBehind(trustedProxiesFrom('0')), forwarded);
    expect(ip).toBe(SOCKET);
    expect(secureCookie).toBe(false);
  });
});

describe('behind TRUST_PROXY proxies', () => {
  it('takes the address and scheme the one proxy wrote, not what the client sent', async () => {
    const { response, ip, secureCookie } = await signIn(clientBehind(1), forwarded);
    expect(ip).toBe(CLIENT);
    expect(secureCookie).toBe(true);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('counts hops from the right', async () => {
    const { ip } = await signIn(clientBehind(2), {
      'x-forwarded-for': `${FORGED}, ${CLIENT}, 10.0.0.1`,
    });
    expect(ip).toBe(CLIENT);
  });

  it('keeps plain http without a forwarded https, and sends no HSTS', async () => {
    const { response, secureCookie } = await signIn(clientBehind(1), {
      'x-forwarded-proto': 'https, http',
    });
    expect(secureCookie).toBe(false);
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('keeps the socket address when the proxy forwards no address, or not an address', async () => {
    expect((await signIn(clientBehind(1), {})).ip).toBe(SOCKET);
    expect((await signIn(clientBehind(1), { 'x-forwarded-for': 'unknown' })).ip).toBe(SOCKET);
  });
});

describe('TRUST_PROXY', () => {
  it('is a number of proxies, or refuses to start', () => {
    expect(trustedProxiesFrom(undefined)).toBe(0);
    expect(trustedProxiesFrom('')).toBe(0);
    expect(trustedProxiesFrom('2')).toBe(2);
    for (const value of ['true', 'yes', '-1', '1.5', '10.0.0.1']) {
      expect(() => trustedProxiesFrom(value), value).toThrow(/TRUST_PROXY/);
    }
  });
});
