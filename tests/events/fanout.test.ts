import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import { QueryCounter } from '../../src/db/query-counter.js';
import {
  CHANGES_CHANNEL,
  FANOUT_SLICE,
  publishChange,
  publishSessionChange,
  SESSIONS_CHANNEL,
  TenantFanout,
  type ChangeEvent,
} from '../../src/events/bus.js';
import { createTestApp, TestClock } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { DEMO_NOW, seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { change } from './changes.js';
import { openEventStream } from './frames.js';

/**
 * One change to many open streams (events/bus.ts, routes/events.ts): after the callback that
 * hears it, a slice of subscribers at a time, in commit order, one encoded frame for all of a
 * tenant's streams.
 */

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TenantFanout', () => {
  const notice = (event: ChangeEvent) => JSON.stringify(event);

  it('calls no subscriber in the callback that hears the change, nor in its microtasks', async () => {
    const fanout = new TenantFanout();
    const tenant = randomUUID();
    const heard: string[] = [];
    fanout.subscribe(tenant, (event) => heard.push(event.purchase!));

    fanout.deliver(CHANGES_CHANNEL, notice(change(tenant, 'booked')));
    expect(heard).toEqual([]);
    // The writer's own continuation (its COMMIT resolving, its answer) runs here, first.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(heard).toEqual([]);
    await nextTurn();
    expect(heard).toEqual(['booked']);
  });

  it('forgets sessions at once, in the callback that hears of them', () => {
    const fanout = new TenantFanout();
    const heard: unknown[] = [];
    fanout.onSessionChange((sessionChange) => heard.push(sessionChange));
    const ended = { tenant: randomUUID(), user: null, session: null };
    fanout.deliver(SESSIONS_CHANNEL, JSON.stringify(ended));
    expect(heard).toEqual([ended]);
  });

  it(`calls ${FANOUT_SLICE} subscribers at a time, letting other work run between slices`, async () => {
    const fanout = new TenantFanout();
    const tenant = randomUUID();
    const subscribers = FANOUT_SLICE * 2 + 1;
    let called = 0;
    let calledWhenOtherWorkRan: number | undefined;
    fanout.subscribe(tenant, () => {
      called += 1;
      // Other work, due once the slice running this subscriber yields.
      setImmediate(() => (calledWhenOtherWorkRan = called));
    });
    for (let i = 1; i < subscribers; i++) fanout.subscribe(tenant, () => (called += 1));

    fanout.deliver(CHANGES_CHANNEL, notice(change(tenant, 'one change')));
    await vi.waitFor(() => expect(called).toBe(subscribers));
    expect(calledWhenOtherWorkRan).toBeGreaterThan(0);
    expect(calledWhenOtherWorkRan).toBeLessThan(subscribers);
  });

  it('gives every subscriber the changes in the order they arrived, across slices', async () => {
    const fanout = new TenantFanout();
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    const heardA = Array.from({ length: FANOUT_SLICE + 10 }, () => [] as string[]);
    heardA.forEach((heard) => fanout.subscribe(tenantA, (event) => heard.push(event.purchase!)));
    const heardB: string[] = [];
    fanout.subscribe(tenantB, (event) => heardB.push(event.purchase!));

    for (const [tenant, label] of [
      [tenantA, 'a1'],
      [tenantB, 'b1'],
      [tenantA, 'a2'],
    ] as const) {
      fanout.deliver(CHANGES_CHANNEL, notice(change(tenant, label)));
    }
    await vi.waitFor(() => expect(heardB).toEqual(['b1']));
    await vi.waitFor(() => expect(heardA.every((heard) => heard.length === 2)).toBe(true));
    for (const heard of heardA) expect(heard).toEqual(['a1', 'a2']);
  });

  it('hands all subscribers the same event object, and skips one that left meanwhile', async () => {
    const fanout = new TenantFanout();
    const tenant = randomUUID();
    const events = new Set<ChangeEvent>();
    for (let i = 0; i < 3; i++) fanout.subscribe(tenant, (event) => events.add(event));
    let leftHeard = false;
    const leave = fanout.subscribe(tenant, () => (leftHeard = true));

    fanout.deliver(CHANGES_CHANNEL, notice(change(tenant, 'shared')));
    leave();
    await nextTurn();
    expect(events.size).toBe(1);
    expect(leftHeard).toBe(false);
  });
});

