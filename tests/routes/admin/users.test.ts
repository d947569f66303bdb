import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/db/schema.js';
import { SESSION_CACHE_TTL_MS } from '../../../src/auth/session-cache.js';
import { createTestApp, TestClock } from '../../support/app.js';
import { html, TestClient } from '../../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../../support/factories.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../../support/test-db.js';
import { USER_LIST_ID } from '../../../src/views/admin/users.js';
import { PAIR_FAILURE_LIMIT } from '../../../src/db/login-throttles.js';

let database: TestDatabase;
let tenantId: string;
let otherTenantUser: string;
let admin: TestClient;
let adminId: string;
/** One app instance for every client (two instances: tests/auth/session-instances.test.ts). */
let app: ReturnType<typeof createTestApp>['app'];

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database.db).app;
  const tenant = await createTenant(database.db, { name: 'Users Centre' });
  tenantId = tenant.id;
  const adminUser = await createUser(database.db, tenantId, { role: 'ADMIN', name: 'Amal Admin' });
  adminId = adminUser.id;
  admin = await signIn(adminUser.email);
  const other = await createTenant(database.db);
  otherTenantUser = (await createUser(database.db, other.id, { role: 'ADMIN' })).id;
});
afterAll(() => database.close());

function newClient() {
  return new TestClient(app);
}

async function signIn(email: string, password = TEST_PASSWORD) {
  const client = newClient();
  await client.login(email, password);
  return client;
}

async function userWith(role: Role, active = true) {
  return createUser(database.db, tenantId, { role, active });
}

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

function stored(userId: string) {
  return database.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

async function sessionsOf(userId: string) {
  return database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
}

function auditOf(userId: string, action: string) {
  return database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity', '=', 'user')
    .where('entity_id', '=', userId)
    .where('action', '=', action)
    .execute();
}

function newUser(values: Record<string, string> = {}) {
  return {
    name: 'Noor Desk',
    email: `noor-${crypto.randomUUID().slice(0, 8)}@users.test`,
    role: 'FRONT_DESK',
    locale: 'ar',
    password: 'temporary-pass-1',
    form_token: crypto.randomUUID(),
    ...values,
  };
}

describe('the users list', () => {
  it('lists the centre’s users and only them', async () => {
    const page = html(await (await admin.request('/admin/users')).text());
    const rows = page.querySelectorAll(`#${USER_LIST_ID} tbody tr`);
    expect(rows.map((row) => row.id)).toContain(`user-${adminId}`);
    expect(rows.map((row) => row.id)).not.toContain(`user-${otherTenantUser}`);
    expect(textOf(page.querySelector(`#user-${adminId}`))).toContain('Administrator');
    expect(page.querySelector('nav#admin-nav a[href="/admin/users"]')).not.toBeNull();
  });
});

describe('creating a user', () => {
  it('creates a user who can sign in with the temporary password, audited without the hash', async () => {
    const form = newUser({ email: 'New.Person@Users.Test' });
    const response = await admin.request('/admin/users', { form });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/users?done=created');
    const user = await database.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'new.person@users.test')
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      tenant_id: tenantId,
      role: 'FRONT_DESK',
      locale: 'ar',
      active: true,
    });
    await signIn('new.person@users.test', 'temporary-pass-1');
    const [audit] = await auditOf(user.id, 'user.create');
    expect(audit?.after).toMatchObject({ email: 'new.person@users.test', role: 'FRONT_DESK' });
    expect(JSON.stringify(audit)).not.toContain(user.password_hash);
    expect(JSON.stringify(audit)).not.toContain('password');
  });

  it('creates one user on a double submit', async () => {
    const form = newUser();
    const first = await admin.request('/admin/users', { form });
    const second = await admin.request('/admin/users', { form });
    expect([first.status, second.status]).toEqual([303, 303]);
    const rows = await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', form.email)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['name', '', 'user-name', 'Please fill in this field.'],
    ['email', 'not-an-email', 'user-email', 'Please enter a valid email address.'],
    ['password', 'short', 'user-password', 'Use at least 10 characters.'],
    ['role', 'OWNER', 'user-role', 'Please fill in this field.'],
  ])('answers %s=%j with 422 and the field message', async (field, value, id, message) => {
    const form = newUser({ [field]: value });
    const response = await admin.request('/admin/users', { form });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector(`#${id}-error`))).toBe(message);
    // The password is never sent back into the page.
    expect(page.querySelector('#user-password')?.getAttribute('value')).toBeUndefined();
  });

  it('refuses an email already in use, in this centre or another one', async () => {
    const taken = await createUser(database.db, tenantId);
    const response = await admin.request('/admin/users', { form: newUser({ email: taken.email }) });
    expect(response.status).toBe(422);
    expect(textOf(html(await response.text()).querySelector('#user-email-error'))).toBe(
      'This email is already in use.',
    );
  });
});

