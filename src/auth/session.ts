import { sha256 } from '@oslojs/crypto/sha2';
import {
  encodeBase32LowerCaseNoPadding,
  encodeBase64urlNoPadding,
  encodeHexLowerCase,
} from '@oslojs/encoding';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sql } from 'kysely';
import type { Database } from '../db/client.js';
import type { Locale, Role } from '../db/schema.js';
import type { AppEnv, AuthedEnv } from '../env.js';
import { sessionChangeNotice, type SessionChange } from '../events/bus.js';
import type { SessionCache } from './session-cache.js';

/** Server-side sessions as in Lucia's guide: the cookie holds a random token, the database its SHA-256. */

export const SESSION_COOKIE = 'raseed_session';
const HOUR_MS = 60 * 60 * 1000;
/** A desk session lasts a working day since its last use (sliding expiry). */
export const SESSION_LIFETIME_MS = 12 * HOUR_MS;
const RENEW_WHEN_LESS_THAN_MS = SESSION_LIFETIME_MS / 2;

export interface AuthContext {
  /** `renewed`: the expiry moved, so the cookie must be sent again. */
  session: { id: string; expiresAt: Date; csrfToken: string; renewed: boolean };
  user: { id: string; email: string; name: string; role: Role; locale: Locale };
  tenant: {
    id: string;
    name: string;
    timezone: string;
    currency: string;
    cancellationWindowHours: number;
  };
}

function randomToken(byteCount: number): Uint8Array {
  const bytes = new Uint8Array(byteCount);
  crypto.getRandomValues(bytes);
  return bytes;
}

export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(randomToken(20));
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
  db: Database,
  token: string,
  user: { tenantId: string; userId: string },
  now: Date,
): Promise<{ id: string; expiresAt: Date }> {
  const session = {
    id: sessionIdFromToken(token),
    tenant_id: user.tenantId,
    user_id: user.userId,
    csrf_token: encodeBase64urlNoPadding(randomToken(32)),
    expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS),
  };
  await db.insertInto('sessions').values(session).execute();
  return { id: session.id, expiresAt: session.expires_at };
}

/**
 * The session, its user and tenant: from this instance's cache (session-cache.ts) while it is
 * fresh, else in one query that also renews the expiry once half of it is spent.
 */
export async function validateSessionToken(
  db: Database,
  sessions: SessionCache,
  token: string,
  now: Date,
): Promise<AuthContext | null> {
  const sessionId = sessionIdFromToken(token);
  const cached = sessions.get(sessionId, now);
  if (cached && !isDueForRenewal(cached.session.expiresAt, now)) return cached;
  const readAt = sessions.currentGeneration();
  const auth = await lookUpSession(db, sessions, sessionId, now);
  if (auth) sessions.remember(auth, readAt, now);
  return auth;
}

function isDueForRenewal(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() - now.getTime() < RENEW_WHEN_LESS_THAN_MS;
}

async function lookUpSession(
  db: Database,
  sessions: SessionCache,
  sessionId: string,
  now: Date,
): Promise<AuthContext | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', (join) =>
      join
        .onRef('users.tenant_id', '=', 'sessions.tenant_id')
        .onRef('users.id', '=', 'sessions.user_id'),
    )
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .select([
      'sessions.expires_at',
      'sessions.csrf_token',
      'users.id as user_id',
      'users.email',
      'users.name as user_name',
      'users.role',
      'users.locale',
      'users.active',
      'tenants.id as tenant_id',
      'tenants.name as tenant_name',
      'tenants.timezone',
      'tenants.currency',
      'tenants.cancellation_window_hours',
    ])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.active || row.expires_at.getTime() <= now.getTime()) {
    await invalidateSession(db, sessions, {
      tenant: row.tenant_id,
      user: row.user_id,
      session: sessionId,
    });
    return null;
  }
  let expiresAt = row.expires_at;
  const renewed = isDueForRenewal(expiresAt, now);
  if (renewed) {
    expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await db
      .updateTable('sessions')
      .set({ expires_at: expiresAt })
      .where('id', '=', sessionId)
      .execute();
  }
  return {
    session: { id: sessionId, expiresAt, csrfToken: row.csrf_token, renewed },
    user: {
      id: row.user_id,
      email: row.email,
      name: row.user_name,
      role: row.role,
      locale: row.locale,
    },
    tenant: {
      id: row.tenant_id,
      name: row.tenant_name,
      timezone: row.timezone,
      currency: row.currency,
      cancellationWindowHours: row.cancellation_window_hours,
    },
  };
}

/**
 * Which of `sessionIds` still stand (their user active, not expired), straight from the
 * database and without renewing them: open event streams ask on every heartbeat, many in one
 * statement (routes/events.ts), and a screen left open is no use of the session.
 */
export async function liveSessionIds(
  db: Database,
  sessionIds: string[],
  now: Date,
): Promise<Set<string>> {
  // One statement whatever the number of ids (an IN list would be a new statement each time).
  const rows = await db
    .selectFrom('sessions')
    .innerJoin('users', (join) =>
      join
        .onRef('users.tenant_id', '=', 'sessions.tenant_id')
        .onRef('users.id', '=', 'sessions.user_id'),
    )
    .select('sessions.id')
    .where(sql<boolean>`sessions.id = any(${sessionIds}::text[])`)
    .where('sessions.expires_at', '>', now)
    .where('users.active', '=', true)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** The session of `auth`, as the change that ends it. */
export function endingOf(auth: AuthContext): SessionChange & { user: string; session: string } {
  return { tenant: auth.tenant.id, user: auth.user.id, session: auth.session.id };
}

/**
 * Signs one session out: deleted and announced in one statement (every instance forgets it and
 * ends its event streams), and forgotten by this instance at once.
 */
export async function invalidateSession(
  db: Database,
  sessions: SessionCache,
  session: SessionChange & { user: string; session: string },
): Promise<void> {
  await db
    .with('ended', (q) =>
      q.deleteFrom('sessions').where('id', '=', session.session).returning('id'),
    )
    .selectFrom('ended')
    .select(sessionChangeNotice(session).as('notice'))
    .execute();
  sessions.forget(session);
}

/**
 * Ends every session of a user at once (deactivated, password changed or reset). Runs inside
 * the caller's transaction, which announces the change (services/session-changes.ts).
 */
export async function invalidateUserSessions(
  db: Database,
  tenantId: string,
  userId: string,
  except?: { sessionId: string },
): Promise<void> {
  let query = db
    .deleteFrom('sessions')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId);
  if (except) query = query.where('id', '<>', except.sessionId);
  await query.execute();
}

/** As routes/request.ts's identifyClient saw the request: X-Forwarded-Proto only behind TRUST_PROXY. */
function isHttps(c: Context<AppEnv> | Context<AuthedEnv>): boolean {
  return c.var.client.https;
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(
  c: Context<AppEnv> | Context<AuthedEnv>,
  token: string,
  expiresAt: Date,
): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    expires: expiresAt,
  });
}

export function deleteSessionCookie(c: Context<AppEnv> | Context<AuthedEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}