describe('GET /events, fanned out', () => {
  let database: TestDatabase;
  let demo: DemoFixture;
  let app: ReturnType<typeof createTestApp>['app'];
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('demo');
    demo = await seedDemoFixture(database.db);
    app = createTestApp(database.db, new TestClock(DEMO_NOW), database.bus).app;
  });
  afterAll(() => database.close());
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.cancel().catch(() => {});
  });

  async function signIn(email: string) {
    const client = new TestClient(app);
    await client.login(email, DEMO_PASSWORD);
    return client;
  }

  /** A stream read chunk by chunk, as the server queued them, past its opening `retry`. */
  async function openRaw(client: TestClient) {
    const response = await client.request('/events', { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    readers.push(reader);
    const next = async () => {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      return value;
    };
    expect(new TextDecoder().decode(await next())).toBe('retry: 3000\n\n');
    return { reader, next };
  }

  const publish = (tenant: string, label: string) =>
    database.db.transaction().execute((trx) => publishChange(trx, change(tenant, label)));
  const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

  it("writes one encoded frame to all of the tenant's streams, and none to another tenant's", async () => {
    const desk = await signIn('frontdesk@demo.test');
    const ours = [await openRaw(desk), await openRaw(desk), await openRaw(desk)];
    const other = await signIn('frontdesk@other.test');
    const theirs = [await openRaw(other), await openRaw(other)];

    await publish(demo.demo, 'for the demo centre');
    await publish(demo.other, 'for the other clinic');

    const frames = await Promise.all(ours.map((stream) => stream.next()));
    expect(text(frames[0]!)).toBe(
      `event: package.assigned\ndata: ${JSON.stringify(change(demo.demo, 'for the demo centre'))}\n\n`,
    );
    // The very same bytes: encoded once for the tenant, not once per stream.
    expect(new Set(frames).size).toBe(1);

    // Their first change is their own, though the demo centre's was committed first.
    const theirFrames = await Promise.all(theirs.map((stream) => stream.next()));
    for (const frame of theirFrames) expect(text(frame)).toContain('for the other clinic');
    expect(new Set(theirFrames).size).toBe(1);
  });

  it('keeps writing to the streams that read while one has stopped reading', async () => {
    const desk = await signIn('frontdesk@demo.test');
    const before = database.bus.subscriberCount(demo.demo);
    await openRaw(desk); // and never read again
    const reading = await openRaw(desk);
    expect(database.bus.subscriberCount(demo.demo)).toBe(before + 2);

    // Three bursts of 50: the reading stream catches up after each; the other falls behind.
    const heard: string[] = [];
    const labels: string[] = [];
    for (let burst = 0; burst < 3; burst++) {
      const sent = Array.from({ length: 50 }, (_, i) => `burst ${burst} change ${i}`);
      await database.db.transaction().execute(async (trx) => {
        for (const label of sent) await publishChange(trx, change(demo.demo, label));
      });
      labels.push(...sent);
      while (heard.length < labels.length) {
        const data = text(await reading.next()).split('data: ')[1]!;
        heard.push((JSON.parse(data) as ChangeEvent).purchase!);
      }
    }
    expect(heard).toEqual(labels);
    // The one that stopped reading was let go; the reading one still listens.
    await vi.waitFor(() => expect(database.bus.subscriberCount(demo.demo)).toBe(before + 1));
  });

  it("checks the sessions of a tenant's streams in one statement", async () => {
    const counter = new QueryCounter();
    const counted = createTestApp(
      database.db.withPlugin(counter),
      new TestClock(DEMO_NOW),
      database.bus,
    ).app;
    const tenant = await createTenant(database.db);
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const user = await createUser(database.db, tenant.id);
      const client = new TestClient(counted);
      await client.login(user.email, TEST_PASSWORD);
      streams.push(await openEventStream(client));
    }

    // Their sessions end behind the app's back; a tenant-wide change sends every stream to ask.
    await database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(0) })
      .where('tenant_id', '=', tenant.id)
      .execute();
    counter.count = 0;
    await publishSessionChange(database.db, { tenant: tenant.id, user: null, session: null });
    for (const stream of streams) {
      expect((await stream.untilEnd()).at(-1)?.event).toBe('session.ended');
    }
    expect(counter.count).toBe(1);
  });
});
