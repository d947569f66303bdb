import type { AuthContext } from './session.js';

/**
 * Validated sessions, kept by this instance for a few seconds (docs/performance.md): the
 * session lookup was a statement on every request, a third of the work of a read. What a
 * session grants (user, role, language, tenant settings) changes only through src/db/users.ts,
 * src/db/tenants.ts and src/auth/session.ts, which forget the cached sessions once their
 * change has committed, so this instance never serves a stale one. Another instance, or a
 * change made in SQL by hand, is seen once the entry's seconds have passed: that is the bound
 * on how long a deactivated user can keep working there.
 */

/** How long an entry is trusted, by the app's clock. */
export const SESSION_CACHE_TTL_MS = 10_000;
/** Enough for every desk of a large network; past it the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  auth: AuthContext;
  cachedAt: number;
}

const entries = new Map<string, Entry>();
/**
 * Moves on every forget. A lookup that started before a forget may have read the old row; it
 * is then not stored (see `remember`), whichever of the two finishes first.
 */
let generation = 0;

/** The cached session, if fresh and not expired (an expired one goes back to the database). */
export function cachedSession(sessionId: string, now: Date): AuthContext | undefined {
  const entry = entries.get(sessionId);
  if (!entry) return undefined;
  const age = now.getTime() - entry.cachedAt;
  const fresh = age >= 0 && age < SESSION_CACHE_TTL_MS;
  if (fresh && entry.auth.session.expiresAt.getTime() > now.getTime()) return entry.auth;
  entries.delete(sessionId);
  return undefined;
}

/** Read before the lookup, handed back to `remember`. */
export function cacheGeneration(): number {
  return generation;
}

export function remember(auth: AuthContext, readAtGeneration: number, now: Date): void {
  if (readAtGeneration !== generation) return;
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(auth.session.id, {
    auth: { ...auth, session: { ...auth.session, renewed: false } },
    cachedAt: now.getTime(),
  });
}

export function forgetSession(sessionId: string): void {
  generation += 1;
  entries.delete(sessionId);
}

/** After a change to a user, their sessions or the tenant's settings. */
export function forgetTenantSessions(tenantId: string): void {
  generation += 1;
  for (const [sessionId, entry] of entries) {
    if (entry.auth.tenant.id === tenantId) entries.delete(sessionId);
  }
}
