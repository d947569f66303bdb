import { Conflict } from '../domain/errors.js';

/** PostgreSQL error codes that are answers (a conflict), not crashes. */
const CONFLICT_MESSAGES: Record<string, string> = {
  '23P01': 'That time overlaps another appointment. Please choose another slot.',
  '23505': 'This was already recorded. Please refresh and try again.',
  '23514': 'That would break a rule of the package (no sessions left?). Please refresh.',
  '40001': 'Someone else changed this at the same moment. Please try again.',
  // Two overlapping inserts of one patient (or provider) wait on each other's exclusion check;
  // PostgreSQL aborts one of them, and the other one's booking stands.
  '40P01': 'Someone else changed this at the same moment. Please try again.',
};

export function conflictFromDatabaseError(error: unknown): Conflict | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const message = CONFLICT_MESSAGES[code];
  return message ? new Conflict(message) : null;
}
