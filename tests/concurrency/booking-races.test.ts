import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import type { TestClient } from '../support/client.js';
import { seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';

/**
 * Simultaneous requests through the HTTP layer on a real connection pool. PGlite is a single
 * connection (it serialises everything), so these only mean something on PostgreSQL.
 */
if (!onRealPostgres) {
  console.warn('Concurrency tests SKIPPED: they need real PostgreSQL (set TEST_DATABASE_URL).');
}

const ROUNDS = 5;
const RACERS = 30;

describe.skipIf(!onRealPostgres)('booking races on PostgreSQL', () => {
  let database: TestDatabase;
  let demo: DemoFixture;
  let desk: TestClient;
  let ids: DemoIds;
  let deskUserId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    demo = await seedDemoFixture(database.db);
    desk = await demo.signIn('frontdesk@demo.test');
    ids = await demoIds(database.db, demo.demo);
    deskUserId = (
      await database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'frontdesk@demo.test')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => database.close());

  const book = (body: Record<string, unknown>) =>
    desk.request('/appointments/api/book/', {
      json: { clinic_id: ids.slp, duration_minutes: 45, ...body },
    });

  function tally(responses: Response[]) {
    const statuses = responses.map((r) => r.status);
    return {
      created: statuses.filter((s) => s === 201).length,
      conflicts: statuses.filter((s) => s === 409).length,
      serverErrors: statuses.filter((s) => s >= 500).length,
    };
  }

  it(`books the last session of a package once among ${RACERS} simultaneous requests`, async () => {
    const oneSession = await createPackage(database.db, demo.demo, [
      { serviceId: ids.speech, sessions: 1 },
    ]);
    const times = [
      ...(await freeSlots(desk, { providerId: ids.huda, date: '2026-12-06' })),
      ...(await freeSlots(desk, { providerId: ids.faisal, date: '2026-12-06' })),
    ];
    for (let round = 0; round < ROUNDS; round++) {
      const patient = await createPatient(database.db, demo.demo);
      const purchase = await createPurchase(database.db, oneSession, patient.id, deskUserId, {
        purchase_date: '2026-11-25',
        expiry_date: '2027-02-23',
      });
      const responses = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          book({
            patient_id: patient.id,
            appointment_type: 'package',
            package_purchase_id: purchase.id,
            provider_id: i % 2 ? ids.faisal : ids.huda,
            start: times[(i % 2) * 30 + Math.floor(i / 2)]!.start,
          }),
        ),
      );
      expect(tally(responses)).toEqual({ created: 1, conflicts: RACERS - 1, serverErrors: 0 });
      const after = await database.db
        .selectFrom('package_purchases')
        .select(['sessions_used', 'status'])
        .where('id', '=', purchase.id)
        .executeTakeFirstOrThrow();
      expect(after).toEqual({ sessions_used: 1, status: 'COMPLETED' });
    }
  });

  it(`gives one provider slot to one of ${RACERS} patients`, async () => {
    const day = await freeSlots(desk, { providerId: ids.huda, date: '2026-12-07' });
    for (let round = 0; round < ROUNDS; round++) {
      const patients = await Promise.all(
        Array.from({ length: RACERS }, () => createPatient(database.db, demo.demo)),
      );
      const start = day[round * 4]!.start; // a fresh slot each round
      const responses = await Promise.all(
        patients.map((patient) =>
          book({
            patient_id: patient.id,
            appointment_type: 'single',
            service_id: ids.speech,
            provider_id: ids.huda,
            start,
          }),
        ),
      );
      expect(tally(responses)).toEqual({ created: 1, conflicts: RACERS - 1, serverErrors: 0 });
    }
  });

  it('books once for one idempotency key sent many times at once', async () => {
    const patient = await createPatient(database.db, demo.demo);
    const [slot] = await freeSlots(desk, { providerId: ids.faisal, date: '2026-12-08' });
    const key = crypto.randomUUID();
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        book({
          patient_id: patient.id,
          appointment_type: 'single',
          service_id: ids.speech,
          provider_id: ids.faisal,
          start: slot!.start,
          idempotency_key: key,
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(RACERS).fill(201));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      appointment_id: string;
    }[];
    expect(new Set(bodies.map((b) => b.appointment_id)).size).toBe(1);
  });
});
