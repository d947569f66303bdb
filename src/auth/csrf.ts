import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { Forbidden } from '../domain/errors.js';
import type { AppEnv } from '../env.js';

export const CSRF_HEADER = 'X-CSRFToken';
/** Plain HTML forms (sign out, language) carry the token in this field. */
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function isCrossOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin) {
    try {
      return new URL(origin).host !== new URL(c.req.url).host;
    } catch {
      return true;
    }
  }
  // No Origin (old browsers, scripts): browsers still tell where the request comes from.
  const site = c.req.header('sec-fetch-site');
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

async function submittedToken(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return undefined;
  const field = (await c.req.parseBody())[CSRF_FIELD];
  return typeof field === 'string' ? field : undefined;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Every unsafe method must come from our own origin and, once signed in, carry the session's
 * token (htmx sends it through `hx-headers`, JSON callers as X-CSRFToken).
 */
export function csrfProtection() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (isCrossOrigin(c)) throw new Forbidden('crossOrigin');
    const auth = c.get('auth');
    if (auth) {
      const token = await submittedToken(c);
      if (!token || !sameToken(token, auth.session.csrfToken)) {
        throw new Forbidden('csrfInvalid');
      }
    }
    await next();
  });
}
