import { Hono } from 'hono';
import { unavailableFromDatabaseError } from '../db/errors.js';
import { pendingMigrations } from '../db/migrate.js';
import type { AppDeps, AppEnv } from '../env.js';

/**
 * For load balancers and orchestrators, mounted before the session is read: no sign-in, no
 * cookie, no more than one query. `/healthz`: the process answers (restart it when not).
 * `/readyz`: it can serve — the database answers and has every migration of this build, and
 * the server is not shutting down (send it traffic only then).
 */
export function healthRoutes({ db, stopping }: AppDeps) {
  const routes = new Hono<AppEnv>();
  routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  routes.get('/readyz', async (c) => {
    const reason = stopping?.aborted ? 'shutting_down' : await unreadiness(db);
    return reason ? c.json({ status: 'unavailable', reason }, 503) : c.json({ status: 'ready' });
  });
  return routes;
}

async function unreadiness(db: AppDeps['db']): Promise<string | null> {
  try {
    return (await pendingMigrations(db)).length > 0 ? 'migrations_pending' : null;
  } catch (error) {
    if (unavailableFromDatabaseError(error)) return 'database_unavailable';
    throw error;
  }
}
