import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { ProviderOption } from '../../db/providers.js';
import type { Locale } from '../../db/schema.js';
import type { Slot } from '../../domain/slots.js';
import { Form, TextField } from '../forms.js';
import { formatDate, localName } from '../format.js';
import { useT } from '../request-context.js';
import { AppointmentFacts } from './appointment-facts.js';
import { DateDurationFields, SLOT_LIST_ID, SLOT_LIST_SYNC, SlotList } from './schedule-fields.js';

export const RESCHEDULE_FORM_ID = 'reschedule-form';
export const RESCHEDULE_ERROR_ID = 'reschedule-error';

export interface RescheduleState {
  providerId: string;
  date: string;
  duration: number;
  /** Earliest date offered: today at the tenant. */
  minDate: string;
}

/** The slot list's address for this appointment (it leaves the appointment's own time free). */
export function rescheduleSlotsUrl(appointmentId: string): string {
  return `/appointments/${appointmentId}/reschedule/slots`;
}

/**
 * The slot picker of a booking, prefilled with the appointment's provider, day and length:
 * another provider of the clinic, day or length re-asks the free times (one round-trip).
 */
export function ReschedulePage(props: {
  locale: Locale;
  timezone: string;
  details: AppointmentRow;
  providers: ProviderOption[];
  state: RescheduleState;
  slots: Slot[];
  csrfToken: string;
}) {
  const t = useT();
  const { locale, timezone, details, state } = props;
  const slotsUrl = rescheduleSlotsUrl(details.id);
  const refresh = {
    'hx-get': slotsUrl,
    'hx-trigger': 'change',
    'hx-include': `#${RESCHEDULE_FORM_ID}`,
    'hx-target': `#${SLOT_LIST_ID}`,
    'hx-swap': 'outerHTML',
    'hx-sync': SLOT_LIST_SYNC,
  };
  const expiry = details.package_expiry_date;
  return (
    <section class="card stack" aria-labelledby="reschedule-title">
      <h1 id="reschedule-title">{t('rescheduleTitle')}</h1>
      <AppointmentFacts locale={locale} timezone={timezone} appointment={details} withPatient />
      <p class="muted">{t('rescheduleKeepsSession')}</p>
      {expiry && (
        <p class="muted" id="reschedule-expiry">
          {t('packageExpiresOn', { date: formatDate(expiry, locale) })}
        </p>
      )}
      <Form
        id={RESCHEDULE_FORM_ID}
        action={`/appointments/${details.id}/reschedule`}
        csrfToken={props.csrfToken}
        hx-post={`/appointments/${details.id}/reschedule`}
        hx-disabled-elt="find button"
      >
        <div id={RESCHEDULE_ERROR_ID} aria-live="assertive"></div>
        <div class="field">
          <label for="reschedule-provider">{t('provider')}</label>
          <select id="reschedule-provider" name="provider_id" required {...refresh}>
            {props.providers.map((provider) => (
              <option value={provider.id} selected={provider.id === state.providerId}>
                {localName(provider, locale)}
              </option>
            ))}
          </select>
        </div>
        <DateDurationFields
          ids={{ date: 'reschedule-date', duration: 'reschedule-duration' }}
          date={state.date}
          minDate={state.minDate}
          maxDate={expiry ?? undefined}
          duration={state.duration}
          refresh={refresh}
        />
        <SlotList
          locale={locale}
          source={{ url: slotsUrl, form: `#${RESCHEDULE_FORM_ID}` }}
          choices={{ kind: 'slots', slots: props.slots, timezone }}
        />
        <TextField name="reason" id="reschedule-reason" label={t('rescheduleReason')} required />
        <p class="actions">
          <button type="submit" class="button primary" id="reschedule-button">
            {t('moveAppointment')}
          </button>
          <a class="button" href={`/appointments/${details.id}`}>
            {t('backToAppointment')}
          </a>
        </p>
      </Form>
    </section>
  );
}
