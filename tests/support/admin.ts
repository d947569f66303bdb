import { expect } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { Role } from '../../src/db/schema.js';
import { createTestApp, TestClock } from './app.js';
import { html, TestClient } from './client.js';
import { createClinic, createTenant, createUser, TEST_PASSWORD } from './factories.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

/**
 * Two tenants for the administration screens: "ours" with one user of each role, and another
 * with a clinic of its own (for ids that must answer 404 here).
 */
export async function createAdminFixture(db: Database, clock = new TestClock()) {
  const tenant = await createTenant(db);
  const users = {} as Record<Role, Awaited<ReturnType<typeof createUser>>>;
  for (const role of ['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
    users[role] = await createUser(db, tenant.id, { role, name: `Test ${role}` });
  }
  const other = await createTenant(db);
  const otherAdmin = await createUser(db, other.id, { role: 'ADMIN' });
  const otherClinic = await createClinic(db, other.id);

  const signIn = async (role: Role, locale?: 'ar') => {
    const client = new TestClient(createTestApp(db, clock).app);
    await client.login(users[role].email, TEST_PASSWORD);
    if (locale) await client.request('/account/locale', { form: { locale } });
    return client;
  };
  return { tenant, users, other, otherAdmin, otherClinic, signIn, clock };
}

export type AdminFixture = Awaited<ReturnType<typeof createAdminFixture>>;

/**
 * The administration tests' start: a database of their own with the admin fixture, and its
 * ADMIN signed in through the real login form. Close `database` after the file.
 */
export async function openSignedInAdmin(): Promise<{
  database: TestDatabase;
  fixture: AdminFixture;
  admin: TestClient;
}> {
  const database = await createTestDatabase();
  const fixture = await createAdminFixture(database.db);
  return { database, fixture, admin: await fixture.signIn('ADMIN') };
}

/** The fields of a form on a page, as a browser would submit them (first value of each name). */
export async function formFields(
  client: TestClient,
  path: string,
  formId: string,
): Promise<Record<string, string>> {
  const response = await client.request(path);
  expect(response.status).toBe(200);
  const form = html(await response.text()).querySelector(`#${formId}`);
  expect(form, formId).not.toBeNull();
  const fields: Record<string, string> = {};
  for (const input of form!.querySelectorAll('input, select')) {
    const name = input.getAttribute('name');
    if (!name || name in fields) continue;
    const type = input.getAttribute('type');
    if ((type === 'checkbox' || type === 'radio') && !input.hasAttribute('checked')) continue;
    fields[name] =
      input.tagName === 'SELECT'
        ? (input.querySelector('option[selected]')?.getAttribute('value') ?? '')
        : (input.getAttribute('value') ?? '');
  }
  return fields;
}

/** Field errors shown on a re-rendered form: field id → message. */
export function fieldErrors(page: ReturnType<typeof html>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const node of page.querySelectorAll('.field-error')) {
    errors[node.id.replace(/-error$/, '')] = node.text.trim();
  }
  return errors;
}

export function auditRows(db: Database, tenantId: string, action: string) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('action', '=', action)
    .orderBy('at')
    .execute();
}
