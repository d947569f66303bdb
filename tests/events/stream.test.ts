import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import { publishChange } from '../../src/events/bus.js';
import { HEARTBEAT_MS } from '../../src/routes/events.js';
import { createTestApp, TestClock } from '../support/app.js';
import { startServer } from '../support/browser.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import { TestClient } from '../support/client.js';
import { DEMO_NOW, seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { change } from './changes.js';
import { openEventStream, readFrames, type EventStream } from './frames.js';

let database: TestDatabase;
let demo: DemoFixture;
let ids: DemoIds;
let app: ReturnType<typeof createTestApp>['app'];
let desk: TestClient;

beforeAll(async () => {
  database = await createTestDatabase('demo');
  demo = await seedDemoFixture(database.db);
  ids = await demoIds(database.db, demo.demo);
  app = createTestApp(database.db, new TestClock(DEMO_NOW), database.bus).app;
  desk = await signIn('frontdesk@demo.test');
});
afterAll(() => database.close());

const streams: EventStream[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) await stream.cancel();
});

async function signIn(email: string) {
  const client = new TestClient(app);
  await client.login(email, DEMO_PASSWORD);
  return client;
}

/** GET /events, its opening frame read. */
async function openStream(client: TestClient): Promise<EventStream> {
  const stream = await openEventStream(client);
  streams.push(stream);
  return stream;
}

describe('GET /events', () => {
  it('answers 401 JSON without a session', async () => {
    const response = await new TestClient(app).request('/events', {
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      success: false,
      error: { code: 'unauthenticated', message: 'Please sign in.' },
    });
  });

  it('streams a booking as an uncompressed, uncached `event: appointment.booked` frame', async () => {
    const stream = await openStream(desk);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    expect(stream.response.headers.get('content-encoding')).toBeNull();

    const sara = await demo.patient('Sara Al-Harbi');
    const [slot] = await freeSlots(desk, { providerId: ids.huda, date: '2026-11-29' });
    const booked = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: sara,
        appointment_type: 'single',
        clinic_id: ids.slp,
        provider_id: ids.huda,
        service_id: ids.speech,
        start: slot!.start,
        duration_minutes: 45,
      },
    });
    expect(booked.status).toBe(201);

    const frame = await stream.nextOf('appointment.booked');
    expect(JSON.parse(frame.data!)).toEqual({
      tenant: demo.demo,
      kind: 'appointment.booked',
      provider: ids.huda,
      date: '2026-11-29',
      patient: sara,
      purchase: null,
    });
  });

  it("carries only the signed-in user's tenant", async () => {
    const ours = await openStream(desk);
    const theirs = await openStream(await signIn('frontdesk@other.test'));
    await database.db
      .transaction()
      .execute((trx) => publishChange(trx, change(demo.demo, 'for the demo centre')));
    await database.db
      .transaction()
      .execute((trx) => publishChange(trx, change(demo.other, 'for the other clinic')));

    // Each stream's first change is its own tenant's, though the demo centre's came first.
    const first = async (stream: EventStream): Promise<unknown> =>
      JSON.parse((await stream.nextFrame()).data!);
    expect(await first(theirs)).toMatchObject({
      tenant: demo.other,
      purchase: 'for the other clinic',
    });
    expect(await first(ours)).toMatchObject({ tenant: demo.demo, purchase: 'for the demo centre' });
  });

  it('unsubscribes when the client goes away', async () => {
    const before = database.bus.subscriberCount(demo.demo);
    const stream = await openStream(desk);
    expect(database.bus.subscriberCount(demo.demo)).toBe(before + 1);
    await stream.cancel();
    await vi.waitFor(() => expect(database.bus.subscriberCount(demo.demo)).toBe(before));
  });
});

describe('a screen that stops reading', () => {
  it('is dropped rather than buffered for without end', async () => {
    const before = database.bus.subscriberCount(demo.demo);
    await openStream(desk); // and never read
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 150; i++) await publishChange(trx, change(demo.demo, `flood ${i}`));
    });
    await vi.waitFor(() => expect(database.bus.subscriberCount(demo.demo)).toBe(before));
  });
});

describe('heartbeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`sends a \`: ping\` comment every ${HEARTBEAT_MS / 1000} s`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stream = await openStream(desk);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    vi.useRealTimers();
    expect(await stream.nextFrame()).toEqual({
      event: undefined,
      data: undefined,
      comment: 'ping',
      retry: undefined,
    });
  });
});

describe('over real HTTP (@hono/node-server)', () => {
  it('delivers a change at once and lets go of a screen that disconnects', async () => {
    const server = await startServer(database.db, database.bus, () => DEMO_NOW);
    try {
      const before = database.bus.subscriberCount(demo.demo);
      const disconnect = new AbortController();
      const response = await fetch(`${server.url}/events`, {
        headers: {
          cookie: [...desk.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          'accept-encoding': 'gzip, deflate, br',
        },
        signal: disconnect.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(database.bus.subscriberCount(demo.demo)).toBe(before + 1);

      await database.db
        .transaction()
        .execute((trx) => publishChange(trx, change(demo.demo, 'over the wire')));
      const frames = readFrames(response);
      expect((await frames.nextFrame()).retry).toBe('3000');
      const frame = await frames.nextFrame();
      expect(frame.event).toBe('package.assigned');
      expect(JSON.parse(frame.data!)).toMatchObject({ purchase: 'over the wire' });

      disconnect.abort();
      await vi.waitFor(() => expect(database.bus.subscriberCount(demo.demo)).toBe(before));
    } finally {
      await server.close();
    }
  });
});
