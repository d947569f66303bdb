/**
 * hx-trigger for fragments that re-fetch themselves when another desk changes bookings. The
 * events arrive over the page's one Server-Sent Events stream (layout: sse-connect="/events").
 */
export const CHANGE_EVENTS =
  'sse:appointment.booked, sse:appointment.cancelled, sse:appointment.status, sse:appointment.moved';
