import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import type { DbTransaction } from '../db/client.js';

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
  'package.transferred',
  'package.cancelled',
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
  const { tenant, kind, provider, date, patient, purchase } = event;
  const payload = JSON.stringify({ tenant, kind, provider, date, patient, purchase });
  return sql<void>`pg_notify(${CHANGES_CHANNEL}, ${payload})`;
}

export type ChangeListener = (event: ChangeEvent) => void;

export interface EventBus {
  /** Hears the changes of one tenant; returns the unsubscribe function. */
  subscribe(tenantId: string, listener: ChangeListener): () => void;
  /** Resolves once the bus is listening (again, after a lost connection). */
  ready(): Promise<void>;
  /** This instance's subscribers, of one tenant or of all. */
  subscriberCount(tenantId?: string): number;
  close(): Promise<void>;
}

/** The in-memory half of every bus: subscribers by tenant, and one notification to many. */
class TenantFanout {
  private readonly listeners = new Map<string, Set<ChangeListener>>();

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

  /** A notification from the database: anything but a well-formed event is logged and dropped. */
  deliver(payload: string): void {
    let event: ChangeEvent;
    try {
      event = changeEventSchema.parse(JSON.parse(payload));
    } catch {
      console.warn(`Event bus: ignored a malformed notification: ${payload.slice(0, 200)}`);
      return;
    }
    for (const listener of [...(this.listeners.get(event.tenant) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        console.error('Event bus: a subscriber failed:', error);
      }
    }
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
    connection.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) fanout.deliver(message.payload ?? '');
    });
    try {
      await connection.connect();
      await connection.query(`LISTEN ${CHANGES_CHANNEL}`);
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
  }

  void open();
  return {
    subscribe: (tenantId, listener) => fanout.subscribe(tenantId, listener),
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
  const unlisten = pglite.listen(CHANGES_CHANNEL, (payload) => fanout.deliver(payload));
  unlisten.catch((error: unknown) => console.error('Event bus: PGlite LISTEN failed:', error));
  return {
    subscribe: (tenantId, listener) => fanout.subscribe(tenantId, listener),
    ready: () => unlisten.then(() => undefined),
    subscriberCount: (tenantId) => fanout.subscriberCount(tenantId),
    async close() {
      if (pglite.closed) return;
      await (await unlisten)().catch(() => {});
    },
  };
}
