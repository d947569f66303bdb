import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import type { Database, DbTransaction } from '../db/client.js';

/**
 * Real time (SPEC §4): a write publishes a change with PostgreSQL NOTIFY inside its own
 * transaction; every app instance LISTENs on one connection and fans the change out to the
 * screens of that tenant. PostgreSQL is the hub, so instances stay stateless.
 */

export const CHANGES_CHANNEL = 'raseed_changes';

export const CHANGE_KINDS = [
  'appointment.booked',
  'appointment.cancelled',
  'appointment.status',
  'appointment.moved',
  'package.assigned',
  'package.extended',
  'package.paid',
  'package.refunded',
  'package.transferred',
  'package.cancelled',
  'group_session.changed',
] as const;

/** Ids only: browsers re-fetch what they show, through the usual authorised routes. */
export interface ChangeEvent {
  tenant: string;
  kind: (typeof CHANGE_KINDS)[number];
  provider: string | null;
  /** The tenant-local day of the appointment, 'YYYY-MM-DD'. */
  date: string | null;
  patient: string | null;
  purchase: string | null;
}

const changeEventSchema = z.object({
  tenant: z.string(),
  kind: z.enum(CHANGE_KINDS),
  provider: z.string().nullable(),
  date: z.string().nullable(),
  patient: z.string().nullable(),
  purchase: z.string().nullable(),
}) satisfies z.ZodType<ChangeEvent>;

/**
 * Call it inside the transaction that makes the change, after the change. PostgreSQL holds a
 * NOTIFY back until COMMIT and drops it on ROLLBACK, so listeners hear of committed changes
 * only, never of a refused one, and never before the data is visible to their re-fetch.
 * The payload (a few ids, ~250 bytes) stays far below NOTIFY's 8000-byte limit.
 */
export async function publishChange(trx: DbTransaction, event: ChangeEvent): Promise<void> {
  await sql`select ${changeNotice(event)}`.execute(trx);
}

/**
 * The same NOTIFY as an expression, for a write that makes its change and announces it in one
 * statement (select it once per changed row, e.g. from a data-modifying CTE's RETURNING).
 */
export function changeNotice(event: ChangeEvent) {
  return changeNoticeOf(changePayload(event));
}

/** A change as its NOTIFY carries it. */
export function changePayload(event: ChangeEvent): string {
  const { tenant, kind, provider, date, patient, purchase } = event;
  return JSON.stringify({ tenant, kind, provider, date, patient, purchase });
}

/** The NOTIFY of a payload made by changePayload (a prepared statement binds it as a value). */
export function changeNoticeOf(payload: string) {
  return sql<void>`pg_notify(${CHANGES_CHANNEL}, ${payload})`;
}

/**
 * What sessions grant changed (sign-out, a user deactivated, a password or role changed, the
 * tenant's settings): every instance forgets the sessions it covers from its cache and re-checks
 * their open event streams. On a channel of its own: browsers never see it.
 */
export const SESSIONS_CHANNEL = 'raseed_sessions';

/** `user`/`session` null: all of the tenant's users, all of the user's sessions. */
export interface SessionChange {
  tenant: string;
  user: string | null;
  session: string | null;
}

const sessionChangeSchema = z.object({
  tenant: z.string(),
  user: z.string().nullable(),
  session: z.string().nullable(),
}) satisfies z.ZodType<SessionChange>;

/** Whether `change` concerns this session (of this user, of this tenant). */
export function coversSession(
  change: SessionChange,
  session: { tenantId: string; userId: string; sessionId: string },
): boolean {
  return (
    change.tenant === session.tenantId &&
    (change.user === null || change.user === session.userId) &&
    (change.session === null || change.session === session.sessionId)
  );
}

/** As publishChange: inside the transaction of the change, heard at its commit. */
export async function publishSessionChange(
  executor: DbTransaction | Database,
  change: SessionChange,
): Promise<void> {
  await sql`select ${sessionChangeNotice(change)}`.execute(executor);
}

export function sessionChangeNotice(change: SessionChange) {
  const { tenant, user, session } = change;
  return sql<void>`pg_notify(${SESSIONS_CHANNEL}, ${JSON.stringify({ tenant, user, session })})`;
}

export type ChangeListener = (event: ChangeEvent) => void;
export type SessionChangeListener = (change: SessionChange) => void;

