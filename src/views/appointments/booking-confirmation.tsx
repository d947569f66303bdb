import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { Booking } from '../../db/appointments.js';
import type { Locale } from '../../db/schema.js';
import { localDate } from '../../domain/dates.js';
import { AppointmentFacts } from './appointment-facts.js';
import { useT } from '../request-context.js';

/** Replaces the booking form once the appointment exists. */
export function BookingConfirmation(props: {
  locale: Locale;
  timezone: string;
  details: AppointmentRow;
  booking: Booking;
}) {
  const t = useT();
  const { locale, timezone, details, booking } = props;
  const day = localDate(timezone, details.starts_at);
  return (
    <section id="booking-form" class="booking-confirmation" aria-labelledby="booked-title">
      <h2 id="booked-title">{t('appointmentBooked')}</h2>
      <AppointmentFacts locale={locale} timezone={timezone} appointment={details} withPatient />
      {booking.nearExpiry && booking.purchase && (
        <p class="alert alert-warning" role="alert">
          {t('lastWeekWarning', { date: booking.purchase.expiry_date })}
        </p>
      )}
      <p class="home-links">
        <a
          class="button primary"
          id="book-another"
          href={`/appointments/new?patient_id=${details.patient_id}`}
        >
          {t('bookAnother')}
        </a>
        <a class="button" href={`/appointments?date=${day}&clinic=${details.clinic_id}`}>
          {t('dayView')}
        </a>
        <a class="button" href={`/appointments/${details.id}`}>
          {t('openAppointment')}
        </a>
      </p>
    </section>
  );
}
