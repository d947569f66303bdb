import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session.js';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
let tenantId: string;
let app: ReturnType<typeof createTestApp>['app'];

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database.db).app;
  tenantId = (await createTenant(database.db)).id;
});
afterAll(() => database.close());

async function signIn(email: string, password = TEST_PASSWORD) {
  const client = new TestClient(app);
  await client.login(email, password);
  return client;
}

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

function sessionsOf(userId: string) {
  return database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
}

const change = {
  current_password: TEST_PASSWORD,
  new_password: 'a-much-longer-secret',
  confirm_password: 'a-much-longer-secret',
};

describe('changing one’s own password', () => {
  it.each(['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE'] as const)(
    'is open to %s: other sessions end, this one continues under a new token',
    async (role) => {
      const user = await createUser(database.db, tenantId, { role });
      const elsewhere = await signIn(user.email);
      const here = await signIn(user.email);
      const page = html(await (await here.request('/account/password')).text());
      expect(page.querySelector('label[for="current-password"]')).not.toBeNull();
      const oldToken = here.cookies.get(SESSION_COOKIE);

      const response = await here.request('/account/password', { form: change });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/account/password?changed=1');
      expect(here.cookies.get(SESSION_COOKIE)).not.toBe(oldToken);
      expect(await sessionsOf(user.id)).toHaveLength(1);
      const done = await here.request('/account/password?changed=1');
      expect(done.status).toBe(200);
      expect(textOf(html(await done.text()).querySelector('#password-notice'))).toBe(
        'Password changed. Your other sessions have been signed out.',
      );
      expect((await elsewhere.request('/')).status).toBe(303);
      await expect(signIn(user.email)).rejects.toThrow('login failed with 401');
      await signIn(user.email, change.new_password);

      const audit = await database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', user.id)
        .where('action', '=', 'user.password_change')
        .execute();
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toContain(change.new_password);
    },
  );

  it.each([
    [
      { current_password: 'wrong-password' },
      'current-password',
      'The current password is incorrect.',
    ],
    [{ current_password: '' }, 'current-password', 'Please fill in this field.'],
    [
      { new_password: 'short', confirm_password: 'short' },
      'new-password',
      'Use at least 10 characters.',
    ],
    [{ confirm_password: 'something-else-1' }, 'confirm-password', 'The two new passwords differ.'],
  ])('refuses %j with 422 and changes nothing', async (override, id, message) => {
    const user = await createUser(database.db, tenantId);
    const elsewhere = await signIn(user.email);
    const client = await signIn(user.email);
    const response = await client.request('/account/password', {
      form: { ...change, ...override },
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector(`#${id}-error`))).toBe(message);
    for (const input of page.querySelectorAll('#password-form input[type=password]')) {
      expect(input.getAttribute('value')).toBeUndefined();
    }
    expect(await sessionsOf(user.id)).toHaveLength(2);
    expect((await elsewhere.request('/')).status).toBe(200);
    await signIn(user.email);
  });

  it('sends a visitor to the login, and refuses a post without the CSRF token', async () => {
    const visitor = new TestClient(createTestApp(database.db).app);
    expect((await visitor.request('/account/password')).status).toBe(303);
    const user = await createUser(database.db, tenantId);
    const client = await signIn(user.email);
    const response = await client.request('/account/password', { form: change, csrf: false });
    expect(response.status).toBe(403);
  });
});
