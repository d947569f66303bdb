import { dayBounds } from '../domain/slots.js';
import { appointmentRows, type AppointmentRow } from './appointment-rows.js';
import type { Database } from './client.js';
import type { ProviderOption } from './providers.js';

/** The provider a PROVIDER user is (admins link them); undefined when none is linked. */
export function findProviderOfUser(
  db: Database,
  tenantId: string,
  userId: string,
): Promise<ProviderOption | undefined> {
  return db
    .selectFrom('providers')
    .select(['id', 'name_en', 'name_ar'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * A provider's appointments starting on the tenant-local days `from` to `to` (inclusive), in
 * every clinic, in time order, cancelled ones included. One query.
 */
export function loadProviderAppointments(
  db: Database,
  tenantId: string,
  providerId: string,
  days: { from: string; to: string; timezone: string },
): Promise<AppointmentRow[]> {
  const { start } = dayBounds(days.from, days.timezone);
  const { end } = dayBounds(days.to, days.timezone);
  return appointmentRows(db, tenantId)
    .where('appointments.provider_id', '=', providerId)
    .where('appointments.starts_at', '>=', start)
    .where('appointments.starts_at', '<', end)
    .orderBy('appointments.starts_at')
    .orderBy('appointments.id')
    .execute();
}

/**
 * Who saw this patient for this service last (a past appointment that was not cancelled or
 * missed): the booking form's default provider for the next session.
 */
export async function lastProviderFor(
  db: Database,
  tenantId: string,
  patient: { patientId: string; serviceId: string },
  now: Date,
): Promise<string | null> {
  const row = await db
    .selectFrom('appointments')
    .select('provider_id')
    .where('tenant_id', '=', tenantId)
    .where('patient_id', '=', patient.patientId)
    .where('service_id', '=', patient.serviceId)
    .where('status', 'not in', ['CANCELLED', 'LATE_CANCELLED', 'NO_SHOW'])
    .where('starts_at', '<', now)
    .orderBy('starts_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.provider_id ?? null;
}

/** The last day a purchase may be booked on, or undefined when it is not the tenant's. */
export async function purchaseExpiry(
  db: Database,
  tenantId: string,
  purchaseId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('package_purchases')
    .select('expiry_date')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .executeTakeFirst();
  return row?.expiry_date;
}
