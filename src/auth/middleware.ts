import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Locale, Role } from '../db/schema.js';
import { Forbidden, Unauthenticated } from '../domain/errors.js';
import type { AppEnv, AuthedEnv, RouteDeps } from '../env.js';
import {
  deleteSessionCookie,
  readSessionCookie,
  setSessionCookie,
  validateSessionToken,
} from './session.js';

export const LANGUAGE_COOKIE = 'raseed_lang';

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'ar';
}

/**
 * Loads the session's user and tenant (or null) and the page language for every request.
 * Signed out and in the cookie's language until the lookup succeeds: a database that cannot
 * be reached still gets its error page in the reader's language.
 */
export function loadSession({ db, clock, sessions }: Pick<RouteDeps, 'db' | 'clock' | 'sessions'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const cookieLocale = getCookie(c, LANGUAGE_COOKIE);
    c.set('locale', isLocale(cookieLocale) ? cookieLocale : 'en');
    c.set('auth', null);
    const token = readSessionCookie(c);
    const auth = token ? await validateSessionToken(db, sessions, token, clock()) : null;
    if (token && !auth) deleteSessionCookie(c);
    if (token && auth?.session.renewed) setSessionCookie(c, token, auth.session.expiresAt);
    c.set('auth', auth);
    if (auth) c.set('locale', auth.user.locale);
    await next();
  });
}

export function isApiRequest(c: Context): boolean {
  return c.req.path.includes('/api/') || c.req.path === '/events';
}

/**
 * Pages redirect to /login, htmx requests get `HX-Redirect` (htmx follows it whatever the
 * status), the JSON API answers 401.
 */
export function requireAuth() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get('auth')) return next();
    if (isApiRequest(c)) throw new Unauthenticated();
    const login = `/login?next=${encodeURIComponent(c.req.path)}`;
    if (c.req.header('hx-request')) {
      c.header('HX-Redirect', login);
      return c.body(null, 401);
    }
    return c.redirect(login, 303);
  });
}

export function requireRole(...roles: readonly Role[]) {
  return createMiddleware<AuthedEnv>(async (c, next) => {
    if (!roles.includes(c.get('auth').user.role)) throw new Forbidden();
    await next();
  });
}
