import type { Role } from '../db/schema.js';

/** Who may sell packages and book (SPEC §4): the desk and administrators. */
export const BOOKING_ROLES: readonly Role[] = ['ADMIN', 'FRONT_DESK'];

export function canBook(role: Role): boolean {
  return BOOKING_ROLES.includes(role);
}

/** Who takes payments for packages (SPEC §7). */
export const PAYMENT_ROLES: readonly Role[] = ['ADMIN', 'FRONT_DESK', 'FINANCE'];

/** Who gives money back, and grants discounts: money operations beyond the desk's. */
export const REFUND_ROLES: readonly Role[] = ['ADMIN', 'FINANCE'];

/** Who reads the centre's reports: sales, liability, usage (SPEC §7). */
export const REPORT_ROLES: readonly Role[] = ['ADMIN', 'FINANCE'];

export function canReadReports(role: Role): boolean {
  return REPORT_ROLES.includes(role);
}
