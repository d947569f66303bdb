import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Actor, StaffActor } from '../db/audit.js';
import type { AuthedEnv } from '../env.js';

/** The caller's address for the audit log (the socket's; no proxy header is trusted). */
export function clientIp(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

/** The signed-in user as the audit log records them. */
export function actorOf(c: Context<AuthedEnv>): Actor {
  return { id: c.var.auth.user.id, ip: clientIp(c) };
}

/** The signed-in user as the services/ modules take them: with their tenant. */
export function staffActorOf(c: Context<AuthedEnv>): StaffActor {
  return { tenantId: c.var.auth.tenant.id, userId: c.var.auth.user.id, ip: clientIp(c) };
}
