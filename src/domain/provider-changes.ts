import { DateTime } from 'luxon';
import { DomainError } from './errors.js';
import type { Interval, WorkingHours } from './slots.js';

/**
 * A change to a provider's clinics, weekly hours or time off must not silently strand the
 * appointments already booked with them: these rules find the ones it would leave out.
 */

/** A live (booked or confirmed), future appointment of the provider, with what a desk reads. */
export interface LiveAppointment {
  id: string;
  starts_at: Date;
  ends_at: Date;
  clinic_id: string;
  patient_name_en: string;
  patient_name_ar: string | null;
  service_name_en: string;
  service_name_ar: string;
}

/** 'HH:MM[:SS]' → minutes after midnight. */
function minutesOf(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Appointments not wholly inside one range of their weekday (in the tenant's zone). */
export function outsideHours(
  appointments: LiveAppointment[],
  hours: WorkingHours[],
  timezone: string,
): LiveAppointment[] {
  return appointments.filter((appointment) => {
    const start = DateTime.fromJSDate(appointment.starts_at, { zone: timezone });
    const end = DateTime.fromJSDate(appointment.ends_at, { zone: timezone });
    const weekday = start.weekday % 7; // luxon: Monday 1 … Sunday 7; ours: Sunday 0
    const from = start.hour * 60 + start.minute;
    const to = start.hasSame(end, 'day') ? end.hour * 60 + end.minute : 24 * 60 + 1;
    return !hours.some(
      (range) =>
        range.weekday === weekday &&
        minutesOf(range.start_time) <= from &&
        to <= minutesOf(range.end_time),
    );
  });
}

export function duringTimeOff(appointments: LiveAppointment[], off: Interval): LiveAppointment[] {
  return appointments.filter(
    (appointment) => appointment.starts_at < off.end && appointment.ends_at > off.start,
  );
}

export function outsideClinics(
  appointments: LiveAppointment[],
  clinicIds: string[],
): LiveAppointment[] {
  return appointments.filter((appointment) => !clinicIds.includes(appointment.clinic_id));
}

/** Refused (409) unless the administrator confirms keeping them as they are. */
export class StrandedAppointments extends DomainError {
  constructor(readonly appointments: LiveAppointment[]) {
    super(409, 'strandedAppointments', { count: appointments.length });
  }
}

/** Ranges of one weekday that overlap, by index in `ranges` (the later one of each pair). */
export function overlappingRanges(ranges: WorkingHours[]): number[] {
  return ranges.flatMap((range, index) =>
    ranges
      .slice(0, index)
      .some(
        (earlier) =>
          earlier.weekday === range.weekday &&
          minutesOf(earlier.start_time) < minutesOf(range.end_time) &&
          minutesOf(range.start_time) < minutesOf(earlier.end_time),
      )
      ? [index]
      : [],
  );
}
