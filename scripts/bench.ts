import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type RootOperationNode,
} from 'kysely';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { connectPostgres, type Database } from '../src/db/client.js';
import { addDays } from '../src/domain/dates.js';
import { silentBus } from '../src/events/bus.js';
import { QueryCounter } from '../src/db/query-counter.js';
import {
  assignRequest,
  bookingRequests,
  describeDatabase,
  freePort,
  loadFixture,
  login,
  removeBenchRows,
  startServer,
  stopChild,
  workdays,
  type Fixture,
  type NextRequest,
  type Session,
} from './bench-support.js';

/**
 * `npm run bench`: SPEC §6 measured. For each scale database (seeded by `npm run seed:scale`)
 * the app is started in a child process, so that autocannon does not share the server's event
 * loop (it competes for the same two cores, as any client on this machine would), signed into
 * through the real login form, and each hot request is driven at 32 connections next to the
 * floor route: Hono plus `select 1` on the same pool. Queries per request and response bytes
 * come from one in-process request per route, counted on the Kysely instance.
 */

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', multiple: true },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    /** Print EXPLAIN (ANALYZE, BUFFERS) of each route's statements instead of loading them. */
    explain: { type: 'boolean', default: false },
    /** A transaction-mode PgBouncer in front of the server: the app's queries go through it. */
    'pooler-url': { type: 'string' },
  },
});
const SERVER = 'postgres://postgres@127.0.0.1:5432';
const databaseUrls = values['database-url'] ?? [
  `${SERVER}/raseed_scale_10k`,
  `${SERVER}/raseed_scale`,
];
/**
 * How the server's pool sends its statements: named (prepared once per connection), or unnamed
 * as behind a transaction pooler — with DATABASE_POOLER=transaction in the bench's environment
 * straight to PostgreSQL (the cost of unnamed statements alone), with --pooler-url through it.
 */
const unnamed = process.env.DATABASE_POOLER === 'transaction' || values['pooler-url'] !== undefined;
const statements = values['pooler-url']
  ? `unnamed statements, through the pooler at ${values['pooler-url']}`
  : unnamed
    ? 'unnamed statements (DATABASE_POOLER=transaction)'
    : 'named statements';
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);

interface Route {
  name: string;
  method: 'GET' | 'POST';
  next: NextRequest;
  /** The SPEC §6 bound on p99, in ms. */
  p99Target?: number;
}

interface Row {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  bytes: number;
  queries: number;
  p99Target?: number;
}

async function benchDatabase(db: Database, url: string, fixture: Fixture): Promise<Row[]> {
  const port = await freePort();
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir=scratch/profiles'] : [];
  const server = await startServer(databaseEnv(url), port, profile);
  try {
    const origin = `http://127.0.0.1:${port}`;
    const session = await login(origin);
    const routes = hotRoutes(fixture);
    const selected = values.only
      ? routes.filter((r) => values.only!.split(',').includes(r.name))
      : routes;
    const rows: Row[] = [];
    for (const route of selected) {
      if (route.name === 'book') route.next = await bookingRequests(db, fixture);
      if (values.explain) {
        await explainRoute(db, session, route);
        continue;
      }
      const counted = await countInProcess(db, session, route);
      await drive(origin, session, route, warmup);
      const result = await drive(origin, session, route, duration);
      rows.push({
        route: route.name,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        ok: result['2xx'],
        failed: result.non2xx + result.errors + result.timeouts,
        bytes: counted.bytes,
        queries: counted.queries,
        p99Target: route.p99Target,
      });
      const row = rows.at(-1)!;
      console.log(
        `  ${route.name.padEnd(22)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  ${row.failed} failed`,
      );
    }
    return rows;
  } finally {
    await stopChild(server);
  }
}

