import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CHANGES_CHANNEL,
  listenPostgres,
  publishChange,
  type EventBus,
} from '../../src/events/bus.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';
import { change, listenTo } from './changes.js';

if (!onRealPostgres) {
  console.warn(
    'Event bus tests on a lost LISTEN connection and on two instances SKIPPED: they need real ' +
      'PostgreSQL (set TEST_DATABASE_URL).',
  );
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('publishing inside a transaction', () => {
  it('delivers at commit, not before, and never after a rollback', async () => {
    const tenant = randomUUID();
    const changes = listenTo(database.bus, tenant);

    await database.db.transaction().execute(async (trx) => {
      await publishChange(trx, change(tenant, 'committed'));
      await sleep(150);
      expect(changes.heard, 'heard before the commit').toEqual([]);
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await publishChange(trx, change(tenant, 'rolled back'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');

    expect(await changes.drain(database.db)).toEqual([change(tenant, 'committed')]);
    changes.stop();
  });

  it('sends the six fields and nothing else', async () => {
    const tenant = randomUUID();
    const changes = listenTo(database.bus, tenant);
    const booked = {
      tenant,
      kind: 'appointment.booked' as const,
      provider: randomUUID(),
      date: '2026-11-29',
      patient: randomUUID(),
      purchase: null,
      extra: 'not for the wire',
    };
    await database.db.transaction().execute((trx) => publishChange(trx, booked));
    const { extra, ...sent } = booked;
    expect(extra).toBeDefined();
    expect(await changes.drain(database.db)).toEqual([sent]);
    changes.stop();
  });
});

describe('fan-out', () => {
  it("never gives tenant A's subscribers tenant B's changes", async () => {
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    const a = listenTo(database.bus, tenantA);
    const secondA = listenTo(database.bus, tenantA);
    const b = listenTo(database.bus, tenantB);

    await database.db.transaction().execute((trx) => publishChange(trx, change(tenantA, 'a1')));
    await database.db.transaction().execute((trx) => publishChange(trx, change(tenantB, 'b1')));
    await database.db.transaction().execute((trx) => publishChange(trx, change(tenantA, 'a2')));

    const labels = async (listener: ReturnType<typeof listenTo>) =>
      (await listener.drain(database.db)).map((event) => event.purchase);
    expect(await labels(a)).toEqual(['a1', 'a2']);
    expect(await labels(secondA)).toEqual(['a1', 'a2']);
    expect(await labels(b)).toEqual(['b1']);
    for (const listener of [a, secondA, b]) listener.stop();
  });

  it('counts subscribers and forgets them when they unsubscribe', () => {
    const tenant = randomUUID();
    const before = database.bus.subscriberCount();
    const first = database.bus.subscribe(tenant, () => {});
    const second = database.bus.subscribe(tenant, () => {});
    expect(database.bus.subscriberCount(tenant)).toBe(2);
    expect(database.bus.subscriberCount()).toBe(before + 2);
    first();
    first();
    expect(database.bus.subscriberCount(tenant)).toBe(1);
    second();
    expect(database.bus.subscriberCount(tenant)).toBe(0);
    expect(database.bus.subscriberCount()).toBe(before);
  });

  it('ignores malformed payloads and a failing subscriber, and keeps delivering', async () => {
    const tenant = randomUUID();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = database.bus.subscribe(tenant, () => {
      throw new Error('a broken screen');
    });
    const changes = listenTo(database.bus, tenant);
    try {
      for (const payload of [
        'not json',
        '{"tenant": 42}',
        JSON.stringify({ ...change(tenant, 'x'), kind: 'appointment.exploded' }),
      ]) {
        await sql`select pg_notify(${CHANGES_CHANNEL}, ${payload})`.execute(database.db);
      }
      await database.db
        .transaction()
        .execute((trx) => publishChange(trx, change(tenant, 'after the junk')));
      expect((await changes.drain(database.db)).map((event) => event.purchase)).toEqual([
        'after the junk',
      ]);
      expect(warn).toHaveBeenCalledTimes(3);
      expect(error).toHaveBeenCalledWith('Event bus: a subscriber failed:', expect.any(Error));
    } finally {
      failing();
      changes.stop();
      warn.mockRestore();
      error.mockRestore();
    }
  });
});

describe('reconnecting', () => {
  it('retries an unreachable server with growing delays, and stops when closed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const bus = listenPostgres('postgres://postgres@127.0.0.1:1/nowhere', {
        minDelayMs: 10,
        maxDelayMs: 40,
      });
      await sleep(400);
      const delays = warn.mock.calls.map(([message]) =>
        Number(/in (\d+) ms/.exec(String(message))![1]),
      );
      expect(delays.slice(0, 4)).toEqual([10, 20, 40, 40]);
      await bus.close();
      const attempts = warn.mock.calls.length;
      await sleep(150);
      expect(warn.mock.calls.length).toBe(attempts);
    } finally {
      warn.mockRestore();
    }
  });

  it.skipIf(!onRealPostgres)(
    'listens again after its connection is killed (pg_terminate_backend)',
    async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const tenant = randomUUID();
      const changes = listenTo(database.bus, tenant);
      let resumed = 0;
      const stopHearing = database.bus.onResumed(() => (resumed += 1));
      try {
        const listeners = () =>
          sql<{ pid: number }>`select pid from pg_stat_activity
            where query ilike 'LISTEN%' and datname = current_database()`.execute(database.db);
        const before = (await listeners()).rows.map((row) => row.pid);
        expect(before.length).toBeGreaterThan(0);
        const killed = await sql<{ killed: boolean }>`
          select pg_terminate_backend(pid) as killed from pg_stat_activity
          where query ilike 'LISTEN%' and datname = current_database()`.execute(database.db);
        expect(killed.rows.map((row) => row.killed)).toContain(true);

        // Changes made while it is away are lost: publish until one arrives.
        const deadline = Date.now() + 5_000;
        let arrived = false;
        for (let attempt = 0; !arrived && Date.now() < deadline; attempt++) {
          await database.db
            .transaction()
            .execute((trx) => publishChange(trx, change(tenant, `after the kill ${attempt}`)));
          arrived = await changes
            .waitFor((event) => event.purchase?.startsWith('after the kill') ?? false, 250)
            .then(() => true)
            .catch(() => false);
        }
        expect(arrived, 'an event arrived within 5 s of the kill').toBe(true);
        const after = (await listeners()).rows.map((row) => row.pid);
        expect(after.some((pid) => !before.includes(pid))).toBe(true);
        expect(warn).toHaveBeenCalledWith(expect.stringMatching(/LISTEN connection lost/));
        // What was notified in the gap is lost: those who keep state are told to check it.
        expect(resumed).toBe(1);
      } finally {
        stopHearing();
        changes.stop();
        warn.mockRestore();
      }
    },
  );
});

describe.skipIf(!onRealPostgres)('two app instances on one PostgreSQL', () => {
  let second: EventBus;

  beforeAll(async () => {
    second = listenPostgres(database.url!);
    await second.ready();
  });
  afterAll(() => second?.close());

  it('both hear a change published once', async () => {
    const tenant = randomUUID();
    const first = listenTo(database.bus, tenant);
    const other = listenTo(second, tenant);
    await database.db.transaction().execute((trx) => publishChange(trx, change(tenant, 'once')));
    expect((await first.drain(database.db)).map((event) => event.purchase)).toEqual(['once']);
    expect((await other.drain(database.db)).map((event) => event.purchase)).toEqual(['once']);
    first.stop();
    other.stop();
  });
});
