import type { ChangeEvent } from '../events/bus.js';

/**
 * For fragments that re-fetch themselves when another desk changes bookings. The changes arrive
 * over the page's one Server-Sent Events stream (layout: sse-connect="/events"); each time the
 * stream (re)opens they re-fetch too (htmx:sseOpen), for the changes made while it was closed:
 * between the page's render and the first open, or while the connection was lost. The server
 * listens before it answers, so nothing falls between the re-fetch and the stream.
 *
 * `hx-sync="this:replace"`: a change heard while a re-fetch is on its way starts a new one
 * (whose answer includes it) instead of queueing it; htmx queues a request on the element, and
 * the answer's outerHTML swap removes that element, which drops the queued request (the day
 * view then kept the first answer, from before the change).
 */
export const liveFragment = {
  'hx-trigger':
    'sse:appointment.booked, sse:appointment.cancelled, sse:appointment.status, sse:appointment.moved, sse:group_session.changed, htmx:sseOpen from:body',
  'hx-sync': 'this:replace',
};

/**
 * The last frame of a stream whose session has ended (sign-out, deactivation, a password
 * reset): the page's `sse-close` names it, so its browser closes the stream rather than
 * reconnect to be refused.
 */
export const SESSION_ENDED_EVENT = 'session.ended';

const encoder = new TextEncoder();

/** `session.ended` as it goes on the wire: the same bytes for every stream. */
export const SESSION_ENDED_FRAME = encoder.encode(`event: ${SESSION_ENDED_EVENT}\ndata: {}\n\n`);

/**
 * A change as it goes on the wire: `event: <kind>` (htmx's `sse:<kind>`) and the change's ids
 * as `data`. Every stream of the change's tenant gets these same bytes (its ids say nothing the
 * tenant's users may not know; each browser re-fetches through its own authorised routes), so
 * GET /events encodes a change once, not once per stream.
 */
export function encodeChangeFrame(event: ChangeEvent): Uint8Array {
  const { tenant, kind, provider, date, patient, purchase } = event;
  const data = JSON.stringify({ tenant, kind, provider, date, patient, purchase });
  return encoder.encode(`event: ${kind}\ndata: ${data}\n\n`);
}

/** The same, for fragments that show a purchase's balance: payments and refunds change it too. */
export const moneyLiveFragment = {
  ...liveFragment,
  'hx-trigger': `sse:package.paid, sse:package.refunded, ${liveFragment['hx-trigger']}`,
};
