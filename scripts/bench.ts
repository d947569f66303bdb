import { readFileSync } from 'node:fs';
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
import { SCALE_ADMIN_EMAIL } from '../src/db/seed/scale.js';
import { addDays } from '../src/domain/dates.js';
import { silentBus } from '../src/events/bus.js';
import { QueryCounter } from '../src/db/query-counter.js';
import {
  assignRequest,
  bookingRequests,
  describeDatabase,
  freeHours,
  freePort,
  loadFixture,
  login,
  paymentRequests,
  removeBenchRows,
  seriesRequests,
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
 * floor route: Hono plus `select 1` on the same pool. Queries per request and the bytes sent
 * (gzipped from 1 KiB on, as a browser gets them) come from one in-process request per route,
 * counted on the Kysely instance. `--workers 1,2` runs everything again with two server
 * processes sharing the port (node:cluster, as `npm run start:cluster`).
 */

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', multiple: true },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string' },
    /** Server processes to measure, e.g. "1,2": each count gets its own run of every route. */
    workers: { type: 'string', default: '1' },
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
const workerCounts = values.workers.split(',').map(Number);

interface Route {
  name: string;
  method: 'GET' | 'POST';
  next: NextRequest;
  /** The SPEC §6 bound on p99, in ms. */
  p99Target?: number;
  /** The status every request should get (default: any 2xx). */
  status?: number;
  /** Reports are for administrators; everything else runs as the front desk. */
  admin?: boolean;
}

interface Row {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  failed: number;
  bytes: number;
  queries: number;
  /** The server process's CPU time per request (user + system), µs; one process only. */
  cpuMicros: number | null;
  p99Target?: number;
}

async function benchDatabase(
  db: Database,
  url: string,
  fixture: Fixture,
  workers: number,
): Promise<Row[]> {
  const port = await freePort();
  const profile = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir=scratch/profiles'] : [];
  const env = { ...databaseEnv(url), BENCH_WORKERS: String(workers) };
  const server = await startServer(env, port, profile);
  try {
    const origin = `http://127.0.0.1:${port}`;
    const desk = await login(origin);
    const admin = await login(origin, SCALE_ADMIN_EMAIL);
    const hours = freeHours(fixture);
    const routes = hotRoutes(fixture);
    const selected = values.only
      ? routes.filter((r) => values.only!.split(',').includes(r.name))
      : routes;
    const rows: Row[] = [];
    for (const route of selected) {
      const session = route.admin ? admin : desk;
      if (route.name === 'book') route.next = await bookingRequests(db, fixture, hours);
      if (route.name === 'series') route.next = await seriesRequests(db, fixture, hours);
      if (route.name === 'payment') route.next = await paymentRequests(db, fixture);
      if (values.explain) {
        await explainRoute(db, session, route);
        continue;
      }
      const counted = await countInProcess(db, session, route);
      await drive(origin, session, route, warmup);
      const cpuBefore = workers === 1 ? processCpuSeconds(server.pid!) : null;
      const result = await drive(origin, session, route, duration);
      const cpuMicros =
        cpuBefore === null
          ? null
          : ((processCpuSeconds(server.pid!) - cpuBefore) / result.requests.total) * 1e6;
      rows.push({
        route: route.name,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        failed: result.refused + result.errors + result.timeouts,
        bytes: counted.bytes,
        queries: counted.queries,
        cpuMicros,
        p99Target: route.p99Target,
      });
      const row = rows.at(-1)!;
      const cpu = cpuMicros === null ? '' : `  ${cpuMicros.toFixed(0)} µs CPU/req`;
      console.log(
        `  ${route.name.padEnd(22)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms${cpu}  ${row.failed} failed`,
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
      // Signed in, refused by validation before any query: what the middleware alone cost.
      name: 'pipeline (400)',
      method: 'GET',
      status: 400,
      next: () => ({ path: '/appointments/api/packages-for-patient/?patient=bad' }),
    },
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
    {
      name: 'purchase',
      method: 'GET',
      next: (n) => ({ path: `/appointments/api/purchases/${pick(f.readers, n).purchaseId}/` }),
    },
    // Filled in by bookingRequests, seriesRequests and paymentRequests, from the purchases the
    // assign run made.
    { name: 'book', method: 'POST', next: () => ({ path: '/appointments/api/book/' }) },
    { name: 'series', method: 'POST', next: () => ({ path: '/appointments/api/series/' }) },
    { name: 'payment', method: 'POST', next: () => ({ path: '/appointments/api/purchases/' }) },
    {
      name: 'report (sales)',
      method: 'GET',
      admin: true,
      next: () => ({ path: '/reports/sales?range=this-month' }),
    },
  ];
}

/**
 * The CPU time a process has used (user + system, /proc/<pid>/stat fields 14 and 15, in clock
 * ticks of 1/100 s): the server's own cost per request, which other work on the machine does
 * not change the way it changes req/s.
 */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Field 14 of the whole line is the 12th after the command's closing parenthesis.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function headersFor(session: Session, route: Route): Record<string, string> {
  return {
    cookie: session.cookie,
    'hx-request': 'true',
    // As Chromium sends it: the desks' browsers get gzip, and so does the bench.
    'accept-encoding': 'gzip, deflate, br, zstd',
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
          if (route.status ? status === route.status : status < 300) return;
          const reason = `${status} ${body.slice(0, 120)}`;
          refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
        },
      },
    ],
  });
  for (const [reason, count] of refusals) console.log(`    ${count} × ${reason}`);
  const refused = [...refusals.values()].reduce((sum, count) => sum + count, 0);
  return { ...result, refused };
}

