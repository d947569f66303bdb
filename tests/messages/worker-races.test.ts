import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/messages/channels.js';
import { createMessageWorker } from '../../src/messages/worker.js';
import { racesSkipped } from '../concurrency/races.js';
import { DEMO_NOW, openSignedInDemo, type SignedInDemo } from '../support/demo.js';

let signedIn: SignedInDemo;

beforeAll(async () => {
  signedIn = await openSignedInDemo();
});
afterAll(() => signedIn.database.close());

// PGlite is one connection: two workers there take turns, so nothing would be proven.
describe.skipIf(racesSkipped)('two workers on PostgreSQL', () => {
  it('deliver every message exactly once between them', async () => {
    const { database, demo } = signedIn;
    const appointment = await database.db
      .selectFrom('appointments')
      .select(['id', 'starts_at'])
      .where('tenant_id', '=', demo.demo)
      .executeTakeFirstOrThrow();
    const total = 200;
    await database.db
      .insertInto('messages')
      .values(
        Array.from({ length: total }, (_, i) => ({
          tenant_id: demo.demo,
          appointment_id: appointment.id,
          kind: 'booked' as const,
          channel: 'log' as const,
          dedupe_key: `race:${i}`,
          appointment_starts_at: appointment.starts_at,
          available_at: DEMO_NOW,
        })),
      )
      .execute();
    const deliveries: string[] = [];
    const channel: Channel = {
      async send(message) {
        deliveries.push(message.id);
        await Promise.resolve();
      },
    };
    // In the quiet hours' gap: 12:00 in Riyadh.
    const workers = [1, 2, 3, 4, 5, 6].map(() =>
      createMessageWorker({
        db: database.db,
        clock: () => DEMO_NOW,
        channels: { log: channel },
        options: { batchSize: 2 },
      }),
    );
    await Promise.all(
      workers.map(async (worker) => {
        while ((await worker.deliverDue()) > 0);
      }),
    );
    expect(deliveries).toHaveLength(total);
    expect(new Set(deliveries).size).toBe(total);
    // Claimed once each: a second claim would have counted a second attempt.
    const rows = await database.db
      .selectFrom('messages')
      .select(['status', 'attempts'])
      .where('dedupe_key', 'like', 'race:%')
      .execute();
    expect(rows.filter((row) => row.status !== 'sent' || row.attempts !== 1)).toEqual([]);
  });
});
