import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CACHE_TTL_MS, SessionCache } from '../../src/auth/session-cache.js';
import {
  createSession,
  endingOf,
  generateSessionToken,
  invalidateSession,
  validateSessionToken,
  type AuthContext,
} from '../../src/auth/session.js';
import type { Database } from '../../src/db/client.js';
import { findTenantSettings } from '../../src/db/tenants.js';
import { updateTenantSettings } from '../../src/services/tenants.js';
import { setUserActive, setUserLocale } from '../../src/services/users.js';
import { createTenant, createUser } from '../support/factories.js';
import { QueryCounter } from '../../src/db/query-counter.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
/** This instance's cache, and what the services need to change sessions through it. */
const sessions = new SessionCache();
let store: { db: Database; sessions: SessionCache };
let tenantId: string;
let adminId: string;
const now = new Date('2026-11-25T09:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

beforeAll(async () => {
  database = await createTestDatabase();
  store = { db: database.db, sessions };
  tenantId = (await createTenant(database.db)).id;
  adminId = (await createUser(database.db, tenantId, { role: 'ADMIN' })).id;
});
afterAll(() => database.close());

async function signedIn(role: 'ADMIN' | 'FRONT_DESK' = 'FRONT_DESK') {
  const user = await createUser(database.db, tenantId, { role });
  const token = generateSessionToken();
  await createSession(database.db, token, { tenantId, userId: user.id }, now);
  return { token, userId: user.id };
}

/** Validates through a counting Kysely, to see whether the database was asked. */
async function validateCounting(token: string, at: Date) {
  const counter = new QueryCounter();
  const db: Database = database.db.withPlugin(counter);
  const auth = await validateSessionToken(db, sessions, token, at);
  return { auth, statements: counter.count };
}

const admin = () => ({ tenantId, userId: adminId, ip: null });

describe('the session cache', () => {
  it('answers a fresh session without a statement, and asks again once the entry is old', async () => {
    const { token } = await signedIn();
    expect((await validateCounting(token, now)).statements).toBe(1);
    const cached = await validateCounting(token, later(SESSION_CACHE_TTL_MS - 1));
    expect(cached.statements).toBe(0);
    expect(cached.auth?.session.renewed).toBe(false);
    expect((await validateCounting(token, later(SESSION_CACHE_TTL_MS))).statements).toBe(1);
  });

  it('forgets a session at sign-out', async () => {
    const { token } = await signedIn();
    const auth = (await validateSessionToken(database.db, sessions, token, now))!;
    await invalidateSession(database.db, sessions, endingOf(auth));
    expect(await validateSessionToken(database.db, sessions, token, now)).toBeNull();
  });

  it('refuses a deactivated user at once on this instance', async () => {
    const { token, userId } = await signedIn();
    await validateSessionToken(database.db, sessions, token, now);
    await setUserActive(store, admin(), userId, false);
    expect(await validateSessionToken(database.db, sessions, token, now)).toBeNull();
  });

  it('shows a new language and new centre settings on the next request', async () => {
    const { token, userId } = await signedIn();
    await validateSessionToken(database.db, sessions, token, now);
    await setUserLocale(store, { tenantId, id: userId, locale: 'en' }, 'ar', null);
    expect((await validateSessionToken(database.db, sessions, token, now))?.user.locale).toBe('ar');

    const tenant = (await validateSessionToken(database.db, sessions, token, now))!.tenant;
    const settings = await findTenantSettings(database.db, tenantId);
    await updateTenantSettings(
      store,
      admin(),
      { ...settings, cancellation_window_hours: tenant.cancellationWindowHours + 1 },
      now,
    );
    const after = await validateSessionToken(database.db, sessions, token, now);
    expect(after?.tenant.cancellationWindowHours).toBe(tenant.cancellationWindowHours + 1);
  });

  it('does not keep a lookup that overlapped a change, whichever finished first', async () => {
    const { token } = await signedIn();
    const auth = (await validateSessionToken(database.db, sessions, token, now))!;
    const tenantWide = { tenant: tenantId, user: null, session: null };
    sessions.forget(tenantWide);
    const readAt = sessions.currentGeneration();
    sessions.forget(tenantWide); // the change commits while the lookup runs
    sessions.remember(auth, readAt, now);
    expect(sessions.get(auth.session.id, now)).toBeUndefined();
  });

  it('never serves a session past its expiry', () => {
    const expiring: AuthContext = {
      session: { id: 'expiring', expiresAt: later(1_000), csrfToken: 'x', renewed: false },
      user: { id: 'u', email: 'u@example.test', name: 'U', role: 'FRONT_DESK', locale: 'en' },
      tenant: { id: 't', name: 'T', timezone: 'UTC', currency: 'SAR', cancellationWindowHours: 24 },
    };
    sessions.remember(expiring, sessions.currentGeneration(), now);
    expect(sessions.get('expiring', later(999))?.session.id).toBe('expiring');
    expect(sessions.get('expiring', later(1_000))).toBeUndefined();
  });
});
