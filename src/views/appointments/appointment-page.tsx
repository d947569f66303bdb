import { CSRF_FIELD } from '../../auth/csrf.js';
import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { AppointmentMessage } from '../../db/messages.js';
import type { Locale } from '../../db/schema.js';
import type { StepStatus } from '../../domain/appointments.js';
import { localDate } from '../../domain/dates.js';
import { AppointmentFacts } from './appointment-facts.js';
import { AppointmentMessages } from './appointment-messages.js';
import { AppointmentStatusBadge } from '../status-badges.js';
import { useT } from '../request-context.js';

export const APPOINTMENT_ID = 'appointment';
export const APPOINTMENT_ERROR_ID = 'appointment-error';

export interface AppointmentActions {
  canCancel: boolean;
  canReschedule: boolean;
  /** Inside the cancellation window of a package session: its hours (the session would be used). */
  lateCancellation: number | null;
  canWaive: boolean;
  nextStatuses: StepStatus[];
  /** A status marked by mistake may be set back to booked (today, by the desk). */
  canRevert: boolean;
  csrfToken: string;
}

/** One appointment, and what the signed-in user may do with it. */
export function AppointmentSection(props: {
  locale: Locale;
  timezone: string;
  details: AppointmentRow;
  messages: AppointmentMessage[];
  actions: AppointmentActions;
}) {
  const t = useT();
  const { locale, timezone, details, actions } = props;
  const ar = locale === 'ar';
  const day = localDate(timezone, details.starts_at);
  const action = (path: string) => ({
    method: 'post' as const,
    action: `/appointments/${details.id}/${path}`,
    'hx-post': `/appointments/${details.id}/${path}`,
    'hx-target': `#${APPOINTMENT_ID}`,
    'hx-swap': 'outerHTML',
    'hx-disabled-elt': 'find button',
  });
  return (
    <section id={APPOINTMENT_ID} class="card stack" aria-labelledby="appointment-title">
      <h1 id="appointment-title">
        {ar && details.patient_name_ar ? details.patient_name_ar : details.patient_name_en}{' '}
        <AppointmentStatusBadge status={details.status} />
      </h1>
      <AppointmentFacts locale={locale} timezone={timezone} appointment={details} />
      <div id={APPOINTMENT_ERROR_ID} aria-live="assertive"></div>
      {actions.nextStatuses.length > 0 && (
        <form {...action('status')} class="actions">
          <input type="hidden" name={CSRF_FIELD} value={actions.csrfToken} />
          {actions.nextStatuses.map((status) => (
            <button type="submit" name="status" value={status} class="button">
              {t(`markAs_${status}`)}
            </button>
          ))}
        </form>
      )}
      {actions.canRevert && (
        <form {...action('revert')} class="stack revert-form">
          <input type="hidden" name={CSRF_FIELD} value={actions.csrfToken} />
          <div class="field">
            <label for="revert-reason">{t('revertReason')}</label>
            <input id="revert-reason" name="reason" required maxlength={500} />
          </div>
          <button type="submit" class="button">
            {t('revertToBooked')}
          </button>
        </form>
      )}
      {actions.canReschedule && (
        <p class="actions">
          <a class="button" id="reschedule-link" href={`/appointments/${details.id}/reschedule`}>
            {t('reschedule')}
          </a>
        </p>
      )}
      {actions.canCancel && (
        <form {...action('cancel')} class="stack cancel-form">
          <input type="hidden" name={CSRF_FIELD} value={actions.csrfToken} />
          {actions.lateCancellation !== null && (
            <p class="alert alert-warning" id="late-cancellation">
              {t('lateCancellationWarning', { hours: actions.lateCancellation })}{' '}
              {actions.canReschedule && (
                <a href={`/appointments/${details.id}/reschedule`}>{t('reschedule')}</a>
              )}
            </p>
          )}
          <div class="field">
            <label for="cancel-reason">{t('cancellationReason')}</label>
            <input id="cancel-reason" name="reason" required maxlength={500} />
          </div>
          {actions.lateCancellation !== null && actions.canWaive && (
            <label class="check">
              <input type="checkbox" name="waive" value="on" id="cancel-waive" /> {t('waiveCharge')}
            </label>
          )}
          <button type="submit" class="button danger">
            {t('cancelAppointment')}
          </button>
        </form>
      )}
      <AppointmentMessages messages={props.messages} locale={locale} timezone={timezone} />
      <p class="home-links">
        <a href={`/appointments?date=${day}&clinic=${details.clinic_id}`}>{t('dayView')}</a>
        <a href={`/patients/${details.patient_id}`}>{t('patientPage')}</a>
      </p>
    </section>
  );
}
