import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Actor, StaffActor } from '../db/audit.js';
import type { Role } from '../db/schema.js';
import { Unauthenticated } from '../domain/errors.js';
import type { AppEnv, AuthedEnv } from '../env.js';

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

/** The signed-in user with their role, for the rules that depend on it (waiving, status steps). */
export function roleActorOf(c: Context<AuthedEnv>): Actor & { role: Role } {
  return { ...actorOf(c), role: c.var.auth.user.role };
}

/** The signed-in user as the services/ modules take them: with their tenant. */
export function staffActorOf(c: Context<AuthedEnv>): StaffActor {
  return { tenantId: c.var.auth.tenant.id, userId: c.var.auth.user.id, ip: clientIp(c) };
}

/**
 * validatedForm's hooks see the app's context; behind requireAuth() it always has a user.
 * Checked, so a hook outside requireAuth() answers 401 instead of reading a missing user.
 */
export function authed(c: Context<AppEnv>): Context<AuthedEnv> {
  if (!c.get('auth')) throw new Unauthenticated();
  return c as unknown as Context<AuthedEnv>;
}
