import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithAdmin } from '../../src/services/tenants.js';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const input = {
  name: 'Al Noor Therapy',
  timezone: 'Asia/Dubai',
  currency: 'AED',
  adminEmail: 'Owner@AlNoor.Test',
  adminPassword: 'first-admin-password',
};

describe('createTenantWithAdmin', () => {
  it('creates an empty centre whose only user is an admin who can sign in', async () => {
    const { tenantId, adminId } = await createTenantWithAdmin(database.db, input);
    const tenant = await database.db
      .selectFrom('tenants')
      .selectAll()
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(tenant).toMatchObject({
      name: 'Al Noor Therapy',
      timezone: 'Asia/Dubai',
      currency: 'AED',
      cancellation_window_hours: 24,
    });
    const users = await database.db
      .selectFrom('users')
      .select(['id', 'email', 'role', 'active'])
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(users).toEqual([
      { id: adminId, email: 'owner@alnoor.test', role: 'ADMIN', active: true },
    ]);
    for (const table of ['clinics', 'packages', 'patients', 'providers'] as const) {
      const rows = await database.db
        .selectFrom(table)
        .select('id')
        .where('tenant_id', '=', tenantId)
        .execute();
      expect(rows, table).toHaveLength(0);
    }
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['tenant.create']);
    expect(JSON.stringify(audit)).not.toContain(input.adminPassword);

    const client = new TestClient(createTestApp(database.db).app);
    await client.login('owner@alnoor.test', input.adminPassword);
    const home = html(await (await client.request('/')).text());
    expect(home.querySelector('nav#admin-nav a[href="/admin/settings"]')).not.toBeNull();
  });

  it.each([
    [{ timezone: 'Nowhere/City' }, 'Unknown time zone'],
    [{ currency: 'ZZZ' }, 'Unknown currency'],
    [{ adminPassword: 'short' }, 'at least 10 characters'],
    [{ adminEmail: 'owner@alnoor.test' }, 'already exists'],
  ])('refuses %j and creates nothing', async (override, message) => {
    const name = `Refused ${Object.keys(override)[0]}`;
    await expect(
      createTenantWithAdmin(database.db, { ...input, name, ...override }),
    ).rejects.toThrow(message);
    const tenants = await database.db
      .selectFrom('tenants')
      .select('id')
      .where('name', '=', name)
      .execute();
    expect(tenants).toHaveLength(0);
  });
});
