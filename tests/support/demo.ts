import type { Database } from '../../src/db/client.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed/demo.js';
import { createTestApp, TestClock } from './app.js';
import { TestClient } from './client.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

/** The demo data of SPEC §5 as a fixture, with lookups by the names the scenarios use. */

export const DEMO_NOW = new Date('2026-11-25T09:00:00Z'); // a Wednesday; 12:00 in Riyadh

export async function seedDemoFixture(db: Database) {
  await seedDemo(db, DEMO_NOW);
  const tenants = await db.selectFrom('tenants').select(['id', 'name']).execute();
  const tenantId = (name: string) => tenants.find((tenant) => tenant.name === name)!.id;
  const demo = tenantId('Demo Therapy Centre');
  const other = tenantId('Other Clinic');

  const patient = async (name: string, tenant = demo) =>
    (
      await db
        .selectFrom('patients')
        .select('id')
        .where('tenant_id', '=', tenant)
        .where('name_en', '=', name)
        .executeTakeFirstOrThrow()
    ).id;
  const pkg = async (name: string, tenant = demo) =>
    (
      await db
        .selectFrom('packages')
        .select('id')
        .where('tenant_id', '=', tenant)
        .where('name_en', '=', name)
        .executeTakeFirstOrThrow()
    ).id;
  const purchasesOf = (patientId: string) =>
    db
      .selectFrom('package_purchases')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('purchase_date')
      .orderBy('created_at')
      .orderBy('id')
      .execute();

  /** A desk signed in through the real login, on an app whose clock is DEMO_NOW. */
  const signIn = async (email: string, database: Database = db) => {
    const client = new TestClient(createTestApp(database, new TestClock(DEMO_NOW)).app);
    await client.login(email, DEMO_PASSWORD);
    return client;
  };

  return { demo, other, patient, pkg, purchasesOf, signIn };
}

export type DemoFixture = Awaited<ReturnType<typeof seedDemoFixture>>;

export interface SignedInDemo {
  database: TestDatabase;
  demo: DemoFixture;
  /** Signed in as the email asked for (the front desk by default). */
  desk: TestClient;
}

/**
 * Most test files' start: a database of their own holding the demo centre (copied from the
 * template seeded at DEMO_NOW), and one user signed in through the real login form.
 * Close `database` after the file.
 */
export async function openSignedInDemo(email = 'frontdesk@demo.test'): Promise<SignedInDemo> {
  const database = await createTestDatabase('demo');
  const demo = await seedDemoFixture(database.db);
  return { database, demo, desk: await demo.signIn(email) };
}
