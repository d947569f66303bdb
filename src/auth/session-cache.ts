import { coversSession, type SessionChange } from '../events/bus.js';
import type { AuthContext } from './session.js';

/**
 * Validated sessions, kept by one app instance for a few seconds (docs/performance.md): the
 * session lookup was a statement on every request, a third of the work of a read. What a
 * session grants (user, role, language, tenant settings) changes only through
 * src/services/session-changes.ts and src/auth/session.ts, which announce the change with a
 * NOTIFY (events/bus.ts: every instance forgets the sessions it covers when it hears it) and
 * forget them here at once after the commit, so the instance that made the change never serves
 * a stale one, and the others not once the notice has arrived (milliseconds). A change made in
 * SQL by hand, or one announced while an instance's LISTEN was down, is seen once the entry's
 * seconds have passed.
 */

/** How long an entry is trusted, by the app's clock. */
export const SESSION_CACHE_TTL_MS = 10_000;
/** Enough for every desk of a large network; past it the oldest entries go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  auth: AuthContext;
  cachedAt: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Moves on every forget. A lookup that started before a forget may have read the old row; it
   * is then not stored (see `remember`), whichever of the two finishes first.
   */
  private generation = 0;

  /** The cached session, if fresh and not expired (an expired one goes back to the database). */
  get(sessionId: string, now: Date): AuthContext | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    const age = now.getTime() - entry.cachedAt;
    const fresh = age >= 0 && age < SESSION_CACHE_TTL_MS;
    if (fresh && entry.auth.session.expiresAt.getTime() > now.getTime()) return entry.auth;
    this.entries.delete(sessionId);
    return undefined;
  }

  /** Read before the lookup, handed back to `remember`. */
  currentGeneration(): number {
    return this.generation;
  }

  remember(auth: AuthContext, readAtGeneration: number, now: Date): void {
    if (readAtGeneration !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(auth.session.id, {
      auth: { ...auth, session: { ...auth.session, renewed: false } },
      cachedAt: now.getTime(),
    });
  }

  /** Every session: the changes made to them may have gone unheard. */
  forgetAll(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** The sessions `change` covers: one session, a user's, or the whole tenant's. */
  forget(change: SessionChange): void {
    this.generation += 1;
    for (const [sessionId, { auth }] of this.entries) {
      const session = { tenantId: auth.tenant.id, userId: auth.user.id, sessionId };
      if (coversSession(change, session)) this.entries.delete(sessionId);
    }
  }
}
