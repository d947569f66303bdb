import { Hono } from 'hono';
import { requireAuth } from '../auth/middleware.js';
import { liveSessionIds } from '../auth/session.js';
import type { Database } from '../db/client.js';
import type { AppDeps, AuthedEnv, Clock } from '../env.js';
import { coversSession, FANOUT_SLICE, type ChangeEvent } from '../events/bus.js';
import { FrameStream } from '../events/frame-stream.js';
import { encodeChangeFrame, SESSION_ENDED_FRAME } from '../views/live.js';

/**
 * Proxies and load balancers close a connection that stays silent for long; each beat also
 * re-checks the session, so an expired one stops hearing changes within this time.
 */
export const HEARTBEAT_MS = 15_000;
/**
 * Each stream's beats fall on a whole second, so the beats of a second (all the streams that
 * reconnected together after a restart, say) check their sessions in one statement.
 */
const BEAT_ALIGN_MS = 1_000;
/** Sessions checked in one statement, at most. */
const SESSIONS_PER_CHECK = 1_000;
/** A screen that stops reading is dropped rather than buffered for (its browser reconnects). */
const MAX_QUEUED_FRAMES = 100;
/**
 * Open streams per session on one instance: a desk's tabs each hold one. A browser opens at
 * most six connections to a host over HTTP/1.1, so a sixth stream would leave its tabs no
 * connection for their requests. A new stream closes the oldest past this.
 */
export const MAX_STREAMS_PER_SESSION = 5;
/**
 * How long the browser of a stream closed for a newer one waits before it reconnects (SSE
 * `retry`), instead of its usual few seconds: several tabs over the cap take turns slowly
 * rather than closing each other every few seconds. Each (re)open re-fetches what the page
 * shows (static/app.js), so nothing is lost meanwhile, only late.
 */
export const REPLACED_RETRY_MS = 30_000;
/** Sent first on every stream: the browser's usual reconnection delay, set back after a long one. */
const RETRY_MS = 3_000;

const encoder = new TextEncoder();
const PING_FRAME = encoder.encode(': ping\n\n');
const retryFrame = (milliseconds: number) => encoder.encode(`retry: ${milliseconds}\n\n`);
const RETRY_FRAME = retryFrame(RETRY_MS);
const REPLACED_RETRY_FRAME = retryFrame(REPLACED_RETRY_MS);

/**
 * Each change's frame, encoded for the first of its tenant's streams and written as is to the
 * others: the bus hands every subscriber the same event object (events/bus.ts).
 */
const changeFrames = new WeakMap<ChangeEvent, Uint8Array>();

function changeFrame(event: ChangeEvent): Uint8Array {
  let frame = changeFrames.get(event);
  if (!frame) changeFrames.set(event, (frame = encodeChangeFrame(event)));
  return frame;
}

interface OpenStream {
  tenantId: string;
  userId: string;
  sessionId: string;
  /** Closes the stream; its browser reconnects after the given `retry` frame's delay. */
  replace(retry: Uint8Array): void;
  /** Closes the stream for good: its session has ended. */
  endSession(): void;
}

/**
 * `GET /events`: the tenant's changes as Server-Sent Events, one `event: <kind>` frame per
 * change with its ids as `data`, so htmx's SSE extension can trigger `sse:appointment.booked`.
 * Every stream of this instance feeds from the bus's one LISTEN: no database connection per
 * screen. The bus calls the streams a slice at a time, after the writer's answer
 * (events/bus.ts); each stream queues the change's one shared frame (FrameStream), never waiting
 * on another stream. A stream lasts as long as its session: it ends when a session change
 * covering it is heard (sign-out, deactivation, password reset, on any instance) and the session
 * no longer stands, or when a heartbeat finds it expired; it ends too when the bus resumes
 * after a gap.
 */