export interface EventBus {
  /** Hears the changes of one tenant; returns the unsubscribe function. */
  subscribe(tenantId: string, listener: ChangeListener): () => void;
  /** Hears every session change; returns the unsubscribe function. */
  onSessionChange(listener: SessionChangeListener): () => void;
  /**
   * Hears that the bus listens again after its connection was lost: whatever was notified
   * meanwhile was missed (what sessions grant, what changed), so what was kept must be
   * checked again. Returns the unsubscribe function.
   */
  onResumed(listener: () => void): () => void;
  /** Resolves once the bus is listening (again, after a lost connection). */
  ready(): Promise<void>;
  /** This instance's subscribers, of one tenant or of all. */
  subscriberCount(tenantId?: string): number;
  close(): Promise<void>;
}

/** A bus that hears nothing and tells nobody: for tools whose changes no screen awaits. */
export const silentBus: EventBus = {
  subscribe: () => () => {},
  onSessionChange: () => () => {},
  onResumed: () => () => {},
  ready: () => Promise.resolve(),
  subscriberCount: () => 0,
  close: () => Promise.resolve(),
};

/**
 * Subscribers called in one go, at most, before the fan-out yields to other work (a request's
 * answer, another stream's open): 50 streams take ~1 ms with their socket writes. Smaller
 * slices cost nothing measurable in delivery; 500 doubled a booking's p50 at 5,000 streams
 * (docs/performance.md, "Open event streams").
 */
export const FANOUT_SLICE = 50;

/** A change on its way to the subscribers its tenant had when it arrived. */
interface Delivery {
  event: ChangeEvent;
  listeners: ChangeListener[];
  /** The next subscriber to call. */
  next: number;
}

/**
 * The in-memory half of every bus: subscribers by tenant, and one notification to many.
 * Exported for its tests; apps use it through listenPostgres / listenPglite.
 *
 * A change is not fanned out in the callback that hears it: the write that made it learns of
 * its commit on another connection at about the same moment, and its answer goes out first
 * (setImmediate runs after the I/O callbacks already due, and after the microtasks of the one
 * at hand). Then the subscribers are called `FANOUT_SLICE` at a time, yielding to the event
 * loop between slices: a request that comes due meanwhile waits for one slice, not for every
 * open stream. Changes are delivered in the order they arrived (one queue, whatever their
 * tenants), so each subscriber hears them in commit order.
 */
export class TenantFanout {
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly deliveries: Delivery[] = [];
  private scheduled = false;
  private readonly sessionListeners = new Set<SessionChangeListener>();
  private readonly resumedListeners = new Set<() => void>();

  onResumed(listener: () => void): () => void {
    const entry = () => listener();
    this.resumedListeners.add(entry);
    return () => this.resumedListeners.delete(entry);
  }

  resumed(): void {
    callEach(this.resumedListeners, undefined);
  }

  onSessionChange(listener: SessionChangeListener): () => void {
    const entry: SessionChangeListener = (change) => listener(change);
    this.sessionListeners.add(entry);
    return () => this.sessionListeners.delete(entry);
  }

  subscribe(tenantId: string, listener: ChangeListener): () => void {
    // A wrapper per subscription: the same function subscribed twice is two subscriptions.
    const entry: ChangeListener = (event) => listener(event);
    let set = this.listeners.get(tenantId);
    if (!set) this.listeners.set(tenantId, (set = new Set()));
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.listeners.get(tenantId) === set) this.listeners.delete(tenantId);
    };
  }

  subscriberCount(tenantId?: string): number {
    if (tenantId !== undefined) return this.listeners.get(tenantId)?.size ?? 0;
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  /**
   * A notification from the database: anything but a well-formed one is logged and dropped.
   * What sessions grant is forgotten at once (no request may be served on a stale session);
   * a change is queued for its tenant's subscribers (see the class).
   */
  deliver(channel: string, payload: string): void {
    if (channel === SESSIONS_CHANNEL) {
      const change = parsed(sessionChangeSchema, payload);
      if (change) callEach(this.sessionListeners, change);
    } else if (channel === CHANGES_CHANNEL) {
      const event = parsed(changeEventSchema, payload);
      const listeners = event && this.listeners.get(event.tenant);
      if (!event || !listeners) return;
      // The same event object for all: a subscriber may keep what it derives from it (a frame).
      this.deliveries.push({ event, listeners: [...listeners], next: 0 });
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.deliverSlice();
    });
  }

  private deliverSlice(): void {
    let budget = FANOUT_SLICE;
    while (budget > 0 && this.deliveries.length > 0) {
      const delivery = this.deliveries[0]!;
      const current = this.listeners.get(delivery.event.tenant);
      const end = Math.min(delivery.listeners.length, delivery.next + budget);
      for (; delivery.next < end; delivery.next++, budget--) {
        const listener = delivery.listeners[delivery.next]!;
        // One that left since the change arrived (a closed stream) is not written to.
        if (current?.has(listener)) callOne(listener, delivery.event);
      }
      if (delivery.next === delivery.listeners.length) this.deliveries.shift();
    }
    if (this.deliveries.length > 0) this.schedule();
  }
}

