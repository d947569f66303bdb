import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_FAILURE_LIMIT, PAIR_FAILURE_LIMIT } from '../../src/db/login-throttles.js';
import type * as Password from '../../src/auth/password.js';
import { createTestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { racesSkipped } from './races.js';

/** Every password check the app makes (argon2's verify), counted. */
const passwordChecks = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/auth/password.js', async (importOriginal) => {
  const password = await importOriginal<typeof Password>();
  return {
    ...password,
    verifyPassword: (...args: Parameters<typeof password.verifyPassword>) => {
      passwordChecks.count++;
      return password.verifyPassword(...args);
    },
    verifyAgainstDummy: (...args: Parameters<typeof password.verifyAgainstDummy>) => {
      passwordChecks.count++;
      return password.verifyAgainstDummy(...args);
    },
  };
});

/**
 * Guesses sent at once through the whole app, on PostgreSQL's pool: the attempt is counted
 * before its password is checked, so no number of parallel requests gets more than the limit
 * checked.
 */
describe.skipIf(racesSkipped)('sign-in races on PostgreSQL', () => {
  const ROUNDS = 5;
  const ATTACKER = '203.0.113.7';
  let database: TestDatabase;
  let app: ReturnType<typeof createTestApp>['app'];
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = createTestApp(database.db).app;
    tenantId = (await createTenant(database.db)).id;
  });
  afterAll(() => database?.close());
  const forgetAttempts = async () => {
    await database.db.deleteFrom('login_throttles').execute();
    passwordChecks.count = 0;
  };
  beforeEach(forgetAttempts);

  const attempt = (email: string, password: string, address: string) => () => {
    const browser = new TestClient(app);
    browser.remoteAddress = address;
    return browser.request('/login', { form: { email, password } });
  };

  const statuses = async (requests: (() => Promise<Response>)[]) =>
    (await Promise.all(requests.map((send) => send()))).map((response) => response.status);

  const count = (values: number[], value: number) => values.filter((v) => v === value).length;

  it(`checks at most ${PAIR_FAILURE_LIMIT} of 99 wrong passwords and the right one sent at once from one address, ${ROUNDS} times`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await forgetAttempts();
      const user = await createUser(database.db, tenantId);
      const wrong = Array.from({ length: 99 }, () =>
        attempt(user.email, 'wrong password', ATTACKER),
      );
      const answers = await statuses([...wrong, attempt(user.email, TEST_PASSWORD, ATTACKER)]);
      const checked = passwordChecks.count;
      if (answers[99] === 303) {
        // Checked among the first five: its success started the pair again, once.
        expect(checked, `round ${round}`).toBeLessThanOrEqual(2 * PAIR_FAILURE_LIMIT);
      } else {
        expect(answers[99], `round ${round}`).toBe(429);
        expect(checked, `round ${round}`).toBe(PAIR_FAILURE_LIMIT);
        expect([count(answers, 401), count(answers, 429)]).toEqual([
          PAIR_FAILURE_LIMIT,
          100 - PAIR_FAILURE_LIMIT,
        ]);
        // Still locked for this address; the owner elsewhere is not.
        expect(await statuses([attempt(user.email, TEST_PASSWORD, ATTACKER)])).toEqual([429]);
        expect(await statuses([attempt(user.email, TEST_PASSWORD, '198.51.100.2')])).toEqual([303]);
      }
    }
  });

  it('refuses the right password once the wrong ones sent at once have locked the address out', async () => {
    const user = await createUser(database.db, tenantId);
    const wrong = statuses(
      Array.from({ length: 99 }, () => attempt(user.email, 'wrong password', ATTACKER)),
    );
    await expect
      .poll(() =>
        database.db
          .selectFrom('login_throttles')
          .select('locked_until')
          .where('scope', '=', 'pair')
          .where('account', '=', user.email)
          .where('address', '=', ATTACKER)
          .executeTakeFirst(),
      )
      .toEqual({ locked_until: expect.any(Date) });
    expect(await statuses([attempt(user.email, TEST_PASSWORD, ATTACKER)])).toEqual([429]);
    const answers = await wrong;
    expect([count(answers, 401), count(answers, 429)]).toEqual([
      PAIR_FAILURE_LIMIT,
      99 - PAIR_FAILURE_LIMIT,
    ]);
    expect(passwordChecks.count).toBe(PAIR_FAILURE_LIMIT);
  });

  it(`checks at most ${ACCOUNT_FAILURE_LIMIT} of 100 wrong passwords for one account sent at once from 100 addresses`, async () => {
    const user = await createUser(database.db, tenantId);
    const answers = await statuses(
      Array.from({ length: 100 }, (_, i) => attempt(user.email, 'wrong password', `198.18.${i}.1`)),
    );
    expect([count(answers, 401), count(answers, 429)]).toEqual([
      ACCOUNT_FAILURE_LIMIT,
      100 - ACCOUNT_FAILURE_LIMIT,
    ]);
    expect(passwordChecks.count).toBe(ACCOUNT_FAILURE_LIMIT);
  });

  it('counts only the checked attempts on the account: those a locked address refused count nowhere', async () => {
    const user = await createUser(database.db, tenantId);
    await statuses(
      Array.from({ length: 100 }, () => attempt(user.email, 'wrong password', ATTACKER)),
    );
    const rows = await database.db
      .selectFrom('login_throttles')
      .select(['scope', 'failures'])
      .orderBy('scope')
      .execute();
    expect(rows).toEqual([
      { scope: 'account', failures: PAIR_FAILURE_LIMIT },
      { scope: 'address', failures: PAIR_FAILURE_LIMIT },
      { scope: 'pair', failures: PAIR_FAILURE_LIMIT },
    ]);
  });
});
