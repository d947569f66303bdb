import type { Database } from './client.js';

/**
 * Appointments with the names every screen shows beside them (patient, provider, clinic,
 * service, the purchase's snapshot), scoped to one tenant. Callers add their filter and order:
 * the day view by clinic and day, the patient page by patient, the appointment page by id.
 */
export function appointmentRows(db: Database, tenantId: string) {
  return db
    .selectFrom('appointments')
    .innerJoin('patients', (join) =>
      join
        .onRef('patients.tenant_id', '=', 'appointments.tenant_id')
        .onRef('patients.id', '=', 'appointments.patient_id'),
    )
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.tenant_id', '=', 'appointments.tenant_id')
        .onRef('providers.id', '=', 'appointments.provider_id'),
    )
    .innerJoin('clinics', (join) =>
      join
        .onRef('clinics.tenant_id', '=', 'appointments.tenant_id')
        .onRef('clinics.id', '=', 'appointments.clinic_id'),
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
      'appointments.kind',
      'appointments.status',
      'appointments.status_reason',
      'appointments.starts_at',
      'appointments.ends_at',
      'appointments.session_number_in_package',
      'appointments.patient_id',
      'appointments.provider_id',
      'appointments.clinic_id',
      'appointments.package_purchase_id',
      'appointments.group_session_id',
      'patients.name_en as patient_name_en',
      'patients.name_ar as patient_name_ar',
      'patients.mrn as patient_mrn',
      'providers.name_en as provider_name_en',
      'providers.name_ar as provider_name_ar',
      'providers.user_id as provider_user_id',
      'clinics.name_en as clinic_name_en',
      'clinics.name_ar as clinic_name_ar',
      'clinics.specialty as clinic_specialty',
      'services.name_en as service_name_en',
      'services.name_ar as service_name_ar',
      'package_purchases.name_en as package_name_en',
      'package_purchases.name_ar as package_name_ar',
      'package_purchases.total_sessions as package_total_sessions',
      'package_purchases.expiry_date as package_expiry_date',
    ])
    .where('appointments.tenant_id', '=', tenantId);
}

export type AppointmentRow = Awaited<
  ReturnType<ReturnType<typeof appointmentRows>['executeTakeFirstOrThrow']>
>;

export function findAppointmentRow(
  db: Database,
  tenantId: string,
  appointmentId: string,
): Promise<AppointmentRow | undefined> {
  return appointmentRows(db, tenantId)
    .where('appointments.id', '=', appointmentId)
    .executeTakeFirst();
}

/** Several appointments (a course just booked), in time order. */
export function findAppointmentRows(
  db: Database,
  tenantId: string,
  appointmentIds: string[],
): Promise<AppointmentRow[]> {
  if (appointmentIds.length === 0) return Promise.resolve([]);
  return appointmentRows(db, tenantId)
    .where('appointments.id', 'in', appointmentIds)
    .orderBy('appointments.starts_at')
    .execute();
}
