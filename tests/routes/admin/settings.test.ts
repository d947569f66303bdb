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

/** A form body with repeated fields (checkbox groups) as a browser sends it. */
function formOf(values: Record<string, string | string[]>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return params;
}

const REMINDER_HOURS = 'Enter a whole number of hours from 1 to 168, or leave it empty.';
const VAT_PERCENT = 'Enter a percentage from 0 to 99.99, e.g. 15.';

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

const valid: Record<string, string | string[]> = {
  name: 'Gulf Therapy Centre',
  timezone: 'Asia/Dubai',
  currency: 'aed',
  cancellation_window_hours: '48',
  channels: ['log', 'email'],
  reminder_hours_before: '48',
  quiet_hours_start: '22:30',
  quiet_hours_end: '07:00',
  vat_percent: '5',
  vat_number: '100123456700003',
  country: 'ae',
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
    const response = await admin.request('/admin/settings', { form: formOf(valid) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/settings?saved=1');
    expect(await tenant()).toMatchObject({
      name: 'Gulf Therapy Centre',
      timezone: 'Asia/Dubai',
      currency: 'AED',
      cancellation_window_hours: 48,
      log_messages: true,
      email_messages: true,
      sms_messages: false,
      whatsapp_messages: false,
      reminder_hours_before: 48,
      vat_rate: '0.0500',
      vat_number: '100123456700003',
      country: 'AE',
    });
    expect((await tenant()).quiet_hours_start).toMatch(/^22:30/);
    expect((await tenant()).quiet_hours_end).toMatch(/^07:00/);
    const form = html(await (await admin.request('/admin/settings')).text());
    expect(form.querySelector('#settings-vat-percent')?.getAttribute('value')).toBe('5');
    expect(form.querySelector('#settings-quiet-start')?.getAttribute('value')).toBe('22:30');
    expect(
      form.querySelectorAll('input[name=channels][checked]').map((i) => i.getAttribute('value')),
    ).toEqual(['log', 'email']);
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'tenant.update_settings')
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({
      name: before.name,
      timezone: before.timezone,
      currency: before.currency,
      cancellation_window_hours: before.cancellation_window_hours,
      reminder_hours_before: 24,
      vat_rate: '0.0000',
    });
    expect(audit.after).toMatchObject({
      currency: 'AED',
      cancellation_window_hours: 48,
      reminder_hours_before: 48,
      vat_rate: '0.0500',
      vat_number: '100123456700003',
      country: 'AE',
      email_messages: true,
      sms_messages: false,
    });
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
    ['reminder_hours_before', '0', 'settings-reminder-hours', REMINDER_HOURS],
    ['reminder_hours_before', '169', 'settings-reminder-hours', REMINDER_HOURS],
    ['reminder_hours_before', '2.5', 'settings-reminder-hours', REMINDER_HOURS],
    ['quiet_hours_start', '24:00', 'settings-quiet-start', 'Enter a time like 08:00.'],
    ['quiet_hours_end', '', 'settings-quiet-end', 'Please fill in this field.'],
    ['vat_percent', '100', 'settings-vat-percent', VAT_PERCENT],
    ['vat_percent', '15.555', 'settings-vat-percent', VAT_PERCENT],
    ['vat_percent', '-5', 'settings-vat-percent', VAT_PERCENT],
    ['vat_percent', '0.15e2', 'settings-vat-percent', VAT_PERCENT],
    ['vat_number', '3000-0000', 'settings-vat-number', 'Use letters and digits only, at most 20.'],
    ['country', 'XX', 'settings-country', 'Enter a two-letter country code, e.g. SA.'],
    ['country', 'SAU', 'settings-country', 'Enter a two-letter country code, e.g. SA.'],
  ])('answers %s=%j with 422 and the field message', async (field, value, id, message) => {
    const before = await tenant();
    const response = await admin.request('/admin/settings', {
      form: formOf({ ...valid, [field]: value }),
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector(`#${id}-error`))).toBe(message);
    expect(await tenant()).toEqual(before);
  });

  it('gives every refused field its message at once, in Arabic too', async () => {
    const arabic = await signIn((await createUser(database.db, tenantId, { role: 'ADMIN' })).email);
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const before = await tenant();
    const response = await arabic.request('/admin/settings', {
      form: formOf({ ...valid, reminder_hours_before: '200', vat_percent: 'x', country: '1' }),
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector('#settings-reminder-hours-error'))).toBe(
      'أدخل عددًا صحيحًا من الساعات من 1 إلى 168 أو اتركه فارغًا.',
    );
    expect(textOf(page.querySelector('#settings-vat-percent-error'))).toBe(
      'أدخل نسبة من 0 إلى 99.99، مثل 15.',
    );
    expect(textOf(page.querySelector('#settings-country-error'))).toBe(
      'أدخل رمز دولة من حرفين لاتينيين، مثل SA.',
    );
    // What was sent comes back, ticks included.
    expect(page.querySelector('#settings-vat-percent')?.getAttribute('value')).toBe('x');
    expect(
      page.querySelectorAll('input[name=channels][checked]').map((i) => i.getAttribute('value')),
    ).toEqual(['log', 'email']);
    expect(await tenant()).toEqual(before);
  });

  it('asks for the VAT number of a centre that charges VAT, in the Saudi form in Saudi Arabia', async () => {
    const before = await tenant();
    const noNumber = await admin.request('/admin/settings', {
      form: formOf({ ...valid, vat_percent: '15', vat_number: '' }),
    });
    expect(noNumber.status).toBe(422);
    expect(textOf(html(await noNumber.text()).querySelector('#settings-vat-number-error'))).toBe(
      'A centre that charges VAT needs its VAT number on its receipts.',
    );
    const saudi = await admin.request('/admin/settings', {
      form: formOf({ ...valid, country: 'SA', vat_number: '123456789012345' }),
    });
    expect(saudi.status).toBe(422);
    expect(textOf(html(await saudi.text()).querySelector('#settings-vat-number-error'))).toBe(
      'A Saudi VAT number has 15 digits and starts and ends with 3.',
    );
    expect(await tenant()).toEqual(before);
  });

  it('stores 15.5 % as 0.1550 and 0 % without a VAT number; empty hours: no reminders; no channel at all', async () => {
    const form = { ...valid, vat_percent: '15.5', country: 'SA', vat_number: '300000000000003' };
    expect((await admin.request('/admin/settings', { form: formOf(form) })).status).toBe(303);
    expect(await tenant()).toMatchObject({ vat_rate: '0.1550', country: 'SA' });
    const none = {
      ...valid,
      vat_percent: '0',
      vat_number: '',
      country: '',
      channels: [],
      reminder_hours_before: '',
    };
    expect((await admin.request('/admin/settings', { form: formOf(none) })).status).toBe(303);
    expect(await tenant()).toMatchObject({
      vat_rate: '0.0000',
      vat_number: null,
      country: null,
      reminder_hours_before: null,
      log_messages: false,
      email_messages: false,
    });
    const page = html(await (await admin.request('/admin/settings')).text());
    expect(page.querySelector('#settings-reminder-hours')?.getAttribute('value')).toBe('');
    expect(page.querySelectorAll('input[name=channels][checked]')).toHaveLength(0);
  });

  it('refuses a channel it does not know', async () => {
    const before = await tenant();
    const response = await admin.request('/admin/settings', {
      form: formOf({ ...valid, channels: ['log', 'pigeon'] }),
    });
    expect(response.status).toBe(422);
    expect(await tenant()).toEqual(before);
  });

  it('accepts 0 and 168 hours and UTC', async () => {
    for (const hours of ['0', '168']) {
      const form = { ...valid, timezone: 'UTC', cancellation_window_hours: hours };
      expect((await admin.request('/admin/settings', { form: formOf(form) })).status).toBe(303);
      expect((await tenant()).cancellation_window_hours).toBe(Number(hours));
    }
  });

  it.each(['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const)('refuses %s with 403', async (role) => {
    const client = await signIn((await createUser(database.db, tenantId, { role })).email);
    const before = await tenant();
    expect((await client.request('/admin/settings')).status).toBe(403);
    expect((await client.request('/admin/settings', { form: formOf(valid) })).status).toBe(403);
    expect(await tenant()).toEqual(before);
  });

  it('changes only the signed-in admin’s centre', async () => {
    const other = await createTenant(database.db, { name: 'Untouched' });
    await admin.request('/admin/settings', { form: formOf({ ...valid, name: 'Mine Only' }) });
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
