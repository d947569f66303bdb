/** Rules about a patient's purchases. Pure functions. */

import { addDays } from './dates.js';
import { Conflict, NotFound, ValidationFailed } from './errors.js';

export interface PurchaseFacts {
  id: string;
  total_sessions: number;
  sessions_used: number;
  expiry_date: string;
  status: string;
}

export function sessionsRemaining(purchase: PurchaseFacts): number {
  return purchase.total_sessions - purchase.sessions_used;
}

/** Expired by date (in the tenant's calendar) or marked so. */
export function isExpired(purchase: PurchaseFacts, today: string): boolean {
  return purchase.status === 'EXPIRED' || purchase.expiry_date < today;
}

export function isUsable(purchase: PurchaseFacts, today: string): boolean {
  return (
    purchase.status === 'ACTIVE' && !isExpired(purchase, today) && sessionsRemaining(purchase) > 0
  );
}

/** Usable purchases first, earliest expiry first (use what runs out soonest), then the rest. */
export function orderForModal<T extends PurchaseFacts>(purchases: T[], today: string): T[] {
  return [...purchases].sort(
    (a, b) =>
      Number(isUsable(b, today)) - Number(isUsable(a, today)) ||
      a.expiry_date.localeCompare(b.expiry_date),
  );
}

/** The one to suggest: the usable purchase that expires first. */
export function suggestedPurchaseId(purchases: PurchaseFacts[], today: string): string | null {
  return orderForModal(purchases, today).find((p) => isUsable(p, today))?.id ?? null;
}

/**
 * The purchase a booking may use: this patient's (else 404, as if it did not exist), not
 * expired on `today` when given (a booking checks its slot's date instead), with sessions
 * left and still active (else 409 with the reason).
 */
export function checkBookable<T extends PurchaseFacts & { patient_id: string }>(
  purchase: T | undefined,
  patientId: string,
  today?: string,
): T {
  if (!purchase || purchase.patient_id !== patientId) throw new NotFound('packageNotFound');
  if (purchase.status === 'EXPIRED' || (today !== undefined && isExpired(purchase, today))) {
    throw new Conflict('packageExpired', { date: purchase.expiry_date });
  }
  if (sessionsRemaining(purchase) <= 0) throw new Conflict('noSessionsLeft');
  if (purchase.status !== 'ACTIVE') throw new Conflict('packageUnusable');
  return purchase;
}

/** An extension of a purchase's validity: to a given date, or by a number of days. */
export type ExpiryExtension = { date: string } | { days: number };

export const MAX_EXTENSION_DAYS = 3650;

/** Purchases whose validity may still be extended: not used up, cancelled or transferred. */
export function isExtendable(purchase: { status: string }): boolean {
  return purchase.status === 'ACTIVE' || purchase.status === 'EXPIRED';
}

/** A new expiry date that is not later than the current one, or too far after it: 422. */
export class ExpiryRefused extends ValidationFailed {
  constructor(
    readonly problem: 'notLater' | 'tooFar',
    readonly currentExpiry: string,
  ) {
    super(
      { expiry_date: problem === 'notLater' ? 'extendDateNotLater' : 'extendDateTooFar' },
      { date: currentExpiry },
    );
  }
}

/** The expiry date after an extension: later than the current one, by at most MAX_EXTENSION_DAYS. */
export function extendedExpiry(currentExpiry: string, extension: ExpiryExtension): string {
  const date = 'days' in extension ? addDays(currentExpiry, extension.days) : extension.date;
  if (date <= currentExpiry) throw new ExpiryRefused('notLater', currentExpiry);
  if (date > addDays(currentExpiry, MAX_EXTENSION_DAYS)) {
    throw new ExpiryRefused('tooFar', currentExpiry);
  }
  return date;
}