function hotRoutes(f: Fixture): Route[] {
  const pick = <T>(list: T[], n: number): T => list[n % list.length]!;
  const slotDates = workdays(addDays(f.today, 1), 40);
  const slotDate = (n: number) => pick(slotDates, n);
  return [
    { name: 'floor', method: 'GET', next: () => ({ path: '/bench/floor' }) },
    {
      name: 'package modal',
      method: 'GET',
      p99Target: 25,
      next: (n) => ({
        path: `/appointments/new/package-modal?patient_id=${pick(f.readers, n).patientId}`,
      }),
    },
    {
      name: 'packages-for-patient',
      method: 'GET',
      next: (n) => ({
        path: `/appointments/api/packages-for-patient/?patient=${pick(f.readers, n).patientId}`,
      }),
    },
    {
      name: 'package-clinics',
      method: 'GET',
      p99Target: 15,
      next: (n) => ({
        path: `/appointments/api/package-clinics/?package_purchase_id=${pick(f.readers, n).purchaseId}`,
      }),
    },
    {
      name: 'providers',
      method: 'GET',
      next: (n) => ({ path: `/appointments/api/providers/?clinic_id=${pick(f.clinicIds, n)}` }),
    },
    {
      name: 'slots',
      method: 'GET',
      p99Target: 25,
      next: (n) => {
        const reader = pick(f.readers, n);
        const query = `provider_id=${reader.providerId}&date=${slotDate(n)}&duration=45&patient_id=${reader.patientId}`;
        return { path: `/appointments/api/slots/?${query}` };
      },
    },
    {
      name: 'assign',
      method: 'POST',
      p99Target: 40,
      next: (n) => assignRequest(f, n),
    },
    // Filled in by bookingRequests, from the purchases the assign run made.
    { name: 'book', method: 'POST', next: () => ({ path: '/appointments/api/book/' }) },
  ];
}

function headersFor(session: Session, route: Route): Record<string, string> {
  return {
    cookie: session.cookie,
    'hx-request': 'true',
    ...(route.method === 'POST' && {
      'content-type': 'application/json',
      'x-csrftoken': session.csrfToken,
    }),
  };
}

async function drive(origin: string, session: Session, route: Route, seconds: number) {
  let n = 0;
  const headers = { ...headersFor(session, route), origin };
  const refusals = new Map<string, number>();
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    requests: [
      {
        method: route.method,
        setupRequest: (request) => {
          const { path, body } = route.next(n++);
          return { ...request, path, headers, body: body ? JSON.stringify(body) : undefined };
        },
        onResponse: (status, body) => {
          if (status < 300) return;
          const reason = `${status} ${body.slice(0, 120)}`;
          refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
        },
      },
    ],
  });
  for (const [reason, count] of refusals) console.log(`    ${count} × ${reason}`);
  return result;
}

/** One request in this process, on a counting Kysely: queries per request and bytes. */
async function countInProcess(db: Database, session: Session, route: Route) {
  if (route.name.startsWith('floor')) return { queries: 1, bytes: 'ok'.length };
  // Sessions are looked up once, then cached (src/auth/session-cache.ts): count what a request
  // runs under load, with its session already known.
  const page: Route = {
    name: 'booking page',
    method: 'GET',
    next: () => ({ path: '/appointments/new' }),
  };
  // One app: its session cache (per instance) warmed by the page, then the route counted.
  const counter = new QueryCounter();
  const app = inProcessApp(db.withPlugin(counter));
  await requestInProcess(app, session, page);
  counter.count = 0;
  const response = await requestInProcess(app, session, route);
  return { queries: counter.count, bytes: (await response.arrayBuffer()).byteLength };
}

function inProcessApp(db: Database) {
  return createApp({ db, clock: () => new Date(), bus: silentBus });
}

