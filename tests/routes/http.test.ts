import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
let client: TestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  const tenant = await createTenant(database.db);
  const user = await createUser(database.db, tenant.id);
  client = new TestClient(createTestApp(database.db).app);
  await client.login(user.email, TEST_PASSWORD);
});
afterAll(() => database.close());

describe('security headers', () => {
  it('sends a CSP without inline script and no framing', async () => {
    const response = await client.request('/');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('never lets pages be stored, and varies on HX-Request', async () => {
    const response = await client.request('/');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('vary')).toContain('HX-Request');
  });

  it('has no inline script or style in the page', async () => {
    const page = html(await (await client.request('/')).text());
    for (const script of page.querySelectorAll('script')) {
      expect(script.getAttribute('src')).toMatch(/^\/static\//);
      expect(script.text.trim()).toBe('');
    }
    expect(page.querySelectorAll('style')).toHaveLength(0);
    expect(page.querySelectorAll('[style]')).toHaveLength(0);
  });
});

describe('compression', () => {
  const gzip = { headers: { 'accept-encoding': 'gzip, deflate, br' } };

  it('gzips a page for a browser that accepts it, and says it varies on that', async () => {
    const plain = await (await client.request('/')).text();
    const response = await client.request('/', gzip);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('HX-Request, Accept-Encoding');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const body = gunzipSync(Buffer.from(await response.arrayBuffer())).toString();
    expect(body).toBe(plain);
    expect(plain.length).toBeGreaterThan(1024);
  });

  it('sends a body under 1 KiB as it is, with every header', async () => {
    const response = await client.request(
      '/appointments/api/packages-for-patient/?patient=x',
      gzip,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toMatchObject({ success: false });
  });

  it('leaves the page alone for a client that does not accept gzip', async () => {
    const response = await client.request('/', { headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.text()).toContain('<html');
  });
});

describe('static files', () => {
  it('serves versioned assets with a long cache, compressed', async () => {
    const page = html(await (await client.request('/')).text());
    const htmxUrl = page.querySelector('script[src*="htmx"]')?.getAttribute('src') ?? '';
    expect(htmxUrl).toMatch(/^\/static\/vendor\/htmx\.min\.js\?v=[0-9a-f]{12}$/);
    const response = await client.request(htmxUrl, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers an unknown file with 404 and no long cache', async () => {
    const response = await client.request('/static/nope.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control')).not.toContain('immutable');
  });
});

describe('errors', () => {
  it('renders a 404 page for an unknown path', async () => {
    const response = await client.request('/no-such-page');
    expect(response.status).toBe(404);
    expect(html(await response.text()).querySelector('#error-title')?.text).toBe('Page not found');
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await client.request('/account/locale', {
      form: { locale: 'en', filler: 'x'.repeat(70 * 1024) },
    });
    expect(response.status).toBe(413);
  });
});
