import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_FAILURE_LIMIT, ADDRESS_FAILURE_LIMIT } from '../../src/db/login-throttles.js';
import type { TestClock } from '../support/app.js';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
let tenantId: string;
let clock: TestClock;
let app: ReturnType<typeof createTestApp>['app'];

beforeAll(async () => {
  database = await createTestDatabase();
  tenantId = (await createTenant(database.db)).id;
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.deleteFrom('login_throttles').execute();
  ({ app, clock } = createTestApp(database.db));
});

function client(address?: string) {
  const result = new TestClient(app);
  result.remoteAddress = address;
  return result;
}

async function signIn(email: string, password: string, from = client()) {
  const response = await from.request('/login', { form: { email, password } });
  const page = html(await response.text());
  return {
    status: response.status,
    error: page.querySelector('#login-error')?.text ?? null,
    // The page with the echoed email taken out: what tells one account from another.
    page: page.querySelector('main')?.toString().replaceAll(email, '<email>') ?? '',
  };
}

async function failTimes(count: number, email: string, from = client()) {
  for (let i = 0; i < count; i++) {
    expect((await signIn(email, 'wrong password', from)).status).toBe(401);
  }
}

const SECOND = 1000;

describe('per account', () => {
  it('refuses even the right password after five failures, until the backoff passes', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(ACCOUNT_FAILURE_LIMIT, email);
    const locked = await signIn(email, TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.error).toBe(
      'Too many sign-in attempts. Please wait a few minutes and try again.',
    );
    clock.advance(29 * SECOND);
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(429);
    clock.advance(2 * SECOND);
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(303);
  });

  it('doubles the wait with every further failure', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(ACCOUNT_FAILURE_LIMIT, email);
    clock.advance(31 * SECOND);
    await failTimes(1, email); // the sixth: locked for a minute
    clock.advance(59 * SECOND);
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(429);
    clock.advance(2 * SECOND);
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(303);
  });

  it('counts consecutive failures only: a success starts again', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(ACCOUNT_FAILURE_LIMIT - 1, email);
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(303);
    await failTimes(ACCOUNT_FAILURE_LIMIT - 1, email);
    expect((await signIn(email, TEST_PASSWORD)).status).toBe(303);
  });

  it('does not lock another account', async () => {
    const locked = await createUser(database.db, tenantId);
    const other = await createUser(database.db, tenantId);
    await failTimes(ACCOUNT_FAILURE_LIMIT, locked.email);
    expect((await signIn(other.email, TEST_PASSWORD)).status).toBe(303);
  });
});

describe('no enumeration', () => {
  it('answers an unknown email exactly as a known one, failing and throttled', async () => {
    const { email: known } = await createUser(database.db, tenantId);
    const unknown = 'nobody-here@test.example';
    for (let attempt = 1; attempt <= ACCOUNT_FAILURE_LIMIT + 1; attempt++) {
      const forKnown = await signIn(known, 'wrong password');
      const forUnknown = await signIn(unknown, 'wrong password');
      expect(forUnknown).toEqual(forKnown);
      expect(forKnown.status).toBe(attempt <= ACCOUNT_FAILURE_LIMIT ? 401 : 429);
    }
  });

  it('answers a deactivated account like a wrong password', async () => {
    const { email } = await createUser(database.db, tenantId, { active: false });
    const answer = await signIn(email, TEST_PASSWORD);
    expect(answer.status).toBe(401);
    expect(answer.error).toBe('The email or password is incorrect.');
  });
});

describe('per address', () => {
  it('locks an address that fails across many emails, not the accounts elsewhere', async () => {
    const attacker = client('203.0.113.7');
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) {
      expect((await signIn(`guess-${i}@test.example`, 'wrong password', attacker)).status).toBe(
        401,
      );
    }
    const { email } = await createUser(database.db, tenantId);
    expect((await signIn(email, TEST_PASSWORD, attacker)).status).toBe(429);
    expect((await signIn(email, TEST_PASSWORD, client('198.51.100.2'))).status).toBe(303);
  });
});

describe('bounded', () => {
  it('forgets failures older than a day', async () => {
    for (let i = 0; i < 3; i++) await failTimes(1, `old-${i}@test.example`, client('192.0.2.1'));
    expect(await throttleKeys()).toHaveLength(4);
    clock.advance(25 * 60 * 60 * SECOND);
    await failTimes(1, 'new@test.example');
    expect(await throttleKeys()).toEqual(['account:new@test.example']);
  });

  const throttleKeys = async () =>
    (await database.db.selectFrom('login_throttles').select('key').orderBy('key').execute()).map(
      (row) => row.key,
    );
});

describe('audit', () => {
  it("records refused and successful sign-ins in the account's tenant, unknown emails nowhere", async () => {
    const user = await createUser(database.db, tenantId);
    await failTimes(ACCOUNT_FAILURE_LIMIT, user.email);
    await signIn(user.email, TEST_PASSWORD);
    clock.advance(31 * SECOND);
    await signIn(user.email, TEST_PASSWORD);
    const rows = await database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'action', 'entity', 'entity_id', 'after'])
      .where('tenant_id', '=', tenantId)
      .where('entity_id', '=', user.id)
      .orderBy('at')
      .orderBy('action')
      .execute();
    expect(rows.map((row) => [row.action, row.actor_id, row.after])).toEqual([
      ...Array.from({ length: ACCOUNT_FAILURE_LIMIT }, () => [
        'user.sign_in_refused',
        null,
        { reason: 'wrong_password' },
      ]),
      ['user.sign_in_refused', null, { reason: 'throttled' }],
      ['user.sign_in', user.id, null],
    ]);
    const auditRows = async () =>
      Number(
        (
          await database.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    const before = await auditRows();
    await failTimes(1, 'unknown-audit@test.example');
    expect(await auditRows()).toBe(before);
  });
});