function parsed<T>(schema: z.ZodType<T>, payload: string): T | undefined {
  try {
    return schema.parse(JSON.parse(payload));
  } catch {
    console.warn(`Event bus: ignored a malformed notification: ${payload.slice(0, 200)}`);
    return undefined;
  }
}

function callEach<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of [...listeners]) callOne(listener, value);
}

function callOne<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    console.error('Event bus: a subscriber failed:', error);
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve, settled: false };
}

export interface ListenOptions {
  /** The first reconnection waits this long; each failure doubles it up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * One dedicated connection (not from the pool: a pooled one would be handed to queries and
 * lose its LISTEN) per instance, whatever the number of open screens. When it drops (server
 * restart, pg_terminate_backend, network) it reconnects with exponential backoff and LISTENs
 * again; changes committed while it was away are not replayed.
 */
export function listenPostgres(connectionString: string, options: ListenOptions = {}): EventBus {
  const minDelayMs = options.minDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const fanout = new TenantFanout();
  let client: pg.Client | null = null;
  let closed = false;
  let retryDelay = minDelayMs;
  let retryTimer: NodeJS.Timeout | null = null;
  let listening = deferred();
  /** Set once listening: every later LISTEN resumes after a gap. */
  let resuming = false;

  async function open(): Promise<void> {
    retryTimer = null;
    // TCP keepalive probes, so a connection that dies silently (no FIN: a dropped route) ends
    // in an error eventually (minutes, as the OS retries) instead of never.
    const connection = new pg.Client({
      connectionString,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client = connection;
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      if (client === connection) client = null;
      connection.end().catch(() => {});
      if (closed) return;
      console.warn(
        `Event bus: LISTEN connection lost (${error?.message ?? 'closed'}); ` +
          `reconnecting in ${retryDelay} ms.`,
      );
      if (listening.settled) listening = deferred();
      retryTimer = setTimeout(() => void open(), retryDelay);
      retryDelay = Math.min(retryDelay * 2, maxDelayMs);
    };
    connection.on('error', drop);
    connection.on('end', () => drop());
    connection.on('notification', (message) =>
      fanout.deliver(message.channel, message.payload ?? ''),
    );
    try {
      await connection.connect();
      await connection.query(`LISTEN ${CHANGES_CHANNEL}; LISTEN ${SESSIONS_CHANNEL}`);
    } catch (error) {
      drop(error as Error);
      return;
    }
    if (dropped) return;
    if (closed) {
      await connection.end().catch(() => {});
      return;
    }
    retryDelay = minDelayMs;
    listening.settled = true;
    listening.resolve();
    if (resuming) fanout.resumed();
    resuming = true;
  }

  void open();
  return {
    subscribe: (tenantId, listener) => fanout.subscribe(tenantId, listener),
    onSessionChange: (listener) => fanout.onSessionChange(listener),
    onResumed: (listener) => fanout.onResumed(listener),
    ready: () => listening.promise,
    subscriberCount: (tenantId) => fanout.subscriberCount(tenantId),
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const connection = client;
      client = null;
      await connection?.end().catch(() => {});
    },
  };
}

/**
 * The embedded database: PGlite runs PostgreSQL's own LISTEN/NOTIFY in process, so the same
 * commit-only delivery holds. Close the bus before the database.
 */
export function listenPglite(pglite: PGlite): EventBus {
  const fanout = new TenantFanout();
  const unlisten = Promise.all(
    [CHANGES_CHANNEL, SESSIONS_CHANNEL].map((channel) =>
      pglite.listen(channel, (payload) => fanout.deliver(channel, payload)),
    ),
  );
  unlisten.catch((error: unknown) => console.error('Event bus: PGlite LISTEN failed:', error));
  return {
    subscribe: (tenantId, listener) => fanout.subscribe(tenantId, listener),
    onSessionChange: (listener) => fanout.onSessionChange(listener),
    // In process: its LISTEN is never lost.
    onResumed: () => () => {},
    ready: () => unlisten.then(() => undefined),
    subscriberCount: (tenantId) => fanout.subscriberCount(tenantId),
    async close() {
      if (pglite.closed) return;
      for (const stop of await unlisten) await stop().catch(() => {});
    },
  };
}