async function requestInProcess(app: ReturnType<typeof createApp>, session: Session, route: Route) {
  const { path, body } = route.next(0);
  const response = await app.request(`http://127.0.0.1${path}`, {
    method: route.method,
    headers: { ...headersFor(session, route), origin: 'http://127.0.0.1' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${route.name}: ${response.status} in process`);
  return response;
}

/**
 * Records the statements a request runs (the executed ones: Kysely also passes subqueries
 * through transformQuery), compiled as they were sent.
 */
class StatementRecorder implements KyselyPlugin {
  readonly statements: CompiledQuery[] = [];
  private readonly nodes = new Map<QueryId, RootOperationNode>();

  constructor(private readonly db: Database) {}

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    this.nodes.set(queryId, node);
    return node;
  }

  transformResult({ queryId, result }: PluginTransformResultArgs) {
    const node = this.nodes.get(queryId);
    if (node) this.statements.push(this.db.getExecutor().compileQuery(node, queryId));
    return Promise.resolve(result);
  }
}

/**
 * Each statement prepared again and explained as the pool runs it (plan_cache_mode is
 * force_generic_plan there, so this shows the generic plan): reads under EXPLAIN ANALYZE,
 * writes (the request already did them) under plain EXPLAIN.
 */
async function explainRoute(db: Database, session: Session, route: Route): Promise<void> {
  if (route.name === 'floor') return;
  const recorder = new StatementRecorder(db);
  await requestInProcess(inProcessApp(db.withPlugin(recorder)), session, route);
  console.log(`\n### ${route.name}\n`);
  for (const [index, statement] of recorder.statements.entries()) {
    if (index === 0 && route.name !== 'package modal') continue; // the session, shown once
    // A WITH whose CTEs insert, update or delete is a write (assign and book are one each).
    const writes = /\bfor update\b|\binsert into\b|\bupdate \S+ set\b|\bdelete from\b/i;
    const reads = /^\s*(select|with)\b/i.test(statement.sql) && !writes.test(statement.sql);
    const explain = reads ? 'explain (analyze, buffers)' : 'explain';
    const values = statement.parameters.map(literal);
    const args = values.length ? `(${values.join(', ')})` : '';
    const rows = await db.connection().execute(async (connection) => {
      const run = (text: string, parameters: unknown[] = []) =>
        connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(text, parameters));
      await run(`prepare bench_explain as ${statement.sql}`);
      try {
        return (await run(`${explain} execute bench_explain${args}`)).rows;
      } finally {
        await run('deallocate bench_explain');
      }
    });
    console.log('```sql');
    console.log(statement.sql.replace(/\s+/g, ' ').trim());
    console.log('```\n```');
    for (const row of rows) console.log(row['QUERY PLAN']);
    console.log('```');
  }
}

/** EXECUTE takes its arguments as SQL, not as bound parameters. */
function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (typeof value === 'string') return pg.escapeLiteral(value);
  throw new Error(`No SQL literal for ${typeof value}.`);
}

/** The server's database settings for `url`, as README's configuration documents them. */
function databaseEnv(url: string): NodeJS.ProcessEnv {
  if (!unnamed) return { DATABASE_URL: url, LISTEN_DATABASE_URL: '', DATABASE_POOLER: '' };
  let databaseUrl = url;
  if (values['pooler-url']) {
    const pooled = new URL(values['pooler-url']);
    pooled.pathname = new URL(url).pathname;
    databaseUrl = pooled.toString();
  }
  return { DATABASE_URL: databaseUrl, LISTEN_DATABASE_URL: url, DATABASE_POOLER: 'transaction' };
}

function printTable(label: string, rows: Row[]): void {
  const floor = rows.find((row) => row.route.startsWith('floor'));
  console.log(`\n${label} — ${connections} connections, ${duration} s each, ${statements}`);
  console.log(
    '| route | req/s | p50 ms | p99 ms | p99 target | vs floor | bytes | queries | non-2xx |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ratio = floor ? `${((row.rps / floor.rps) * 100).toFixed(0)} %` : '';
    const target = row.p99Target
      ? `≤ ${row.p99Target}${row.p99 <= row.p99Target ? ' ✓' : ' ✗'}`
      : '';
    console.log(
      `| ${row.route} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${target} | ${ratio} | ${row.bytes} | ${row.queries} | ${row.failed} |`,
    );
  }
}

const rowsBySize: { label: string; rows: Row[] }[] = [];
for (const url of databaseUrls) {
  const db = connectPostgres(url, 2);
  try {
    // An interrupted run leaves its rows behind: remove them before picking the fixture's ids.
    await removeBenchRows(db, url);
    const fixture = await loadFixture(db);
    const label = await describeDatabase(db, url);
    console.log(`\n${label}`);
    rowsBySize.push({ label, rows: await benchDatabase(db, url, fixture) });
    await removeBenchRows(db, url);
  } finally {
    await db.destroy();
  }
}
if (!values.explain) for (const { label, rows } of rowsBySize) printTable(label, rows);
