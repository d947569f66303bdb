import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  Kysely,
  PostgresDialect,
  type Transaction,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabasePooler, DatabaseSettings } from '../env.js';
import { listenPglite, listenPostgres, type EventBus } from '../events/bus.js';
import type { DB } from './schema.js';

/** The database or a transaction on it: what a query function that reads, or writes one statement, takes. */
export type Database = Kysely<DB>;

/**
 * An open transaction: what a function that writes several statements, or takes a lock held
 * until commit, takes. Its caller (a route, or a module in src/services/) opens it, once per
 * request; the plain database does not type-check here, so no such function runs without one.
 */
export type DbTransaction = Transaction<DB>;

/** What the server needs: the database and the bus its changes arrive on. */
export interface Connection {
  db: Database;
  bus: EventBus;
}

const DATE_OID = 1082;
const INT8_OID = 20;

/**
 * Both drivers return the same JavaScript types: `date` as 'YYYY-MM-DD' strings (pg would
 * otherwise build a Date at server-local midnight), `numeric` as strings (money is converted
 * once at the edge), `bigint` as numbers, `timestamptz` as Date.
 */
const keepDateAsString = (value: string) => value;

/**
 * A pool of `maxConnections`. `pooler: 'transaction'` (a transaction-mode PgBouncer at
 * `connectionString`): statements go unnamed, each parsed and planned where it runs, and no
 * startup `options` are sent (PgBouncer 1.18 refuses the connection for them).
 */
export function connectPostgres(
  connectionString: string,
  maxConnections = 10,
  { pooler }: { pooler?: DatabasePooler } = {},
): Database {
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    // A database that drops packets instead of refusing them would hold requests forever:
    // after this long waiting for a connection, the request answers 503 (db/errors.ts).
    connectionTimeoutMillis: 5_000,
    // Statements are prepared (below) and every one is an index lookup by tenant and id: plan
    // them once. In the default mode PostgreSQL keeps re-planning those whose generic plan it
    // estimates dearer (ranges, IN lists), which is where the time goes (docs/performance.md).
    // Unnamed statements run once each: a plan made with their values is the better one.
    options: pooler ? undefined : '-c plan_cache_mode=force_generic_plan',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return keepDateAsString;
        if (oid === INT8_OID) return Number;
        return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection can die (server restart, pg_terminate_backend): the pool drops it and
  // opens another on demand. Without a listener that error would end the process.
  pool.on('error', (error) => console.error('PostgreSQL: idle connection lost:', error.message));
  // pg's own pool sends every query unnamed.
  const dialectPool = pooler ? pool : preparingStatements(pool);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: dialectPool }) });
}

const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * The name under which a statement is prepared, derived from its text (the same text, the same
 * name, on every connection); none for DDL and other utility statements, which are run once.
 */
export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && PREPARABLE.test(text)) {
    name = `k_${createHash('sha1').update(text).digest('base64url')}`;
    // The app has a few hundred query shapes; the bound only guards against a runaway one.
    if (statementNames.size >= MAX_REMEMBERED_NAMES) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** Names already derived, by statement text: hashing every statement again costs CPU. */
const statementNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 2000;

/**
 * `pg` prepares a named statement once per connection and PostgreSQL then reuses its plan;
 * on this hardware planning costs more than running the hot queries (docs/performance.md).
 * So every statement Kysely compiles goes out with a name: the SQL text is fixed per query
 * shape and the values travel as parameters.
 */
function preparingStatements(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => new PreparingClient(await pool.connect()),
    end: () => pool.end(),
  };
}

class PreparingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(text: string, values: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    textOrCursor: string | PostgresCursor<R>,
    values?: readonly unknown[],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Kysely streams through a cursor only when the dialect is given a cursor class: never here.
    if (typeof textOrCursor !== 'string') throw new Error('Streaming is not configured.');
    const name = statementName(textOrCursor);
    // pg's result is the one Kysely's own PostgresDialect reads, with `rows` typed loosely.
    const result = this.client.query({ text: textOrCursor, values: values as unknown[], name });
    return result as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}

/** PGlite keeps its files in `dataDir`; without one it lives in memory (tests). */
export function connectPglite(dataDir?: string): Database {
  return openPglite(dataDir).db;
}

/**
 * PGlite and the bus on its own LISTEN/NOTIFY (close the bus before the database).
 * `loadDataDir`: a tarball from `dumpDataDir()` to start from (tests' migrated template).
 */
export function connectPgliteWithEvents(dataDir?: string, loadDataDir?: Blob): Connection {
  const { db, pglite } = openPglite(dataDir, loadDataDir);
  return { db, bus: listenPglite(pglite) };
}

export function openPglite(dataDir: string | undefined, loadDataDir?: Blob) {
  // PGlite creates its own folder but not the parents (data/ is not in git).
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite({
    dataDir,
    loadDataDir,
    extensions: { btree_gist, pg_trgm },
    parsers: { [DATE_OID]: keepDateAsString, [INT8_OID]: Number },
  });
  return { db: new Kysely<DB>({ dialect: new PGliteDialect(pglite) }), pglite };
}

interface ConnectOptions extends DatabaseSettings {
  pgliteDir?: string;
}

/**
 * The database alone, for one-shot commands (migrate, seed): on PostgreSQL itself
 * (LISTEN_DATABASE_URL when set), so their migrations never pass through a pooler.
 */
export function connect(options: ConnectOptions): Database {
  const directUrl = options.listenDatabaseUrl ?? options.databaseUrl;
  return directUrl ? connectPostgres(directUrl) : connectPglite(options.pgliteDir);
}

/**
 * For a server: its pool at DATABASE_URL (a pooler, perhaps) and, on PostgreSQL, one more
 * connection for the bus's LISTEN, on PostgreSQL itself.
 */
export function connectWithEvents(options: ConnectOptions): Connection {
  const { databaseUrl, listenDatabaseUrl, pooler } = options;
  if (!databaseUrl) return connectPgliteWithEvents(options.pgliteDir);
  return {
    db: connectPostgres(databaseUrl, 10, { pooler }),
    bus: listenPostgres(listenDatabaseUrl ?? databaseUrl),
  };
}
