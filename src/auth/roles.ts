import type { Role } from '../db/schema.js';

/** Who may sell packages and book (SPEC §4): the desk and administrators. */
export const BOOKING_ROLES: readonly Role[] = ['ADMIN', 'FRONT_DESK'];

export function canBook(role: Role): boolean {
  return BOOKING_ROLES.includes(role);
}
