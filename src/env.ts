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
  Variables: { auth: AuthContext | null; locale: Locale; errorTarget?: string };
}

/** For sub-apps behind `requireAuth()`. */
export interface AuthedEnv {
  Variables: { auth: AuthContext; locale: Locale; errorTarget?: string };
}
