import { Conflict, ServiceUnavailable } from '../domain/errors.js';
import type { ErrorKey } from '../i18n/errors.js';

/** Constraints whose violation has a refusal of its own; others answer by their SQLSTATE. */
const CONSTRAINT_KEYS: Record<string, ErrorKey> = {
  appointments_patient_no_overlap: 'patientOverlap',
  appointments_provider_no_overlap: 'slotTaken',
  group_sessions_provider_no_overlap: 'providerOverlap',
  package_purchases_sessions_used_range: 'noSessionsLeft',
  purchase_services_sessions_used_range: 'noServiceSessionsLeft',
  group_sessions_seats_range: 'groupSessionFull',
  // The rules across tables (migration 2026-11-30T10-20_appointment_guards).
  appointments_group_session_overlap: 'providerOverlap',
  group_sessions_appointment_overlap: 'providerOverlap',
  appointments_group_session_place_fkey: 'groupSessionMismatch',
  appointments_session_number_range: 'noSessionsLeft',
  package_purchases_total_covers_sessions: 'sessionsBookedBeyondTotal',
  group_sessions_seats_taken_live: 'groupSeatsMismatch',
  payments_idempotency_key: 'paymentKeyReused',
  // two live appointments of a purchase with one session number (an exclusion, not unique)
  appointments_purchase_session_number_key: 'alreadyRecorded',
};

/** PostgreSQL error codes that are answers (a conflict), not crashes, whatever the constraint. */
const SQLSTATE_KEYS: Record<string, ErrorKey> = {
  '23P01': 'timeOverlap',
  '23505': 'alreadyRecorded',
  '23514': 'ruleBroken',
  '40001': 'concurrentChange',
  // Two overlapping inserts of one patient (or provider) wait on each other's exclusion check;
  // PostgreSQL aborts one of them, and the other one's booking stands.
  '40P01': 'concurrentChange',
};

/** pg's DatabaseError and PGlite's both carry `constraint`; the message names it otherwise. */
function constraintOf(error: { constraint?: unknown; message?: unknown }): string | undefined {
  if (typeof error.constraint === 'string') return error.constraint;
  if (typeof error.message !== 'string') return undefined;
  return /constraint "(\w+)"/.exec(error.message)?.[1];
}

export function conflictFromDatabaseError(error: unknown): Conflict | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code } = error as { code?: unknown };
  if (typeof code !== 'string') return null;
  // Integrity violations (class 23) name their constraint; a named one has its own refusal.
  const constraint = code.startsWith('23') ? constraintOf(error) : undefined;
  if (constraint !== undefined && Object.hasOwn(CONSTRAINT_KEYS, constraint)) {
    return new Conflict(CONSTRAINT_KEYS[constraint]!);
  }
  return Object.hasOwn(SQLSTATE_KEYS, code) ? new Conflict(SQLSTATE_KEYS[code]!) : null;
}

/**
 * Node's codes for a server that cannot be reached or dropped the connection (pg connects
 * with `net`); several at once (an AggregateError) when a host name has several addresses.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not taking connections: class 08 (connection
 * exception), 57P01–57P03 (admin or crash shutdown, still starting up), 53300 (no connection
 * slot left).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** pg's own connection errors carry a message only: a lost connection, a pool that waited too long. */
const PG_CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))
  ) {
    return true;
  }
  if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
  return error instanceof AggregateError && error.errors.some(isConnectionFailure);
}

/** The database cannot be reached (down, restarting, out of connections): a 503, not a bug. */
export function unavailableFromDatabaseError(error: unknown): ServiceUnavailable | null {
  if (!isConnectionFailure(error)) return null;
  console.error(`Database unreachable: ${(error as Error).message}`);
  return new ServiceUnavailable();
}
