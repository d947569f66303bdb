import type { ClinicOption } from '../../db/clinics.js';
import type { ClinicDay, DayAppointment } from '../../db/clinic-day.js';
import type { ProviderOption } from '../../db/providers.js';
import type { Locale } from '../../db/schema.js';
import { CANCELLABLE } from '../../domain/appointments.js';
import { addDays } from '../../domain/dates.js';
import { formatLongDate, localName } from '../format.js';
import { moneyLiveFragment } from '../live.js';
import { TimeRange } from '../time-range.js';
import { AppointmentStatusBadge, isCancelled } from '../status-badges.js';
import { useT } from '../request-context.js';

/** The grid htmx swaps when the day changes (it is also the fragment of an htmx GET). */
export const DAY_VIEW_ID = 'day-view';
export const DAY_VIEW_EMPTY_ID = 'day-view-empty';

export interface DayViewProps {
  locale: Locale;
  timezone: string;
  date: string;
  today: string;
  clinics: ClinicOption[];
  clinic: ClinicOption;
  day: ClinicDay;
  /** The desk may move appointments (a Reschedule link on each one still to come). */
  canReschedule: boolean;
  now: Date;
}

export function dayViewUrl(date: string, clinicId: string): string {
  return `/appointments?date=${date}&clinic=${clinicId}`;
}

export function DayViewPage(props: DayViewProps) {
  const t = useT();
  const { locale, date, today, clinics, clinic } = props;
  return (
    <section class="card day-view-page" aria-labelledby="day-view-title">
      <h1 id="day-view-title">{t('dayViewOf', { clinic: localName(clinic, locale) })}</h1>
      <form method="get" action="/appointments" class="day-view-controls" id="day-view-form">
        <div class="field">
          <label for="day-view-date">{t('date')}</label>
          <input id="day-view-date" type="date" name="date" value={date} required />
        </div>
        <div class="field">
          <label for="day-view-clinic">{t('clinic')}</label>
          <select id="day-view-clinic" name="clinic" required>
            {clinics.map((option) => (
              <option value={option.id} selected={option.id === clinic.id}>
                {localName(option, locale)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button primary">
          {t('show')}
        </button>
      </form>
      <nav class="day-nav" aria-label={t('dayNavigation')}>
        <a id="previous-day" rel="prev" href={dayViewUrl(addDays(date, -1), clinic.id)}>
          {t('previousDay')}
        </a>
        <a
          id="today-link"
          href={dayViewUrl(today, clinic.id)}
          aria-current={date === today ? 'date' : undefined}
        >
          {t('today')}
        </a>
        <a id="next-day" rel="next" href={dayViewUrl(addDays(date, 1), clinic.id)}>
          {t('nextDay')}
        </a>
      </nav>
      <h2 id="day-view-date-heading">{formatLongDate(date, locale)}</h2>
      <DayGrid {...props} />
    </section>
  );
}

interface Column {
  provider: ProviderOption;
  appointments: DayAppointment[];
}

/**
 * One column per active provider of the clinic, plus one for anyone else who has an
 * appointment there that day (a provider since moved or retired): nothing booked is hidden.
 */
function columnsOf(day: ClinicDay): Column[] {
  const columns: Column[] = day.providers.map((provider) => ({ provider, appointments: [] }));
  const byProvider = new Map(columns.map((column) => [column.provider.id, column]));
  for (const appointment of day.appointments) {
    let column = byProvider.get(appointment.provider_id);
    if (!column) {
      column = {
        provider: {
          id: appointment.provider_id,
          name_en: appointment.provider_name_en,
          name_ar: appointment.provider_name_ar,
        },
        appointments: [],
      };
      columns.push(column);
      byProvider.set(column.provider.id, column);
    }
    column.appointments.push(appointment);
  }
  return columns;
}

export function DayGrid(props: DayViewProps) {
  const t = useT();
  const { locale, clinic, day } = props;
  const columns = columnsOf(day);
  // Any booking, cancellation or state change at another desk re-fetches this grid.
  return (
    <div
      id={DAY_VIEW_ID}
      class="day-view"
      hx-get={`/appointments?date=${props.date}&clinic=${clinic.id}`}
      {...moneyLiveFragment}
      hx-swap="outerHTML"
    >
      {day.appointments.length === 0 && (
        <p id={DAY_VIEW_EMPTY_ID} class="empty">
          {t('noAppointmentsOnDay', { clinic: localName(clinic, locale) })}
        </p>
      )}
      {columns.length === 0 ? (
        <p class="empty">{t('noProviders')}</p>
      ) : (
        <div class="day-grid" role="region" aria-label={t('appointmentsByProvider')} tabindex={0}>
          {columns.map((column) => (
            <ProviderColumn {...props} column={column} />
          ))}
        </div>
      )}
    </div>
  );
}

function ProviderColumn(props: DayViewProps & { column: Column }) {
  const t = useT();
  const { locale, column } = props;
  const headingId = `provider-${column.provider.id}-name`;
  return (
    <section class="day-column" id={`provider-${column.provider.id}`} aria-labelledby={headingId}>
      <h3 id={headingId}>{localName(column.provider, locale)}</h3>
      {column.appointments.length === 0 ? (
        <p class="empty">{t('noAppointmentsForProvider')}</p>
      ) : (
        <ol class="day-appointments">
          {column.appointments.map((appointment) => (
            <AppointmentItem {...props} appointment={appointment} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AppointmentItem(props: DayViewProps & { appointment: DayAppointment }) {
  const t = useT();
  const { locale, timezone, clinic, appointment: a } = props;
  const patient = { name_en: a.patient_name_en, name_ar: a.patient_name_ar };
  const service = { name_en: a.service_name_en, name_ar: a.service_name_ar };
  const session =
    a.session_number_in_package !== null && a.package_total_sessions !== null
      ? {
          number: a.session_number_in_package,
          total: a.package_total_sessions,
          name: localName({ name_en: a.package_name_en ?? '', name_ar: a.package_name_ar }, locale),
        }
      : null;
  return (
    <li
      id={`appointment-${a.id}`}
      class={`day-appointment${isCancelled(a.status) ? ' cancelled' : ''}`}
    >
      <a href={`/appointments/${a.id}`}>
        <span class="time">
          <TimeRange start={a.starts_at} end={a.ends_at} timezone={timezone} locale={locale} />
        </span>
        <span class="patient">{localName(patient, locale)}</span>
        <span class="service">{localName(service, locale)}</span>
        <span class="badges">
          <AppointmentStatusBadge status={a.status} />
          {session && (
            <span class="badge badge-package" dir="ltr" title={t('packageSessionOf', session)}>
              {`${clinic.specialty} ${session.number}/${session.total}`}
            </span>
          )}
          {a.patient_balance_due && (
            <span class="badge badge-balance balance-due-badge" title={t('balanceDueTitle')}>
              {t('balanceDueBadge')}
            </span>
          )}
        </span>
      </a>
      {props.canReschedule &&
        a.kind !== 'GROUP' &&
        CANCELLABLE.includes(a.status) &&
        a.starts_at > props.now && (
          <a
            class="reschedule-link"
            href={`/appointments/${a.id}/reschedule`}
            aria-label={`${t('reschedule')}: ${localName(patient, locale)}`}
          >
            {t('reschedule')}
          </a>
        )}
    </li>
  );
}
