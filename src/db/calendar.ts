import { sql } from 'kysely';
import type { Interval, WorkingHours } from '../domain/slots.js';
import { appointmentRows, type AppointmentRow } from './appointment-rows.js';
import type { Database } from './client.js';
import type { ProviderOption } from './providers.js';

/** A calendar's appointment: whether its patient owes money on any purchase too. */
export type CalendarAppointment = AppointmentRow & { patient_balance_due: boolean };

/** Instants as JSON text: json_agg writes timestamptz as ISO 8601 with the offset. */
export interface JsonInterval {
  start: string;
  end: string;
}

/** A column of the desk's calendar: the provider, their week's hours and what keeps them busy. */
export interface CalendarProvider extends ProviderOption {
  /** The clinics the provider works in, by name. */
  clinic_ids: string[];
  hours: WorkingHours[];
  time_off: JsonInterval[];
  /**
   * Busy time the calendar does not show as its own appointments: group sessions, and (for one
   * clinic's calendar) the provider's appointments in other clinics.
   */
  elsewhere: JsonInterval[];
}

/** Which providers: the active ones of a clinic, of every clinic (null), or one by id. */
export type CalendarProviders = { clinicId: string | null } | { providerId: string };

/**
 * The providers of a calendar within `range` in one statement, by name: each with their weekly
 * hours, time off and other busy time ("holding a slot" as in the exclusion constraints).
 */
export async function loadCalendarProviders(
  db: Database,
  tenantId: string,
  which: CalendarProviders,
  range: Interval,
): Promise<CalendarProvider[]> {
  const clinicId = 'clinicId' in which ? which.clinicId : null;
  const rangeOverlaps = sql`tstzrange(starts_at, ends_at) && tstzrange(${range.start}, ${range.end})`;
  const chosen =
    'providerId' in which
      ? sql`p.id = ${which.providerId}`
      : sql`p.active and exists (select from provider_clinics pc
          where pc.tenant_id = p.tenant_id and pc.provider_id = p.id
            and (${clinicId}::uuid is null or pc.clinic_id = ${clinicId}))`;
  const { rows } = await sql<CalendarProvider>`
    select p.id, p.name_en, p.name_ar,
      (select coalesce(json_agg(pc.clinic_id order by c.name_en), '[]')
        from provider_clinics pc join clinics c on c.tenant_id = pc.tenant_id and c.id = pc.clinic_id
        where pc.tenant_id = p.tenant_id and pc.provider_id = p.id) as clinic_ids,
      (select coalesce(json_agg(json_build_object(
          'weekday', s.weekday, 'start_time', s.start_time, 'end_time', s.end_time)), '[]')
        from provider_schedules s where s.tenant_id = p.tenant_id and s.provider_id = p.id) as hours,
      (select coalesce(json_agg(json_build_object('start', t.starts_at, 'end', t.ends_at)
          order by t.starts_at), '[]')
        from provider_time_off t where t.tenant_id = p.tenant_id and t.provider_id = p.id
          and t.starts_at < ${range.end} and t.ends_at > ${range.start}) as time_off,
      (select coalesce(json_agg(busy), '[]') from (
        select starts_at as "start", ends_at as "end" from appointments
          where tenant_id = p.tenant_id and provider_id = p.id and kind <> 'GROUP'
            and status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED')
            and ${clinicId}::uuid is not null and clinic_id <> ${clinicId}
            and ${rangeOverlaps}
        union all
        select starts_at, ends_at from group_sessions
          where tenant_id = p.tenant_id and provider_id = p.id and status = 'SCHEDULED'
            and ${rangeOverlaps}
      ) as busy) as elsewhere
    from providers p
    where p.tenant_id = ${tenantId} and ${chosen}
    order by p.name_en, p.id
  `.execute(db);
  return rows;
}

/**
 * The appointments starting within `range` of a clinic (every clinic: null) or of one provider,
 * in time order, cancelled ones included. One query whatever their number.
 */
export function loadCalendarAppointments(
  db: Database,
  tenantId: string,
  which: CalendarProviders,
  range: Interval,
): Promise<CalendarAppointment[]> {
  let query = appointmentRows(db, tenantId)
    .select(
      sql<boolean>`exists (select from package_purchases owed
        where owed.tenant_id = appointments.tenant_id and owed.patient_id = appointments.patient_id
          and owed.amount_paid < owed.price - owed.discount)`.as('patient_balance_due'),
    )
    .where('appointments.starts_at', '>=', range.start)
    .where('appointments.starts_at', '<', range.end);
  if ('providerId' in which) {
    query = query.where('appointments.provider_id', '=', which.providerId);
  } else if (which.clinicId) {
    query = query.where('appointments.clinic_id', '=', which.clinicId);
  }
  return query
    .orderBy('appointments.starts_at')
    .orderBy('appointments.ends_at')
    .orderBy('appointments.id')
    .execute();
}

/** The active providers who work in a clinic, by name: the week view's choice. */
export function listWorkingProviders(db: Database, tenantId: string): Promise<ProviderOption[]> {
  return db
    .selectFrom('providers')
    .select(['id', 'name_en', 'name_ar'])
    .where('tenant_id', '=', tenantId)
    .where('active', '=', true)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('provider_clinics')
          .whereRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
          .whereRef('provider_clinics.provider_id', '=', 'providers.id'),
      ),
    )
    .orderBy('name_en')
    .orderBy('id')
    .execute();
}
