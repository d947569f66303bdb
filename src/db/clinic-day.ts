import { sql } from 'kysely';
import { dayBounds } from '../domain/slots.js';
import { appointmentRows, type AppointmentRow } from './appointment-rows.js';
import type { Database } from './client.js';
import { listProvidersForClinic, type ProviderOption } from './providers.js';

/** A day view's appointment: whether its patient owes money on any purchase too. */
export type DayAppointment = AppointmentRow & { patient_balance_due: boolean };

export interface ClinicDay {
  providers: ProviderOption[];
  appointments: DayAppointment[];
}

/**
 * A clinic's day: its active providers and its appointments starting that tenant-local day,
 * in time order, cancelled ones included. Two queries whatever the number of appointments.
 */
export async function loadClinicDay(
  db: Database,
  tenantId: string,
  clinicId: string,
  day: { date: string; timezone: string },
): Promise<ClinicDay> {
  const { start: from, end: to } = dayBounds(day.date, day.timezone);
  const providers = await listProvidersForClinic(db, tenantId, clinicId);
  const appointments = await appointmentRows(db, tenantId)
    .select(
      sql<boolean>`exists (select from package_purchases owed
        where owed.tenant_id = appointments.tenant_id and owed.patient_id = appointments.patient_id
          and owed.amount_paid < owed.price - owed.discount)`.as('patient_balance_due'),
    )
    .where('appointments.clinic_id', '=', clinicId)
    .where('appointments.starts_at', '>=', from)
    .where('appointments.starts_at', '<', to)
    .orderBy('appointments.starts_at')
    .orderBy('appointments.ends_at')
    .orderBy('appointments.id')
    .execute();

  return { providers, appointments };
}
