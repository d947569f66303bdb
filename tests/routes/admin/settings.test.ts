import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../support/app.js';
import { html, TestClient } from '../../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';
import { timeZoneName } from '../../../src/views/format.js';

let database: TestDatabase;
let tenantId: string;
let admin: TestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  tenantId = (await createTenant(database.db, { name: 'Settings Centre' })).id;
  admin = await signIn((await createUser(database.db, tenantId, { role: 'ADMIN' })).email);
});
afterAll(() => database.close());

async function signIn(email: string) {
  const client = new TestClient(createTestApp(database.db).app);
  await client.login(email, TEST_PASSWORD);
  return client;
}

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

const valid = {
  name: 'Gulf Therapy Centre',
  timezone: 'Asia/Dubai',
  currency: 'aed',
  cancellation_window_hours: '48',
};

function tenant() {
  return database.db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
}

describe('tenant settings', () => {
  it('shows the current settings', async () => {
    const page = html(await (await admin.request('/admin/settings')).text());
    expect(page.querySelector('#settings-name')?.getAttribute('value')).toBe('Settings Centre');
    expect(page.querySelector('#settings-timezone option[selected]')?.text).toBe('Asia/Riyadh');
    expect(page.querySelector('#settings-currency')?.getAttribute('value')).toBe('SAR');
    expect(page.querySelector('#settings-cancellation-window')?.getAttribute('value')).toBe('24');
  });

  it('saves them, with an audit of before and after, and the app uses them at once', async () => {
    const before = await tenant();
    const response = await admin.request('/admin/settings', { form: valid });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/settings?saved=1');
    expect(await tenant()).toMatchObject({
      name: 'Gulf Therapy Centre',
      timezone: 'Asia/Dubai',
      currency: 'AED',
      cancellation_window_hours: 48,
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'tenant.update_settings')
      .executeTakeFirstOrThrow();
    expect(audit.before).toEqual({
      name: before.name,
      timezone: before.timezone,
      currency: before.currency,
      cancellation_window_hours: before.cancellation_window_hours,
    });
    expect(audit.after).toMatchObject({ currency: 'AED', cancellation_window_hours: 48 });
    const home = html(await (await admin.request('/')).text());
    expect(textOf(home.querySelector('#home-facts'))).toContain(timeZoneName('Asia/Dubai', 'en'));
    const saved = html(await (await admin.request('/admin/settings?saved=1')).text());
    expect(textOf(saved.querySelector('#settings-notice'))).toBe('Settings saved.');
  });

  it.each([
    ['name', ' ', 'settings-name', 'Please fill in this field.'],
    ['timezone', 'Mars/Olympus', 'settings-timezone', 'Choose a time zone from the list.'],
    ['currency', 'XYZ', 'settings-currency', 'Enter a three-letter ISO 4217 currency code.'],
    ['currency', 'SARR', 'settings-currency', 'Enter a three-letter ISO 4217 currency code.'],
    [
      'cancellation_window_hours',
      '169',
      'settings-cancellation-window',
      'Enter a whole number of hours from 0 to 168.',
    ],
    [
      'cancellation_window_hours',
      '-1',
      'settings-cancellation-window',
      'Enter a whole number of hours from 0 to 168.',
    ],
    [
      'cancellation_window_hours',
      '2.5',
      'settings-cancellation-window',
      'Enter a whole number of hours from 0 to 168.',
    ],
  ])('answers %s=%j with 422 and the field message', async (field, value, id, message) => {
    const before = await tenant();
    const response = await admin.request('/admin/settings', { form: { ...valid, [field]: value } });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector(`#${id}-error`))).toBe(message);
    expect(await tenant()).toEqual(before);
  });

  it('accepts 0 and 168 hours and UTC', async () => {
    for (const hours of ['0', '168']) {
      const form = { ...valid, timezone: 'UTC', cancellation_window_hours: hours };
      expect((await admin.request('/admin/settings', { form })).status).toBe(303);
      expect((await tenant()).cancellation_window_hours).toBe(Number(hours));
    }
  });

  it.each(['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const)('refuses %s with 403', async (role) => {
    const client = await signIn((await createUser(database.db, tenantId, { role })).email);
    const before = await tenant();
    expect((await client.request('/admin/settings')).status).toBe(403);
    expect((await client.request('/admin/settings', { form: valid })).status).toBe(403);
    expect(await tenant()).toEqual(before);
  });

  it('changes only the signed-in admin’s centre', async () => {
    const other = await createTenant(database.db, { name: 'Untouched' });
    await admin.request('/admin/settings', { form: { ...valid, name: 'Mine Only' } });
    const row = await database.db
      .selectFrom('tenants')
      .select('name')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('Untouched');
  });

  it('sends a visitor to the login', async () => {
    const response = await new TestClient(createTestApp(database.db).app).request(
      '/admin/settings',
    );
    expect(response.status).toBe(303);
  });
});
