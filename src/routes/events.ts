import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAuth } from '../auth/middleware.js';
import type { AppDeps, AuthedEnv } from '../env.js';

/** Proxies and load balancers close a connection that stays silent for long. */
export const HEARTBEAT_MS = 15_000;
/** A screen that stops reading is dropped rather than buffered for (its browser reconnects). */
const MAX_QUEUED_FRAMES = 100;

/**
 * `GET /events`: the tenant's changes as Server-Sent Events, one `event: <kind>` frame per
 * change with its ids as `data`, so htmx's SSE extension can trigger `sse:appointment.booked`.
 * Every stream of this instance feeds from the bus's one LISTEN: no database connection per
 * screen.
 */
export function eventRoutes({ bus, stopping }: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.get('/events', requireAuth(), (c) => {
    const tenantId = c.var.auth.tenant.id;
    // nginx would otherwise buffer the response and hold events back.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      // Frames go out one after another, never interleaved, however the events arrive.
      let queue: Promise<unknown> = Promise.resolve();
      let queued = 0;
      const send = (write: () => Promise<unknown>) => {
        if (queued >= MAX_QUEUED_FRAMES) {
          stream.abort();
          return;
        }
        queued++;
        queue = queue
          .then(write)
          .catch(() => stream.abort())
          .finally(() => queued--);
      };

      const unsubscribe = bus.subscribe(tenantId, (event) =>
        send(() => stream.writeSSE({ event: event.kind, data: JSON.stringify(event) })),
      );
      const closed = new AbortController();
      stream.onAbort(() => closed.abort());
      // A server shutting down ends the stream (returning closes it) rather than being held
      // open by it; the browser reconnects, to another instance.
      const ended = stopping ? AbortSignal.any([closed.signal, stopping]) : closed.signal;
      while (!ended.aborted) {
        await pause(HEARTBEAT_MS, ended);
        if (!ended.aborted) send(() => stream.write(': ping\n\n'));
      }
      unsubscribe();
    });
  });
  return routes;
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
