import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_FAILURE_LIMIT,
  ADDRESS_FAILURE_LIMIT,
  PAIR_FAILURE_LIMIT,
} from '../../src/db/login-throttles.js';
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
const HOME = '192.0.2.10';

describe('per (account, address) pair', () => {
  it('refuses even the right password after five failures from one address, until the backoff passes', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT, email, client(HOME));
    const locked = await signIn(email, TEST_PASSWORD, client(HOME));
    expect(locked.status).toBe(429);
    expect(locked.error).toBe(
      'Too many sign-in attempts. Please wait a few minutes and try again.',
    );
    clock.advance(29 * SECOND);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(429);
    clock.advance(2 * SECOND);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });

  it('doubles the wait with every further failure', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT, email, client(HOME));
    clock.advance(31 * SECOND);
    await failTimes(1, email, client(HOME)); // the sixth: locked for a minute
    clock.advance(59 * SECOND);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(429);
    clock.advance(2 * SECOND);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });

  it('counts consecutive failures only: a success starts again', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT - 1, email, client(HOME));
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
    await failTimes(PAIR_FAILURE_LIMIT - 1, email, client(HOME));
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });

  it('does not lock another account', async () => {
    const locked = await createUser(database.db, tenantId);
    const other = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT, locked.email, client(HOME));
    expect((await signIn(other.email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });

  it('does not lock the same account from another address: a guesser cannot lock its owner out', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT, email, client('203.0.113.7'));
    expect((await signIn(email, TEST_PASSWORD, client('203.0.113.7'))).status).toBe(429);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });
});

describe('per account', () => {
  /** `count` failures spread over addresses of `network`, each below its pair's limit. */
  async function failFromMany(count: number, email: string, network = '198.18') {
    for (let i = 0; i < count; i++) {
      const address = `${network}.${Math.floor(i / (PAIR_FAILURE_LIMIT - 1))}.1`;
      await failTimes(1, email, client(address));
    }
  }

  it('locks the account from every address at the much higher count, until the backoff passes', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failFromMany(ACCOUNT_FAILURE_LIMIT - 1, email);
    await failTimes(1, email, client('198.51.100.8')); // the fiftieth
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(429);
    expect((await signIn(email, 'wrong password', client('198.51.100.9'))).status).toBe(429);
    clock.advance(31 * SECOND);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });

  it("starts the account's count again when its owner signs in", async () => {
    const { email } = await createUser(database.db, tenantId);
    await failFromMany(ACCOUNT_FAILURE_LIMIT - 1, email);
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
    await failFromMany(ACCOUNT_FAILURE_LIMIT - 1, email, '198.19');
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });
});

describe('no enumeration', () => {
  it('answers an unknown email exactly as a known one, failing and throttled', async () => {
    const { email: known } = await createUser(database.db, tenantId);
    const unknown = 'nobody-here@test.example';
    for (let attempt = 1; attempt <= PAIR_FAILURE_LIMIT + 1; attempt++) {
      const forKnown = await signIn(known, 'wrong password', client(HOME));
      const forUnknown = await signIn(unknown, 'wrong password', client(HOME));
      expect(forUnknown).toEqual(forKnown);
      expect(forKnown.status).toBe(attempt <= PAIR_FAILURE_LIMIT ? 401 : 429);
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
  const guess = (i: number, from: TestClient) =>
    signIn(`guess-${i}@test.example`, 'wrong password', from);

  it('locks an address that fails across many emails, not the accounts elsewhere', async () => {
    const attacker = client('203.0.113.7');
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) {
      expect((await guess(i, attacker)).status).toBe(401);
    }
    const { email } = await createUser(database.db, tenantId);
    expect((await signIn(email, TEST_PASSWORD, attacker)).status).toBe(429);
    expect((await signIn(email, TEST_PASSWORD, client('198.51.100.2'))).status).toBe(303);
  });

  it('starts again after any success from the address (a clinic behind one address)', async () => {
    // A new browser each time: a signed-in one would need the session's CSRF token.
    const clinic = () => client(HOME);
    const { email } = await createUser(database.db, tenantId);
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT - 1; i++) {
      expect((await guess(i, clinic())).status).toBe(401);
    }
    expect((await signIn(email, TEST_PASSWORD, clinic())).status).toBe(303);
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT - 1; i++) {
      expect((await guess(i + ADDRESS_FAILURE_LIMIT, clinic())).status).toBe(401);
    }
    expect((await signIn(email, TEST_PASSWORD, clinic())).status).toBe(303);
  });
});

describe('bounded', () => {
  it('forgets failures older than a day', async () => {
    for (let i = 0; i < 3; i++) await failTimes(1, `old-${i}@test.example`, client('192.0.2.1'));
    expect(await throttleRows()).toHaveLength(7); // three pairs, three accounts, one address
    clock.advance(25 * 60 * 60 * SECOND);
    await failTimes(1, 'new@test.example');
    expect(await throttleRows()).toEqual(['account new@test.example ', 'pair new@test.example ']);
  });

  it('counts a day-old row from one again', async () => {
    const { email } = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT - 1, email, client(HOME));
    clock.advance(25 * 60 * 60 * SECOND);
    await failTimes(PAIR_FAILURE_LIMIT - 1, email, client(HOME));
    expect((await signIn(email, TEST_PASSWORD, client(HOME))).status).toBe(303);
  });

  const throttleRows = async () =>
    (
      await database.db
        .selectFrom('login_throttles')
        .select(['scope', 'account', 'address'])
        .orderBy('scope')
        .orderBy('account')
        .execute()
    ).map((row) => `${row.scope} ${row.account} ${row.address}`);
});

describe('audit', () => {
  it("records refused and successful sign-ins in the account's tenant, unknown emails nowhere", async () => {
    const user = await createUser(database.db, tenantId);
    await failTimes(PAIR_FAILURE_LIMIT, user.email);
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
      ...Array.from({ length: PAIR_FAILURE_LIMIT }, () => [
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
