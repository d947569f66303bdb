import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.js';
import { listenPostgres, type EventBus } from '../../src/events/bus.js';
import { createTestApp, resumableBus, TestClock, unwiredBus } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';

/**
 * Two app instances over one database, each with its own session cache; on PostgreSQL each
 * also has its own LISTEN connection (on PGlite they share the one bus). A change to a user or
 * a session made through instance A is forgotten by instance B as soon as A's notice arrives,
 * not when B's cached entry grows old: B's clock never moves here, so its entries never would.
 */
let database: TestDatabase;
let busB: EventBus;
let tenantId: string;
let instanceA: ReturnType<typeof createTestApp>['app'];
let instanceB: ReturnType<typeof createTestApp>['app'];
let adminOnA: TestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  busB = onRealPostgres ? listenPostgres(database.url!) : database.bus;
  await busB.ready();
  const clock = new TestClock();
  instanceA = createTestApp(database.db, clock, database.bus).app;
  instanceB = createTestApp(database.db, clock, busB).app;
  tenantId = (await createTenant(database.db)).id;
  const admin = await createUser(database.db, tenantId, { role: 'ADMIN' });
  adminOnA = await signIn(instanceA, admin.email);
});
afterAll(async () => {
  if (busB !== database.bus) await busB?.close();
  await database?.close();
});

async function signIn(app: typeof instanceA, email: string) {
  const client = new TestClient(app);
  await client.login(email, TEST_PASSWORD);
  return client;
}

/** The same browser (its cookie) sent to instance B; its session is cached there by a request. */
async function cachedOnB(role: Role = 'FRONT_DESK') {
  const user = await createUser(database.db, tenantId, { role });
  const onA = await signIn(instanceA, user.email);
  const onB = new TestClient(instanceB);
  for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
  onB.csrfToken = onA.csrfToken;
  expect((await onB.request('/')).status).toBe(200);
  return { user, onA, onB };
}

const statusOf = async (client: TestClient, path = '/') => (await client.request(path)).status;
const soon = { timeout: 10_000 };

describe('a change on one instance, on the other', () => {
  it('ends a deactivated user’s session', async () => {
    const { user, onB } = await cachedOnB();
    const response = await adminOnA.request(`/admin/users/${user.id}/active`, {
      form: { active: 'false' },
    });
    expect(response.status).toBe(303);
    await expect.poll(() => statusOf(onB), soon).toBe(303);
  });

  it('ends the sessions of a user whose password an admin reset', async () => {
    const { user, onB } = await cachedOnB();
    const response = await adminOnA.request(`/admin/users/${user.id}/password`, {
      form: { password: 'a-fresh-password-1' },
    });
    expect(response.status).toBe(303);
    await expect.poll(() => statusOf(onB), soon).toBe(303);
  });

  it('ends a session signed out on the other instance', async () => {
    const { onA, onB } = await cachedOnB();
    expect((await onA.request('/logout', { form: {} })).status).toBe(303);
    await expect.poll(() => statusOf(onB), soon).toBe(303);
  });

  it('grants a new role', async () => {
    const { user, onB } = await cachedOnB('FRONT_DESK');
    expect(await statusOf(onB, '/admin/users')).toBe(403);
    const response = await adminOnA.request(`/admin/users/${user.id}`, {
      form: { name: user.name, role: 'ADMIN', locale: 'en' },
    });
    expect(response.status).toBe(303);
    await expect.poll(() => statusOf(onB, '/admin/users'), soon).toBe(200);
  });

  it('keeps other users’ sessions', async () => {
    const { onB: bystander } = await cachedOnB();
    const { user } = await cachedOnB();
    await adminOnA.request(`/admin/users/${user.id}/active`, { form: { active: 'false' } });
    expect(await statusOf(bystander)).toBe(200);
  });
});

describe('after the bus was not listening for a while', () => {
  it('forgets every cached session: their changes may have gone unheard', async () => {
    const { bus, resume } = resumableBus(unwiredBus);
    const instanceC = createTestApp(database.db, new TestClock(), bus).app;
    const user = await createUser(database.db, tenantId);
    const onC = await signIn(instanceC, user.email);
    expect(await statusOf(onC)).toBe(200);
    // Deactivated with no notice heard (as while the LISTEN connection was down).
    await database.db
      .updateTable('users')
      .set({ active: false })
      .where('id', '=', user.id)
      .execute();
    expect(await statusOf(onC)).toBe(200);
    resume();
    expect(await statusOf(onC)).toBe(303);
  });
});
