import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCache } from '../../src/auth/session-cache.js';
import { loadSession, requireAuth, requireRole } from '../../src/auth/middleware.js';
import type { Role } from '../../src/db/schema.js';
import type { AppEnv, AuthedEnv } from '../../src/env.js';
import { renderError } from '../../src/routes/errors.js';
import { identifyClient } from '../../src/routes/request.js';
import { createTestApp, TestClock } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
const emails = new Map<Role, string>();

beforeAll(async () => {
  database = await createTestDatabase();
  const tenant = await createTenant(database.db);
  for (const role of ['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
    emails.set(role, (await createUser(database.db, tenant.id, { role })).email);
  }
});
afterAll(() => database.close());

/** The guards mounted the way resource routes mount them, on a page and on an API path. */
function guardedApp() {
  const clock = new TestClock();
  const guarded = new Hono<AuthedEnv>();
  guarded.use(requireAuth(), requireRole('ADMIN', 'FRONT_DESK'));
  guarded.get('/page', (c) => c.text(`hello ${c.var.auth.user.role}`));
  guarded.get('/api/thing/', (c) => c.json({ success: true, role: c.var.auth.user.role }));

  const app = new Hono<AppEnv>();
  app.use(
    identifyClient(0),
    loadSession({ db: database.db, clock: clock.now, sessions: new SessionCache() }),
  );
  app.route('/guarded', guarded);
  app.onError(renderError);
  return app;
}

async function signedIn(role: Role) {
  // Sign in through the real app, then carry the cookie to the guarded one.
  const { app } = createTestApp(database.db);
  const login = new TestClient(app);
  await login.login(emails.get(role)!, TEST_PASSWORD);
  const client = new TestClient(guardedApp());
  for (const [name, value] of login.cookies) client.cookies.set(name, value);
  return client;
}

describe('requireAuth', () => {
  it('answers the JSON API with 401 JSON', async () => {
    const response = await new TestClient(guardedApp()).request('/guarded/api/thing/');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      success: false,
      error: { code: 'unauthenticated', message: 'Please sign in.' },
    });
  });

  it('redirects pages to the login', async () => {
    const response = await new TestClient(guardedApp()).request('/guarded/page');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fguarded%2Fpage');
  });
});

describe('requireRole', () => {
  it.each(['ADMIN', 'FRONT_DESK'] as const)('lets %s through', async (role) => {
    const client = await signedIn(role);
    expect(await (await client.request('/guarded/page')).text()).toBe(`hello ${role}`);
    expect(await (await client.request('/guarded/api/thing/')).json()).toEqual({
      success: true,
      role,
    });
  });

  it.each(['PROVIDER', 'FINANCE'] as const)('refuses %s with 403', async (role) => {
    const client = await signedIn(role);
    expect((await client.request('/guarded/page')).status).toBe(403);
    const api = await client.request('/guarded/api/thing/');
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ success: false, error: { code: 'forbidden' } });
  });
});
