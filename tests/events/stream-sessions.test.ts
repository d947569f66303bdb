import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_LIFETIME_MS } from '../../src/auth/session.js';
import type { Role } from '../../src/db/schema.js';
import { listenPostgres, publishChange, type EventBus } from '../../src/events/bus.js';
import {
  HEARTBEAT_MS,
  MAX_STREAMS_PER_SESSION,
  REPLACED_RETRY_MS,
} from '../../src/routes/events.js';
import { SESSION_ENDED_EVENT } from '../../src/views/live.js';
import { createTestApp, resumableBus, TestClock } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTenant, createUser, TEST_PASSWORD } from '../support/factories.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';
import { change } from './changes.js';
import { openEventStream, type EventStream } from './frames.js';

/**
 * Streams are held by instance B; users, sessions and passwords change through instance A (on
 * PostgreSQL each instance has its own LISTEN connection, on PGlite they share the one bus).
 */
let database: TestDatabase;
let busB: EventBus;
let tenantId: string;
let adminEmail: string;
const clock = new TestClock();
let instanceA: ReturnType<typeof createTestApp>['app'];
let instanceB: ReturnType<typeof createTestApp>['app'];

beforeAll(async () => {
  database = await createTestDatabase();
  busB = onRealPostgres ? listenPostgres(database.url!) : database.bus;
  await busB.ready();
  instanceA = createTestApp(database.db, clock, database.bus).app;
  instanceB = createTestApp(database.db, clock, busB).app;
  tenantId = (await createTenant(database.db)).id;
  adminEmail = (await createUser(database.db, tenantId, { role: 'ADMIN' })).email;
});
afterAll(async () => {
  if (busB !== database.bus) await busB?.close();
  await database?.close();
});

const streams: EventStream[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const stream of streams.splice(0)) await stream.cancel().catch(() => {});
});

async function signIn(app: typeof instanceA, email: string) {
  const client = new TestClient(app);
  await client.login(email, TEST_PASSWORD);
  return client;
}

/** A user signed in (on A), with a stream open on B under the same session. */
async function watching(role: Role = 'FRONT_DESK') {
  const user = await createUser(database.db, tenantId, { role });
  const onA = await signIn(instanceA, user.email);
  const onB = new TestClient(instanceB);
  for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
  return { user, onA, onB, stream: await openStream(onB) };
}

async function openStream(client: TestClient) {
  const stream = await openEventStream(client);
  streams.push(stream);
  return stream;
}

async function publish(label: string) {
  await database.db.transaction().execute((trx) => publishChange(trx, change(tenantId, label)));
}

/** Still open: it hears a change published now (past the ones it heard before). */
async function stillHears(stream: EventStream) {
  const label = `still there ${crypto.randomUUID()}`;
  await publish(label);
  for (;;) {
    const frame = await stream.nextOf('package.assigned');
    if ((JSON.parse(frame.data!) as { purchase: string }).purchase === label) return;
  }
}

/** The stream ends with the frame that tells its browser not to reconnect (sse-close). */
async function endsForGood(stream: EventStream) {
  const last = (await stream.untilEnd()).at(-1);
  expect(last?.event).toBe(SESSION_ENDED_EVENT);
}

describe('an open stream ends with its session, whichever instance ends it', () => {
  it('at sign-out', async () => {
    const { onA, stream } = await watching();
    expect((await onA.request('/logout', { form: {} })).status).toBe(303);
    await endsForGood(stream);
  });

  it("when an admin deactivates its user, and other users' streams keep running", async () => {
    const { user, stream } = await watching();
    const { stream: bystander } = await watching();
    const admin = await signIn(instanceA, adminEmail);
    const response = await admin.request(`/admin/users/${user.id}/active`, {
      form: { active: 'false' },
    });
    expect(response.status).toBe(303);
    await endsForGood(stream);
    await stillHears(bystander);
  });

  it("when an admin resets its user's password", async () => {
    const { user, stream } = await watching();
    const admin = await signIn(instanceA, adminEmail);
    const response = await admin.request(`/admin/users/${user.id}/password`, {
      form: { password: 'a-fresh-password-1' },
    });
    expect(response.status).toBe(303);
    await endsForGood(stream);
  });
});

describe('streams per session', () => {
  it(`keeps ${MAX_STREAMS_PER_SESSION}: a new one closes the oldest, whose browser waits`, async () => {
    const { onB, stream: oldest } = await watching();
    const newer: EventStream[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) newer.push(await openStream(onB));
    const last = await oldest.untilEnd();
    expect(last.map((frame) => frame.retry)).toEqual([String(REPLACED_RETRY_MS)]);
    await Promise.all(newer.map(stillHears));
  });
});

describe('after the bus was not listening for a while', () => {
  it('ends every stream, whose browser reconnects at once to re-fetch what it missed', async () => {
    const { bus, resume } = resumableBus(database.bus);
    const instanceC = createTestApp(database.db, clock, bus).app;
    const user = await createUser(database.db, tenantId);
    const stream = await openStream(await signIn(instanceC, user.email));
    resume();
    const last = await stream.untilEnd();
    expect(last.map((frame) => frame.retry)).toEqual(['3000']);
  });
});

// Last: it moves the shared clock past every session made so far.
describe('the heartbeat', () => {
  it('ends the stream of a session that has expired since it opened', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { stream } = await watching();
    clock.advance(SESSION_LIFETIME_MS);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    vi.useRealTimers();
    // No ping: the beat found the session expired (a live one's beat: tests/events/stream.test.ts).
    expect(await stream.untilEnd()).toEqual([
      { event: SESSION_ENDED_EVENT, data: '{}', comment: undefined, retry: undefined },
    ]);
  });
});
