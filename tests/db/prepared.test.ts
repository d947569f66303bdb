import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepared } from '../../src/db/prepared.js';
import { QueryCounter } from '../../src/db/query-counter.js';
import { createClinic, createTenant } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
let tenants: { id: string; clinicId: string }[];

beforeAll(async () => {
  database = await createTestDatabase();
  tenants = [];
  for (const name of ['First', 'Second']) {
    const tenant = await createTenant(database.db);
    const clinic = await createClinic(database.db, tenant.id, { name_en: `${name} clinic` });
    tenants.push({ id: tenant.id, clinicId: clinic.id });
  }
});
afterAll(() => database.close());

const clinicName = prepared((db, values: { tenantId: string; clinicId: string }) =>
  db
    .selectFrom('clinics')
    .select(['name_en', sql<string>`${'a constant'}::text`.as('constant')])
    .where('tenant_id', '=', values.tenantId)
    .where('id', '=', values.clinicId),
);

describe('a prepared statement', () => {
  it('binds each call’s values, and keeps the constants the builder gave', async () => {
    const [first, second] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const run = (tenantId: string, clinicId: string) =>
      clinicName(database.db, { tenantId, clinicId });
    expect(await run(first.id, first.clinicId)).toEqual([
      { name_en: 'First clinic', constant: 'a constant' },
    ]);
    expect(await run(second.id, second.clinicId)).toEqual([
      { name_en: 'Second clinic', constant: 'a constant' },
    ]);
    // Another centre's clinic: nothing, as with any tenant-scoped read.
    expect(await run(first.id, second.clinicId)).toEqual([]);
  });

  it('runs through the handle it is given (its plugins see it)', async () => {
    const counter = new QueryCounter();
    const [first] = tenants as [(typeof tenants)[0]];
    await clinicName(database.db.withPlugin(counter), {
      tenantId: first.id,
      clinicId: first.clinicId,
    });
    expect(counter.count).toBe(1);
  });

  it('refuses a builder that puts a value into the statement’s text', async () => {
    const inlined = prepared((db, values: { name: string }) =>
      db.selectFrom('clinics').select('id').where('name_en', '=', sql.lit(values.name)),
    );
    await expect(inlined(database.db, { name: 'x' })).rejects.toThrow(/into its text/);
  });
});