export function eventRoutes({ db, clock, bus, stopping }: AppDeps) {
  const open = new Set<OpenStream>();
  const isLive = sessionChecks(db, clock);
  const endIfSignedOut = async (stream: OpenStream) => {
    if (!(await isLive(stream.sessionId))) stream.endSession();
  };
  bus.onSessionChange((change) => {
    for (const stream of open) if (coversSession(change, stream)) void endIfSignedOut(stream);
  });
  // Changes made while the bus was not listening never reached these streams: their browsers
  // reconnect at once (their sessions checked again) and re-fetch what their pages show.
  bus.onResumed(() => {
    for (const stream of open) {
      open.delete(stream);
      stream.replace(RETRY_FRAME);
    }
  });

  const routes = new Hono<AuthedEnv>();
  routes.get('/events', requireAuth(), (c) => {
    const { tenant, user, session } = c.var.auth;
    const frames = new FrameStream(MAX_QUEUED_FRAMES);
    const stopped = new AbortController();
    const stream: OpenStream = {
      tenantId: tenant.id,
      userId: user.id,
      sessionId: session.id,
      replace(retry) {
        frames.send(retry);
        stopped.abort();
      },
      endSession() {
        frames.send(SESSION_ENDED_FRAME);
        stopped.abort();
      },
    };
    const unsubscribe = bus.subscribe(tenant.id, (event) => frames.send(changeFrame(event)));
    frames.send(RETRY_FRAME);
    admit(open, stream);
    // A server shutting down ends the stream rather than being held open by it; the browser
    // reconnects, to another instance.
    const ended = AbortSignal.any([stopped.signal, frames.ended, ...(stopping ? [stopping] : [])]);
    void (async () => {
      while (!ended.aborted) {
        await pause(HEARTBEAT_MS - (Date.now() % BEAT_ALIGN_MS), ended);
        if (ended.aborted) break;
        await endIfSignedOut(stream);
        if (!ended.aborted) frames.send(PING_FRAME);
      }
      unsubscribe();
      open.delete(stream);
      // A last `retry` or `session.ended` reaches the browser before the stream closes.
      frames.close();
    })();

    c.header('Content-Type', 'text/event-stream');
    c.header('Cache-Control', 'no-cache');
    // Chunked from the first frame on (the server would otherwise wait to size the body).
    c.header('Transfer-Encoding', 'chunked');
    // nginx would otherwise buffer the response and hold events back.
    c.header('X-Accel-Buffering', 'no');
    return c.body(frames.body);
  });
  return routes;
}

/** Registers `stream`, closing its session's oldest streams past the cap. */
function admit(open: Set<OpenStream>, stream: OpenStream): void {
  const sameSession = [...open].filter((other) => other.sessionId === stream.sessionId);
  const excess = sameSession.length + 1 - MAX_STREAMS_PER_SESSION;
  // A Set iterates in insertion order: the oldest first.
  for (const oldest of sameSession.slice(0, Math.max(excess, 0))) {
    open.delete(oldest);
    oldest.replace(REPLACED_RETRY_FRAME);
  }
  open.add(stream);
}

/**
 * Whether a session still stands, asked by many streams at once (a second's heartbeats, or a
 * tenant-wide session change reaching every stream of the tenant): the questions asked in one
 * turn of the event loop are answered by one statement per `SESSIONS_PER_CHECK`, and the
 * answers handed back `FANOUT_SLICE` at a time, as changes are. A failed check counts as ended.
 */
function sessionChecks(db: Database, clock: Clock): (sessionId: string) => Promise<boolean> {
  /** The streams waiting for each session's answer. */
  type Questions = Map<string, ((live: boolean) => void)[]>;
  let asked: Questions | null = null;

  async function answer(questions: Questions): Promise<void> {
    const ids = [...questions.keys()];
    for (let start = 0; start < ids.length; start += SESSIONS_PER_CHECK) {
      const chunk = ids.slice(start, start + SESSIONS_PER_CHECK);
      const live = await liveSessionIds(db, chunk, clock()).catch(() => new Set<string>());
      for (const [index, id] of chunk.entries()) {
        for (const resolve of questions.get(id)!) resolve(live.has(id));
        if ((index + 1) % FANOUT_SLICE === 0) await new Promise((next) => setImmediate(next));
      }
    }
  }

  return (sessionId) =>
    new Promise((resolve) => {
      if (!asked) {
        const questions: Questions = new Map();
        asked = questions;
        setImmediate(() => {
          asked = null;
          void answer(questions);
        });
      }
      const waiting = asked.get(sessionId);
      if (waiting) waiting.push(resolve);
      else asked.set(sessionId, [resolve]);
    });
}

function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener('abort', done);
  });
}
