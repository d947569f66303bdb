import { Conflict } from '../domain/errors.js';
import type { ErrorKey } from '../i18n/errors.js';

/** Constraints whose violation has a refusal of its own; others answer by their SQLSTATE. */
const CONSTRAINT_KEYS: Record<string, ErrorKey> = {
  appointments_patient_no_overlap: 'patientOverlap',
  appointments_provider_no_overlap: 'slotTaken',
  group_sessions_provider_no_overlap: 'providerOverlap',
  package_purchases_sessions_used_range: 'noSessionsLeft',
  purchase_services_sessions_used_range: 'noServiceSessionsLeft',
  group_sessions_seats_range: 'groupSessionFull',
  // two live appointments of a purchase with one session number (an exclusion, not unique)
  appointments_purchase_session_number_key: 'alreadyRecorded',
};

/** PostgreSQL error codes that are answers (a conflict), not crashes. */
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
  if (!Object.hasOwn(SQLSTATE_KEYS, code)) return null;
  const constraint = constraintOf(error);
  const specific = constraint !== undefined && Object.hasOwn(CONSTRAINT_KEYS, constraint);
  return new Conflict(specific ? CONSTRAINT_KEYS[constraint]! : SQLSTATE_KEYS[code]!);
}
