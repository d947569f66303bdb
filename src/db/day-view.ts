import { dayBounds } from '../domain/slots.js';
import type { Database } from './client.js';
import type { AppointmentStatus } from './schema.js';

export interface DayViewProvider {
  id: string;
  name_en: string;
  name_ar: string;
}

export interface DayViewAppointment {
  id: string;
  provider_id: string;
  provider_name_en: string;
  provider_name_ar: string;
  starts_at: Date;
  ends_at: Date;
  status: AppointmentStatus;
  patient_id: string;
  patient_name_en: string;
  patient_name_ar: string | null;
  service_name_en: string;
  service_name_ar: string;
  session_number_in_package: number | null;
  /** The purchase's snapshot, for package appointments only. */
  package_name_en: string | null;
  package_name_ar: string | null;
  package_total_sessions: number | null;
}

export interface DayView {
  providers: DayViewProvider[];
  appointments: DayViewAppointment[];
}

/**
 * A clinic's day: its active providers and its appointments starting that tenant-local day,
 * in time order, cancelled ones included. Two queries whatever the number of appointments.
 */
export async function loadDayView(
  db: Database,
  tenantId: string,
  clinicId: string,
  day: { date: string; timezone: string },
): Promise<DayView> {
  const { start: from, end: to } = dayBounds(day.date, day.timezone);
  const providers = await db
    .selectFrom('providers')
    .innerJoin('provider_clinics', (join) =>
      join
        .onRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
        .onRef('provider_clinics.provider_id', '=', 'providers.id'),
    )
    .select(['providers.id', 'providers.name_en', 'providers.name_ar'])
    .where('providers.tenant_id', '=', tenantId)
    .where('provider_clinics.clinic_id', '=', clinicId)
    .where('providers.active', '=', true)
    .orderBy('providers.name_en')
    .execute();

  const appointments = await db
    .selectFrom('appointments')
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'appointments.tenant_id')
        .onRef('providers.id', '=', 'appointments.provider_id'),
    )
    .innerJoin('patients', (join) =>
      join
        .onRef('patients.tenant_id', '=', 'appointments.tenant_id')
        .onRef('patients.id', '=', 'appointments.patient_id'),
    )
    .innerJoin('services', (join) =>
      join
        .onRef('services.tenant_id', '=', 'appointments.tenant_id')
        .onRef('services.id', '=', 'appointments.service_id'),
    )
    .leftJoin('package_purchases', (join) =>
      join
        .onRef('package_purchases.tenant_id', '=', 'appointments.tenant_id')
        .onRef('package_purchases.id', '=', 'appointments.package_purchase_id'),
    )
    .select([
      'appointments.id',
      'appointments.provider_id',
      'providers.name_en as provider_name_en',
      'providers.name_ar as provider_name_ar',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.status',
      'appointments.patient_id',
      'patients.name_en as patient_name_en',
      'patients.name_ar as patient_name_ar',
      'services.name_en as service_name_en',
      'services.name_ar as service_name_ar',
      'appointments.session_number_in_package',
      'package_purchases.name_en as package_name_en',
      'package_purchases.name_ar as package_name_ar',
      'package_purchases.total_sessions as package_total_sessions',
    ])
    .where('appointments.tenant_id', '=', tenantId)
    .where('appointments.clinic_id', '=', clinicId)
    .where('appointments.starts_at', '>=', from)
    .where('appointments.starts_at', '<', to)
    .orderBy('appointments.starts_at')
    .orderBy('appointments.ends_at')
    .orderBy('appointments.id')
    .execute();

  return { providers, appointments };
}
