import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenPostgres, type EventBus } from '../../src/events/bus.js';
import { demoIds, freeSlots } from '../support/booking.js';
import { seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';
import { listenTo } from './changes.js';

if (!onRealPostgres) {
  console.warn('Two-instance test SKIPPED: it needs real PostgreSQL (set TEST_DATABASE_URL).');
}

/**
 * Two app instances over one PostgreSQL, each with its own LISTEN connection: a booking made
 * through one instance's HTTP layer reaches the other's subscribers (its browsers).
 */
describe.skipIf(!onRealPostgres)('two instances', () => {
  let database: TestDatabase;
  let demo: DemoFixture;
  let otherInstance: EventBus;

  beforeAll(async () => {
    database = await createTestDatabase('demo');
    demo = await seedDemoFixture(database.db);
    otherInstance = listenPostgres(database.url!);
    await otherInstance.ready();
  });
  afterAll(async () => {
    await otherInstance?.close();
    await database?.close();
  });

  it("hears the other instance's booking", async () => {
    const ids = await demoIds(database.db, demo.demo);
    const heard = listenTo(otherInstance, demo.demo);
    const desk = await demo.signIn('frontdesk@demo.test'); // the first instance
    const sara = await demo.patient('Sara Al-Harbi');
    const [slot] = await freeSlots(desk, { providerId: ids.faisal, date: '2026-12-06' });
    const response = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: sara,
        appointment_type: 'single',
        service_id: ids.speech,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        start: slot!.start,
        duration_minutes: 45,
      },
    });
    expect(response.status).toBe(201);
    const event = await heard.waitFor((e) => e.kind === 'appointment.booked');
    expect(event).toMatchObject({ provider: ids.faisal, patient: sara, date: '2026-12-06' });
    heard.stop();
  });
});
