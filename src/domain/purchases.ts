/** Rules about a patient's purchases as the package modal shows them. Pure functions. */

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
