import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createSession, generateSessionToken, sessionIdFromToken } from '../src/auth/session.js';
import { connectPostgres, type Database } from '../src/db/client.js';
import { SCALE_FRONT_DESK_EMAIL } from '../src/db/seed/scale.js';
import type { ClientCommand, ClientReport } from './bench-streams-client.js';
import {
  assignRequest,
  bookingRequests,
  freeHours,
  describeDatabase,
  freePort,
  loadFixture,
  login,
  removeBenchRows,
  startServer,
  stopChild,
  type Fixture,
  type NextRequest,
  type Session,
} from './bench-support.js';

/**
 * `npm run bench:streams`: what open event streams cost a booking, measured from outside. The
 * app runs as `npm run bench` starts it (scripts/bench-server.ts, its own process, on
 * PostgreSQL); another process (scripts/bench-streams-client.ts) holds N signed-in
 * `GET /events` streams on loopback; this one books at a steady pace and times each booking's
 * answer and the moment each stream hears of it. First without streams, as the baseline.
 */

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: 'postgres://postgres@127.0.0.1:5432/raseed_scale_10k',
    },
    /** Open streams per round, comma-separated; a round without streams comes first. */
    streams: { type: 'string', default: '1000,5000,10000' },
    /** A round lasts bookings × interval: 60 × 250 ms covers every stream's first heartbeat. */
    bookings: { type: 'string', default: '60' },
    /** Between the starts of two bookings, in ms. */
    interval: { type: 'string', default: '250' },
    /** How long the last booking's streams are waited for, in ms. */
    settle: { type: 'string', default: '5000' },
    /** How long opening a round's streams may take, in ms. */
    'open-timeout': { type: 'string', default: '120000' },
  },
});
const url = values['database-url'];
const rounds = [0, ...values.streams.split(',').map(Number)];
const bookingsPerRound = Number(values.bookings);
const intervalMs = Number(values.interval);
const settleMs = Number(values.settle);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, Math.max(ms, 0)));

interface Booking {
  purchase: string;
  sentAt: number;
  latency: number;
  status: number;
}

interface RoundResult {
  streams: number;
  opened: number;
  openMs: number;
  bookings: Booking[];
  /** Each stream's delay from the booking's request to its frame, over all bookings. */
  delays: number[];
  /** Expected (stream, booking) frames that did not arrive. */
  missed: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Signed-in sessions of the scale front desk, as the login form makes them. */
async function createSessions(db: Database, count: number): Promise<string[]> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'tenant_id'])
    .where('email', '=', SCALE_FRONT_DESK_EMAIL)
    .executeTakeFirstOrThrow();
  const tokens = Array.from({ length: count }, generateSessionToken);
  for (let i = 0; i < tokens.length; i += 200) {
    await Promise.all(
      tokens
        .slice(i, i + 200)
        .map((token) =>
          createSession(db, token, { tenantId: user.tenant_id, userId: user.id }, new Date()),
        ),
    );
  }
  return tokens;
}

async function removeSessions(db: Database, tokens: string[]): Promise<void> {
  for (let i = 0; i < tokens.length; i += 1000) {
    const ids = tokens.slice(i, i + 1000).map(sessionIdFromToken);
    await db.deleteFrom('sessions').where('id', 'in', ids).execute();
  }
}

/** Purchases for every booking of every round, assigned through the API before any stream opens. */
async function assignPurchases(origin: string, session: Session, f: Fixture, count: number) {
  for (let n = 0; n < count; n++) {
    const { path, body } = assignRequest(f, n);
    const response = await post(origin, session, path, body);
    if (!response.ok) throw new Error(`assign: ${response.status} ${await response.text()}`);
  }
}

function post(origin: string, session: Session, path: string, body: unknown) {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: {
      cookie: session.cookie,
      origin,
      'content-type': 'application/json',
      'x-csrftoken': session.csrfToken,
    },
    body: JSON.stringify(body),
  });
}

function startClient(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-streams-client.ts'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function ask<T extends ClientReport['type']>(
  client: ChildProcess,
  command: ClientCommand,
  answer: T,
): Promise<Extract<ClientReport, { type: T }>> {
  const reply = new Promise<Extract<ClientReport, { type: T }>>((resolve, reject) => {
    const onMessage = (message: ClientReport) => {
      if (message.type !== answer) return;
      client.off('message', onMessage);
      resolve(message as Extract<ClientReport, { type: T }>);
    };
    client.on('message', onMessage);
    client.once('exit', (code) => reject(new Error(`The stream client stopped (${code}).`)));
  });
  client.send(command);
  return reply;
}

