/** Rules about a patient's registration details. Pure functions. */

/** Generated MRNs: 'MRN-000042'. Typed ones may be any code of letters, digits and dashes. */
export const GENERATED_MRN_PREFIX = 'MRN-';
export const MRN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,29}$/;
/** E.164 allows 15 digits; shorter than 7 is not a phone number anywhere. */
export const PHONE_PATTERN = /^\+?\d{7,15}$/;
/** Nobody registers at a therapy centre older than this. */
export const MAX_AGE_YEARS = 130;

export function formatGeneratedMrn(number: number): string {
  return `${GENERATED_MRN_PREFIX}${String(number).padStart(6, '0')}`;
}

/** '+966 50-123 (4567)' → '+966501234567': spaces, dashes, dots and brackets go. */
export function normalisePhone(text: string): string {
  return text.replace(/[\s\-.()]/g, '');
}

/** Why a date of birth cannot be right, as a message key; null when it is plausible. */
export function dateOfBirthProblem(
  dateOfBirth: string,
  today: string,
): 'dateOfBirthInFuture' | 'dateOfBirthTooOld' | null {
  if (dateOfBirth > today) return 'dateOfBirthInFuture';
  const oldest = `${Number(today.slice(0, 4)) - MAX_AGE_YEARS}${today.slice(4)}`;
  return dateOfBirth < oldest ? 'dateOfBirthTooOld' : null;
}
