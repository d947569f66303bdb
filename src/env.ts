import type { SessionCache } from './auth/session-cache.js';
import type { CatalogueCache } from './db/catalogue-cache.js';
import type { AuthContext } from './auth/session.js';
import type { Database } from './db/client.js';
import type { Locale } from './db/schema.js';
import type { EventBus } from './events/bus.js';

export type Clock = () => Date;

export interface AppDeps {
  db: Database;
  clock: Clock;
  /** Changes committed by any instance, for the open screens of this one (GET /events). */
  bus: EventBus;
  /**
   * How many proxies in front of the app add `X-Forwarded-For` / `X-Forwarded-Proto`
   * (TRUST_PROXY); 0 or unset: those headers are the client's own and are ignored.
   */
  trustedProxies?: number;
  /**
   * Aborted when the server starts to shut down (SIGTERM): open event streams end, so their
   * browsers reconnect to an instance that stays, and /readyz answers 503.
   */
  stopping?: AbortSignal;
}

/**
 * TRUST_PROXY: the number of proxies (load balancer, nginx…) between the clients and the app.
 * Anything but a whole number refuses to start: a typo must not silently trust, or distrust,
 * every client's headers.
 */
export function trustedProxiesFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  if (!/^\d+$/.test(value.trim())) {
    throw new Error(
      `TRUST_PROXY must be the number of proxies in front of Raseed (e.g. 1), not "${value}".`,
    );
  }
  return Number(value);
}

/**
 * What the routes are given: the app's dependencies and this instance's caches of sessions and
 * catalogues.
 */
export interface RouteDeps extends AppDeps {
  sessions: SessionCache;
  catalogues: CatalogueCache;
}

/**
 * Variables every request carries; `auth` is null until someone signs in. `errorTarget`:
 * where an htmx request's error message goes, when not in place of its target.
 */
export interface AppEnv {
  Variables: { client: Client; auth: AuthContext | null; locale: Locale; errorTarget?: string };
}

/** For sub-apps behind `requireAuth()`. */
export interface AuthedEnv {
  Variables: { client: Client; auth: AuthContext; locale: Locale; errorTarget?: string };
}

/** Who is calling, as far as the socket and the trusted proxies tell (routes/request.ts). */
export interface Client {
  /** Null only without a socket (app.request() in tests). */
  ip: string | null;
  https: boolean;
}

/** `transaction`: a transaction-mode pooler (PgBouncer) stands at DATABASE_URL. */
export type DatabasePooler = 'transaction';

/** Where PostgreSQL is: all unset on the embedded PGlite. */
export interface DatabaseSettings {
  /** The app's queries: PostgreSQL, or a pooler in front of it. */
  databaseUrl?: string;
  /**
   * PostgreSQL itself, never a transaction pooler: the event bus's LISTEN (a session of its
   * own), the migrations and the one-shot commands. Unset: DATABASE_URL.
   */
  listenDatabaseUrl?: string;
  /**
   * Set: statements go unnamed, because a transaction pooler hands each transaction whichever
   * server connection is free, and a statement prepared on one is unknown (or already
   * known) on the next.
   */
  pooler?: DatabasePooler;
}

/**
 * DATABASE_URL, LISTEN_DATABASE_URL and DATABASE_POOLER. A combination that would start but
 * misbehave refuses to start instead: a pooler without a direct address for the LISTEN (it
 * would hear changes now and then, not always), or settings for PostgreSQL without it.
 */
export function databaseSettingsFrom(env: NodeJS.ProcessEnv): DatabaseSettings {
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  const listenDatabaseUrl = nonEmpty(env.LISTEN_DATABASE_URL);
  const pooler = nonEmpty(env.DATABASE_POOLER);
  if (pooler !== undefined && pooler !== 'transaction') {
    throw new Error(
      `DATABASE_POOLER must be "transaction" (PgBouncer's pool_mode = transaction) or unset, not "${pooler}".`,
    );
  }
  if (!databaseUrl && (listenDatabaseUrl || pooler)) {
    throw new Error('LISTEN_DATABASE_URL and DATABASE_POOLER need DATABASE_URL (PostgreSQL).');
  }
  if (pooler && !listenDatabaseUrl) {
    throw new Error(
      'DATABASE_POOLER=transaction needs LISTEN_DATABASE_URL: PostgreSQL itself, not the ' +
        'pooler, for the LISTEN of live updates and for the migrations.',
    );
  }
  return { databaseUrl, listenDatabaseUrl, pooler };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}