describe('editing, resetting, deactivating', () => {
  it('changes name, role and language with an audit of before and after', async () => {
    const user = await userWith('FRONT_DESK');
    const response = await admin.request(`/admin/users/${user.id}`, {
      form: { name: 'Renamed', role: 'FINANCE', locale: 'ar' },
    });
    expect(response.status).toBe(303);
    expect(await stored(user.id)).toMatchObject({ name: 'Renamed', role: 'FINANCE', locale: 'ar' });
    const [audit] = await auditOf(user.id, 'user.update');
    expect(audit?.before).toMatchObject({ role: 'FRONT_DESK' });
    expect(audit?.after).toMatchObject({ role: 'FINANCE', name: 'Renamed' });
  });

  it('answers an invalid profile with 422', async () => {
    const user = await userWith('FRONT_DESK');
    const response = await admin.request(`/admin/users/${user.id}`, {
      form: { name: '', role: 'FRONT_DESK', locale: 'xx' },
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector('#user-name-error'))).toBe('Please fill in this field.');
    expect(textOf(page.querySelector('#user-locale-error'))).toBe('Please fill in this field.');
  });

  it('resets a password: the old one stops working and every session ends', async () => {
    const user = await userWith('FRONT_DESK');
    const client = await signIn(user.email);
    expect(await sessionsOf(user.id)).toHaveLength(1);
    const response = await admin.request(`/admin/users/${user.id}/password`, {
      form: { password: 'brand-new-password' },
    });
    expect(response.status).toBe(303);
    expect(await sessionsOf(user.id)).toHaveLength(0);
    expect((await client.request('/')).status).toBe(303);
    await expect(signIn(user.email)).rejects.toThrow('login failed with 401');
    await signIn(user.email, 'brand-new-password');
    const [audit] = await auditOf(user.id, 'user.password_reset');
    expect(audit?.actor_id).toBe(adminId);
    expect(JSON.stringify(audit)).not.toContain('brand-new-password');

    const short = await admin.request(`/admin/users/${user.id}/password`, {
      form: { password: 'short' },
    });
    expect(short.status).toBe(422);
    expect(textOf(html(await short.text()).querySelector('#reset-password-error'))).toBe(
      'Use at least 10 characters.',
    );
  });

  it('deactivation ends the sessions at once and blocks sign-in; reactivation restores it', async () => {
    const user = await userWith('FRONT_DESK');
    const client = await signIn(user.email);
    expect((await client.request('/')).status).toBe(200);

    const response = await admin.request(`/admin/users/${user.id}/active`, {
      form: { active: 'false' },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/users?done=deactivated');
    expect((await stored(user.id)).active).toBe(false);
    expect(await sessionsOf(user.id)).toHaveLength(0);
    expect((await client.request('/')).status).toBe(303);
    await expect(signIn(user.email)).rejects.toThrow('login failed with 401');

    await admin.request(`/admin/users/${user.id}/active`, { form: { active: 'true' } });
    await signIn(user.email);
    expect((await auditOf(user.id, 'user.deactivate'))[0]?.after).toMatchObject({ active: false });
    expect(await auditOf(user.id, 'user.activate')).toHaveLength(1);
  });

  it('rejects a session whose user was deactivated behind its back, once the cache lets go', async () => {
    const user = await userWith('FRONT_DESK');
    const clock = new TestClock();
    const client = new TestClient(createTestApp(database.db, clock).app);
    await client.login(user.email, TEST_PASSWORD);
    expect((await client.request('/')).status).toBe(200);
    // By hand in SQL (no notice to the instances): this instance trusts its cached session for
    // SESSION_CACHE_TTL_MS at most (src/auth/session-cache.ts).
    await database.db
      .updateTable('users')
      .set({ active: false })
      .where('id', '=', user.id)
      .execute();
    clock.advance(SESSION_CACHE_TTL_MS);
    expect((await client.request('/')).status).toBe(303);
  });
});

describe('the last active administrator', () => {
  it('cannot be demoted or deactivated; another admin first makes it possible', async () => {
    const tenant = await createTenant(database.db);
    const only = await createUser(database.db, tenant.id, { role: 'ADMIN' });
    await createUser(database.db, tenant.id, { role: 'ADMIN', active: false });
    const client = await signIn(only.email);

    const demote = await client.request(`/admin/users/${only.id}`, {
      form: { name: 'Only', role: 'FRONT_DESK', locale: 'en' },
    });
    expect(demote.status).toBe(409);
    expect(textOf(html(await demote.text()).querySelector('#user-conflict'))).toBe(
      'The centre needs at least one active administrator. Make someone else an administrator first.',
    );
    const deactivate = await client.request(`/admin/users/${only.id}/active`, {
      form: { active: 'false' },
    });
    expect(deactivate.status).toBe(409);
    expect(await stored(only.id)).toMatchObject({ role: 'ADMIN', active: true });

    const second = await createUser(database.db, tenant.id, { role: 'ADMIN' });
    expect(
      (
        await client.request(`/admin/users/${second.id}`, {
          form: { name: 'Second', role: 'FINANCE', locale: 'en' },
        })
      ).status,
    ).toBe(303);
    const third = await createUser(database.db, tenant.id, { role: 'ADMIN' });
    expect(
      (await client.request(`/admin/users/${only.id}/active`, { form: { active: 'false' } }))
        .status,
    ).toBe(303);
    expect((await stored(third.id)).active).toBe(true);
  });

  it.runIf(onRealPostgres)(
    'survives two admins demoting each other at the same moment',
    async () => {
      for (let round = 0; round < 5; round++) {
        const tenant = await createTenant(database.db);
        const a = await createUser(database.db, tenant.id, { role: 'ADMIN' });
        const b = await createUser(database.db, tenant.id, { role: 'ADMIN' });
        const [clientA, clientB] = await Promise.all([signIn(a.email), signIn(b.email)]);
        const demote = (client: TestClient, id: string) =>
          client.request(`/admin/users/${id}`, {
            form: { name: 'X', role: 'FRONT_DESK', locale: 'en' },
          });
        const statuses = await Promise.all([demote(clientA, b.id), demote(clientB, a.id)]);
        expect(statuses.map((r) => r.status).sort()).toEqual([303, 409]);
        const admins = await database.db
          .selectFrom('users')
          .select('id')
          .where('tenant_id', '=', tenant.id)
          .where('role', '=', 'ADMIN')
          .execute();
        expect(admins).toHaveLength(1);
      }
    },
  );
});

describe('unlocking sign-in', () => {
  const ADDRESS = '203.0.113.40';

  async function attempt(email: string, password: string) {
    const client = newClient();
    client.remoteAddress = ADDRESS;
    return (await client.request('/login', { form: { email, password } })).status;
  }

  /** A user whose every attempt from ADDRESS is refused, right password or not. */
  async function lockedOutUser() {
    const user = await userWith('FRONT_DESK');
    for (let i = 0; i < PAIR_FAILURE_LIMIT; i++) {
      expect(await attempt(user.email, 'wrong password')).toBe(401);
    }
    expect(await attempt(user.email, TEST_PASSWORD)).toBe(429);
    return user;
  }

  it('shows the lock and lets an administrator lift it, audited', async () => {
    const user = await lockedOutUser();
    const list = html(await (await admin.request('/admin/users')).text());
    expect(textOf(list.querySelector(`#user-${user.id}`))).toContain('Sign-in locked');
    const before = html(await (await admin.request(`/admin/users/${user.id}`)).text());
    expect(textOf(before.querySelector('#sign-in-lock'))).toMatch(/until \d\d:\d\d\./);
    const form = before.querySelector('#unlock-form');
    expect(form?.getAttribute('action')).toBe(`/admin/users/${user.id}/unlock`);
    expect(form?.querySelector('input[name="_csrf"]')).not.toBeNull();

    const response = await admin.request(`/admin/users/${user.id}/unlock`, { form: {} });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/users?done=unlocked');
    const after = html(await (await admin.request(`/admin/users/${user.id}`)).text());
    expect(after.querySelector('#unlock-form')).toBeNull();
    expect(textOf(after.querySelector('#sign-in-lock'))).toContain('Not locked');
    expect(await attempt(user.email, TEST_PASSWORD)).toBe(303);
    const [audit] = await auditOf(user.id, 'user.sign_in_unlock');
    expect(audit).toMatchObject({ actor_id: adminId, tenant_id: tenantId });
  });

  it.each(['FRONT_DESK', 'FINANCE'] as const)(
    'refuses %s with 403 and keeps the lock',
    async (role) => {
      const user = await lockedOutUser();
      const client = await signIn((await userWith(role)).email);
      expect((await client.request(`/admin/users/${user.id}/unlock`, { form: {} })).status).toBe(
        403,
      );
      expect(await attempt(user.email, TEST_PASSWORD)).toBe(429);
    },
  );

  it("answers another tenant's user with 404 and keeps its lock", async () => {
    const other = await createTenant(database.db);
    const user = await createUser(database.db, other.id);
    for (let i = 0; i < PAIR_FAILURE_LIMIT; i++) await attempt(user.email, 'wrong password');
    expect((await admin.request(`/admin/users/${user.id}/unlock`, { form: {} })).status).toBe(404);
    expect(await attempt(user.email, TEST_PASSWORD)).toBe(429);
    expect(await auditOf(user.id, 'user.sign_in_unlock')).toEqual([]);
  });

  it('refuses an unlock without the CSRF token', async () => {
    const user = await lockedOutUser();
    const response = await admin.request(`/admin/users/${user.id}/unlock`, {
      form: {},
      csrf: false,
    });
    expect(response.status).toBe(403);
    expect(await attempt(user.email, TEST_PASSWORD)).toBe(429);
  });
});

describe('tenants and roles', () => {
  it("answers another tenant's user with 404 on every route and changes nothing", async () => {
    const before = await stored(otherTenantUser);
    expect((await admin.request(`/admin/users/${otherTenantUser}`)).status).toBe(404);
    for (const [path, form] of [
      ['', { name: 'Hijack', role: 'FINANCE', locale: 'en' }],
      ['/password', { password: 'hijacked-password' }],
      ['/active', { active: 'false' }],
    ] as const) {
      const response = await admin.request(`/admin/users/${otherTenantUser}${path}`, { form });
      expect(response.status, path).toBe(404);
    }
    expect(await stored(otherTenantUser)).toEqual(before);
  });

  it('answers a malformed id with 400', async () => {
    expect((await admin.request('/admin/users/123')).status).toBe(400);
    expect(
      (await admin.request('/admin/users/123/active', { form: { active: 'false' } })).status,
    ).toBe(400);
  });

  it.each(['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const)('refuses %s with 403', async (role) => {
    const user = await userWith(role);
    const client = await signIn(user.email);
    expect((await client.request('/admin/users')).status).toBe(403);
    expect((await client.request('/admin/users/new')).status).toBe(403);
    expect(
      (await client.request('/admin/users', { form: newUser({ name: `By ${role}` }) })).status,
    ).toBe(403);
    expect(
      (await client.request(`/admin/users/${adminId}/active`, { form: { active: 'false' } }))
        .status,
    ).toBe(403);
    expect((await stored(adminId)).active).toBe(true);
    const page = html(await (await client.request('/')).text());
    expect(page.querySelector('nav#admin-nav a[href="/admin/users"]')).toBeNull();
  });

  it('sends a visitor to the login', async () => {
    const response = await newClient().request('/admin/users');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fadmin%2Fusers');
  });
});