/** Bookings at a steady pace, each timed from its request to its answer. */
async function book(
  origin: string,
  session: Session,
  next: NextRequest,
  first: number,
): Promise<Booking[]> {
  const bookings: Booking[] = [];
  for (let k = 0; k < bookingsPerRound; k++) {
    const { path, body } = next(first + k);
    const sentAt = now();
    const response = await post(origin, session, path, body);
    await response.arrayBuffer();
    const latency = now() - sentAt;
    const purchase = (body as { package_purchase_id: string }).package_purchase_id;
    bookings.push({ purchase, sentAt, latency, status: response.status });
    await sleep(sentAt + intervalMs - now());
  }
  return bookings;
}

async function round(
  origin: string,
  port: number,
  session: Session,
  next: NextRequest,
  tokens: string[],
  index: number,
): Promise<RoundResult> {
  const streams = rounds[index]!;
  const first = index * bookingsPerRound;
  if (streams === 0) {
    const bookings = await book(origin, session, next, first);
    return { streams, opened: 0, openMs: 0, bookings, delays: [], missed: 0 };
  }
  const client = startClient();
  try {
    const opening = await ask(
      client,
      {
        type: 'open',
        port,
        tokens: tokens.slice(0, streams),
        timeoutMs: Number(values['open-timeout']),
      },
      'opened',
    );
    if (opening.failed > 0) console.log(`  ${opening.failed} streams did not open`);
    const bookings = await book(origin, session, next, first);
    const booked = bookings.filter((b) => b.status === 201);
    const heard = await ask(
      client,
      { type: 'await', purchases: booked.map((b) => b.purchase), timeoutMs: settleMs },
      'heard',
    );
    const delays: number[] = [];
    let missed = 0;
    for (const booking of booked) {
      const arrivals = heard.arrivals[booking.purchase] ?? [];
      for (const at of arrivals) delays.push(at - booking.sentAt);
      missed += Math.max(opening.opened - heard.ended - arrivals.length, 0);
    }
    if (heard.ended > 0) console.log(`  ${heard.ended} streams ended during the round`);
    return { streams, opened: opening.opened, openMs: opening.ms, bookings, delays, missed };
  } finally {
    if (client.connected) client.send({ type: 'close' } satisfies ClientCommand);
    await stopChild(client);
  }
}

function printRow(result: RoundResult): void {
  const latencies = result.bookings.map((b) => b.latency).sort((a, b) => a - b);
  const delays = result.delays.sort((a, b) => a - b);
  const refused = result.bookings.filter((b) => b.status !== 201).length;
  const ms = (value: number) => (Number.isNaN(value) ? '' : value.toFixed(0));
  console.log(
    `| ${result.streams} | ${result.bookings.length - refused} | ${ms(percentile(latencies, 50))} | ` +
      `${ms(percentile(latencies, 99))} | ${ms(percentile(delays, 50))} | ${ms(percentile(delays, 99))} | ` +
      `${ms(delays.at(-1) ?? NaN)} | ${result.missed} | ${refused} |`,
  );
}

const db = connectPostgres(url, 4);
const results: RoundResult[] = [];
let tokens: string[] = [];
try {
  await removeBenchRows(db, url);
  const fixture = await loadFixture(db);
  console.log(await describeDatabase(db, url));
  const port = await freePort();
  const server = await startServer({ DATABASE_URL: url }, port);
  try {
    const origin = `http://127.0.0.1:${port}`;
    const session = await login(origin);
    await assignPurchases(origin, session, fixture, rounds.length * bookingsPerRound);
    const next = await bookingRequests(db, fixture, freeHours(fixture));
    tokens = await createSessions(db, Math.max(...rounds));
    for (let index = 0; index < rounds.length; index++) {
      const result = await round(origin, port, session, next, tokens, index);
      const opened = result.streams
        ? ` (${result.opened} opened in ${(result.openMs / 1000).toFixed(1)} s)`
        : '';
      console.log(`  ${result.streams} streams${opened}: done`);
      results.push(result);
    }
  } finally {
    await stopChild(server);
  }
} finally {
  await removeSessions(db, tokens);
  await removeBenchRows(db, url);
  await db.destroy();
}

console.log(
  `\n${bookingsPerRound} bookings a round, one every ${intervalMs} ms; "heard": from the booking's request to each stream's frame`,
);
console.log(
  '| streams | bookings | booking p50 ms | booking p99 ms | heard p50 ms | heard p99 ms | heard max ms | missed | non-201 |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const result of results) printRow(result);
