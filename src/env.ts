import type { SessionCache } from './auth/session-cache.js';
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

/** What the routes are given: the app's dependencies and this instance's cached sessions. */
export interface RouteDeps extends AppDeps {
  sessions: SessionCache;
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
