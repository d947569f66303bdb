import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken, SESSION_COOKIE } from '../../src/auth/session.js';
import { createTestApp, TestClock } from '../support/app.js';
import { html, ORIGIN, TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const HOUR = 60 * 60 * 1000;

let database: TestDatabase;
let tenantId: string;
let frontDesk: { email: string; id: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const tenant = await createTenant(database.db, { name: 'Auth Centre' });
  tenantId = tenant.id;
  frontDesk = await createUser(database.db, tenant.id, { name: 'Fatima Desk' });
});
afterAll(() => database.close());

function newClient(clock = new TestClock()) {
  const { app } = createTestApp(database.db, clock);
  return new TestClient(app);
}

async function sessionCount(userId: string): Promise<number> {
  const row = await database.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function localeOf(userId: string) {
  const user = await database.db
    .selectFrom('users')
    .select('locale')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return user.locale;
}

describe('sign in', () => {
  it('shows the login form', async () => {
    const response = await newClient().request('/login');
    expect(response.status).toBe(200);
    const page = html(await response.text());
    expect(page.querySelector('form[action="/login"] input[name="email"]')).not.toBeNull();
    expect(page.querySelector('label[for="password"]')?.text).toBe('Password');
  });

  it('signs in, sets a hardened cookie and stores only the hash of the token', async () => {
    const client = newClient();
    const response = await client.request('/login', {
      form: { email: frontDesk.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const token = client.cookies.get(SESSION_COOKIE)!;
    const stored = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', frontDesk.id)
      .execute();
    expect(stored.map((s) => s.id)).toContain(sessionIdFromToken(token));
    expect(stored.map((s) => s.id)).not.toContain(token);

    const home = html(await (await client.request('/')).text());
    expect(home.querySelector('#home-title')?.text).toBe('Welcome, Fatima Desk');
    expect(home.querySelector('#home-facts')?.text).toContain('Auth Centre');
    expect(home.querySelector('meta[name="csrf-token"]')?.getAttribute('content')).toBeTruthy();
  });

  it('goes on to the page asked for, but never off-site', async () => {
    const local = await newClient().request('/login', {
      form: { email: frontDesk.email, password: TEST_PASSWORD, next: '/?day=1' },
    });
    expect(local.headers.get('location')).toBe('/?day=1');
    const offSite = await newClient().request('/login', {
      form: { email: frontDesk.email, password: TEST_PASSWORD, next: '//evil.example/' },
    });
    expect(offSite.headers.get('location')).toBe('/');
  });

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const before = await sessionCount(frontDesk.id);
    const wrong = await newClient().request('/login', {
      form: { email: frontDesk.email, password: 'not it' },
    });
    const unknown = await newClient().request('/login', {
      form: { email: 'nobody@test.example', password: 'not it' },
    });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie().join()).not.toContain(SESSION_COOKIE);
      const page = html(await response.text());
      expect(page.querySelector('#login-error')?.text).toBe('The email or password is incorrect.');
    }
    expect(await sessionCount(frontDesk.id)).toBe(before);
  });

  it('refuses a deactivated user', async () => {
    const inactive = await createUser(database.db, tenantId, { active: false });
    const response = await newClient().request('/login', {
      form: { email: inactive.email, password: TEST_PASSWORD },
    });
    expect(response.status).toBe(401);
    expect(await sessionCount(inactive.id)).toBe(0);
  });

  it('re-renders the form with field errors for empty or malformed input', async () => {
    const response = await newClient().request('/login', {
      form: { email: 'not-an-email', password: '' },
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(page.querySelector('#email-error')?.text).toBe('Please enter a valid email address.');
    expect(page.querySelector('#password-error')?.text).toBe('Please fill in this field.');
    expect(page.querySelector('#email')?.getAttribute('value')).toBe('not-an-email');
    expect(page.querySelector('#email')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('refuses a sign-in posted from another site', async () => {
    const before = await sessionCount(frontDesk.id);
    const response = await newClient().request('/login', {
      form: { email: frontDesk.email, password: TEST_PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(await sessionCount(frontDesk.id)).toBe(before);
  });
});

describe('pages need a session', () => {
  it('redirects a page to the login with the way back', async () => {
    const response = await newClient().request('/');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2F');
  });

  it('tells htmx to redirect instead', async () => {
    const response = await newClient().request('/', { htmx: true });
    expect(response.status).toBe(401);
    expect(response.headers.get('hx-redirect')).toBe('/login?next=%2F');
  });
});

describe('session expiry', () => {
  it('ends a session left unused for 12 hours', async () => {
    const clock = new TestClock();
    const client = newClient(clock);
    await client.login(frontDesk.email, TEST_PASSWORD);
    const token = client.cookies.get(SESSION_COOKIE)!;
    clock.advance(12 * HOUR + 1000);
    const response = await client.request('/');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/login/);
    const row = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionIdFromToken(token))
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('slides the expiry forward while the desk keeps working', async () => {
    const clock = new TestClock();
    const client = newClient(clock);
    await client.login(frontDesk.email, TEST_PASSWORD);
    clock.advance(7 * HOUR);
    const renewed = await client.request('/');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().join()).toContain(SESSION_COOKIE);
    clock.advance(7 * HOUR); // 14 hours after sign-in, 7 after the last use
    expect((await client.request('/')).status).toBe(200);
  });

  it('does not resend the cookie when nothing changed', async () => {
    const client = newClient();
    await client.login(frontDesk.email, TEST_PASSWORD);
    const response = await client.request('/');
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('sign out and CSRF', () => {
  it('signs out with the token, ending the session', async () => {
    const client = newClient();
    await client.login(frontDesk.email, TEST_PASSWORD);
    const token = client.cookies.get(SESSION_COOKIE)!;
    const response = await client.request('/logout', { method: 'POST' });
    expect(response.status).toBe(303);
    expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
    const row = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionIdFromToken(token))
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('accepts the token as a form field for plain forms', async () => {
    const client = newClient();
    await client.login(frontDesk.email, TEST_PASSWORD);
    const response = await client.request('/logout', {
      form: { _csrf: client.csrfToken! },
      csrf: false,
    });
    expect(response.status).toBe(303);
  });

  it.each([
    ['a missing token', { csrf: false }],
    ['a wrong token', { headers: { 'x-csrftoken': 'forged' } }],
    ['another origin', { headers: { origin: 'https://evil.example' } }],
    [
      'a cross-site fetch without Origin',
      { headers: { origin: '', 'sec-fetch-site': 'cross-site' } },
    ],
  ])('refuses %s with 403 and changes nothing', async (_case, options) => {
    const client = newClient();
    await client.login(frontDesk.email, TEST_PASSWORD);
    const sessionsBefore = await sessionCount(frontDesk.id);
    const localeBefore = await localeOf(frontDesk.id);

    const logout = await client.request('/logout', { method: 'POST', ...options });
    const locale = await client.request('/account/locale', { form: { locale: 'ar' }, ...options });

    expect(logout.status).toBe(403);
    expect(locale.status).toBe(403);
    expect(await sessionCount(frontDesk.id)).toBe(sessionsBefore);
    expect(await localeOf(frontDesk.id)).toBe(localeBefore);
  });

  it('rotates the session and its CSRF token at every sign-in', async () => {
    const client = newClient();
    await client.login(frontDesk.email, TEST_PASSWORD);
    const first = { cookie: client.cookies.get(SESSION_COOKIE), csrf: client.csrfToken };
    await client.login(frontDesk.email, TEST_PASSWORD);
    expect(client.cookies.get(SESSION_COOKIE)).not.toBe(first.cookie);
    expect(client.csrfToken).not.toBe(first.csrf);
    const old = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionIdFromToken(first.cookie!))
      .executeTakeFirst();
    expect(old).toBeUndefined();
  });
});

describe('language', () => {
  it('renders the login page in Arabic, right to left, when asked', async () => {
    const page = html(await (await newClient().request('/login?lang=ar')).text());
    const root = page.querySelector('html');
    expect(root?.getAttribute('lang')).toBe('ar');
    expect(root?.getAttribute('dir')).toBe('rtl');
    expect(page.querySelector('#login-title')?.text).toBe('تسجيل الدخول إلى رصيد');
  });

  it('stores the language per user', async () => {
    const user = await createUser(database.db, tenantId, { name: 'Layla' });
    const client = newClient();
    await client.login(user.email, TEST_PASSWORD);
    const response = await client.request('/account/locale', {
      form: { locale: 'ar' },
      headers: { referer: `${ORIGIN}/` },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(await localeOf(user.id)).toBe('ar');
    const home = html(await (await client.request('/')).text());
    expect(home.querySelector('html')?.getAttribute('dir')).toBe('rtl');
    expect(home.querySelector('#home-title')?.text).toBe('أهلاً، Layla');
  });

  it('refuses an unknown language with 422', async () => {
    const client = newClient();
    await client.login(frontDesk.email, TEST_PASSWORD);
    const response = await client.request('/account/locale', { form: { locale: 'fr' } });
    expect(response.status).toBe(422);
  });
});