/** One request in this process, on a counting Kysely: queries per request and bytes. */
async function countInProcess(db: Database, session: Session, route: Route) {
  if (route.name.startsWith('floor')) return { queries: 1, bytes: 'ok'.length };
  // Sessions are looked up once, then cached (src/auth/session-cache.ts): count what a request
  // runs under load, with its session already known.
  const page: Route = { name: 'home page', method: 'GET', next: () => ({ path: '/' }) };
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
  const expected = route.status ? response.status === route.status : response.ok;
  if (!expected) throw new Error(`${route.name}: ${response.status} in process`);
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

/**
 * One table per database: the first worker count's run in full, then req/s and p99 of each
 * further count. Every ratio is to the first run's floor (one process), so they compare.
 */
function printTable(label: string, runs: { workers: number; rows: Row[] }[]): void {
  const [first, ...more] = runs;
  if (!first) return;
  const floor = first.rows.find((row) => row.route === 'floor');
  const ratio = (rps: number) => (floor ? `${((rps / floor.rps) * 100).toFixed(0)} %` : '');
  const processes = (workers: number) => `${workers} process${workers > 1 ? 'es' : ''}`;
  console.log(
    `\n${label} — ${connections} connections, ${duration} s each, ${statements}, ${processes(first.workers)}`,
  );
  const extra = more.map(
    ({ workers }) => ` req/s ×${workers} | p99 ×${workers} | vs floor ×${workers} |`,
  );
  console.log(
    `| route | req/s | p50 ms | p99 ms | p99 target | vs floor | server CPU µs/req | bytes sent | queries | non-2xx |${extra.join('')}`,
  );
  console.log(
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|${'---:|---:|---:|'.repeat(more.length)}`,
  );
  for (const row of first.rows) {
    const target = row.p99Target
      ? `≤ ${row.p99Target}${row.p99 <= row.p99Target ? ' ✓' : ' ✗'}`
      : '';
    const others = more.map(({ rows }) => {
      const other = rows.find((candidate) => candidate.route === row.route);
      return other ? ` ${other.rps.toFixed(0)} | ${other.p99} | ${ratio(other.rps)} |` : ' | | |';
    });
    console.log(
      `| ${row.route} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${target} | ${ratio(row.rps)} | ${row.cpuMicros?.toFixed(0) ?? ''} | ${row.bytes} | ${row.queries} | ${row.failed} |${others.join('')}`,
    );
  }
}

const tables: { label: string; runs: { workers: number; rows: Row[] }[] }[] = [];
for (const url of databaseUrls) {
  const db = connectPostgres(url, 2);
  try {
    const label = await describeDatabase(db, url);
    const runs: { workers: number; rows: Row[] }[] = [];
    for (const workers of workerCounts) {
      // An interrupted run leaves its rows behind: remove them before picking the fixture's ids
      // (and the hours book and series take).
      await removeBenchRows(db, url);
      const fixture = await loadFixture(db);
      console.log(`\n${label}, ${workers} server process${workers > 1 ? 'es' : ''}`);
      runs.push({ workers, rows: await benchDatabase(db, url, fixture, workers) });
    }
    await removeBenchRows(db, url);
    tables.push({ label, runs });
  } finally {
    await db.destroy();
  }
}
if (!values.explain) for (const { label, runs } of tables) printTable(label, runs);
