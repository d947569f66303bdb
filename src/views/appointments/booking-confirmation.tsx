import type { AppointmentDetails, Booking } from '../../db/appointments.js';
import type { Locale } from '../../db/schema.js';
import { localDate } from '../../domain/dates.js';
import { formatDateAt } from '../format.js';
import type { Translate } from '../i18n.js';
import { TimeRange } from '../time-range.js';

/** Replaces the booking form once the appointment exists. */
export function BookingConfirmation(props: {
  t: Translate;
  locale: Locale;
  timezone: string;
  details: AppointmentDetails;
  booking: Booking;
}) {
  const { t, locale, timezone, details, booking } = props;
  const ar = locale === 'ar';
  const day = localDate(timezone, details.starts_at);
  return (
    <section id="booking-form" class="booking-confirmation" aria-labelledby="booked-title">
      <h2 id="booked-title">{t('appointmentBooked')}</h2>
      <dl class="facts">
        <dt>{t('patient')}</dt>
        <dd>{ar && details.patient_ar ? details.patient_ar : details.patient_en}</dd>
        <dt>{t('service')}</dt>
        <dd>{ar ? details.service_ar : details.service_en}</dd>
        <dt>{t('provider')}</dt>
        <dd>
          {ar ? details.provider_ar : details.provider_en} ·{' '}
          {ar ? details.clinic_ar : details.clinic_en}
        </dd>
        <dt>{t('when')}</dt>
        <dd>
          {formatDateAt(details.starts_at, timezone, locale)}{' '}
          <TimeRange
            start={details.starts_at}
            end={details.ends_at}
            timezone={timezone}
            locale={locale}
          />
        </dd>
        {details.session_number_in_package !== null && (
          <>
            <dt>{t('packageName')}</dt>
            <dd id="booked-session">
              {ar ? details.package_ar : details.package_en} ·{' '}
              {t('sessionOfTotal', {
                number: details.session_number_in_package,
                total: details.total_sessions ?? 0,
              })}
            </dd>
          </>
        )}
      </dl>
      {booking.nearExpiry && booking.purchase && (
        <p class="alert alert-warning" role="alert">
          {t('lastWeekWarning', { date: booking.purchase.expiry_date })}
        </p>
      )}
      <p class="home-links">
        <a class="button primary" href="/appointments/new">
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
