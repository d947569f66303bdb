import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Actor, StaffActor } from '../db/audit.js';
import type { Role } from '../db/schema.js';
import { Unauthenticated } from '../domain/errors.js';
import type { AppEnv, AuthedEnv, Client } from '../env.js';

function socketAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

/**
 * The value the outermost of `proxies` trusted proxies wrote. Each proxy appends what it saw
 * (for X-Forwarded-For, the address that connected to it) at the right; anything further left
 * came from the client and can say anything. Behind fewer proxies than configured, the
 * left-most value is the furthest one there is.
 */
function fromTrustedProxy(header: string | undefined, proxies: number): string | undefined {
  const values = header?.split(',').map((value) => value.trim()) ?? [];
  if (values.length === 0) return undefined;
  return values[Math.max(values.length - proxies, 0)];
}

/**
 * Sets `client` for the rest of the request: the socket's address and scheme, or, behind
 * `trustedProxies` proxies (TRUST_PROXY), what they forwarded. Without TRUST_PROXY the
 * forwarding headers are a client's word and are ignored.
 */
export function identifyClient(trustedProxies: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const client: Client = { ip: socketAddress(c), https: c.req.url.startsWith('https:') };
    if (trustedProxies > 0) {
      const forwardedFor = fromTrustedProxy(c.req.header('x-forwarded-for'), trustedProxies);
      if (forwardedFor && isIP(forwardedFor)) client.ip = forwardedFor;
      const proto = fromTrustedProxy(c.req.header('x-forwarded-proto'), trustedProxies);
      if (proto) client.https = proto.toLowerCase() === 'https';
    }
    c.set('client', client);
    await next();
  });
}

/** The caller's address: for the sign-in throttle and the audit log. */
export function clientIp(c: Context<AppEnv> | Context<AuthedEnv>): string | null {
  return c.var.client.ip;
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
