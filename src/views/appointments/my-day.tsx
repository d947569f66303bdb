import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { ProviderOption } from '../../db/providers.js';
import type { Locale } from '../../db/schema.js';
import type { StepStatus } from '../../domain/appointments.js';
import { addDays } from '../../domain/dates.js';
import { CSRF_FIELD } from '../../auth/csrf.js';
import { formatLongDate, localName } from '../format.js';
import { liveFragment } from '../live.js';
import { TimeRange } from '../time-range.js';
import { AppointmentStatusBadge, isCancelled } from '../status-badges.js';
import { useT } from '../request-context.js';

/** The list htmx re-fetches (live, and after this page's own status change). */
export const MY_DAY_ID = 'my-day';
export const MY_WEEK_ID = 'my-week';

/** One appointment and the steps its provider may take on it now (SPEC §2 guards). */
export interface MyAppointment {
  row: AppointmentRow;
  nextStatuses: StepStatus[];
}

interface Common {
  locale: Locale;
  timezone: string;
  today: string;
  provider: ProviderOption | null;
  csrfToken: string;
}

export function myDayUrl(date: string): string {
  return `/my-day?date=${date}`;
}

export function myWeekUrl(date: string): string {
  return `/my-day/week?date=${date}`;
}

function NoProvider() {
  const t = useT();
  return (
    <p class="alert alert-warning" id="no-provider-linked">
      {t('noProviderLinked')}
    </p>
  );
}

export function MyDayPage(props: Common & { date: string; appointments: MyAppointment[] }) {
  const t = useT();
  const { locale, date, today, provider } = props;
  return (
    <section class="card my-day-page" aria-labelledby="my-day-title">
      <h1 id="my-day-title">
        {provider ? t('myDayTitle', { name: localName(provider, locale) }) : t('myDay')}
      </h1>
      <nav class="day-nav" aria-label={t('dayNavigation')}>
        <a id="previous-day" rel="prev" href={myDayUrl(addDays(date, -1))}>
          {t('previousDay')}
        </a>
        <a
          id="today-link"
          href={myDayUrl(today)}
          aria-current={date === today ? 'date' : undefined}
        >
          {t('today')}
        </a>
        <a id="next-day" rel="next" href={myDayUrl(addDays(date, 1))}>
          {t('nextDay')}
        </a>
        <a id="my-week-link" href={myWeekUrl(date)}>
          {t('myWeek')}
        </a>
      </nav>
      <h2 id="my-day-date">{formatLongDate(date, locale)}</h2>
      {provider ? <MyDayList {...props} /> : <NoProvider />}
    </section>
  );
}

/** The day's appointments in time order, across clinics. */
export function MyDayList(props: Common & { date: string; appointments: MyAppointment[] }) {
  const t = useT();
  return (
    <div
      id={MY_DAY_ID}
      hx-get={myDayUrl(props.date)}
      {...liveFragment}
      hx-trigger={`${liveFragment['hx-trigger']}, raseed:refresh`}
      hx-swap="outerHTML"
    >
      {props.appointments.length === 0 ? (
        <p class="empty">{t('noAppointmentsForMe')}</p>
      ) : (
        <ol class="my-appointments" aria-label={t('myAppointments')}>
          {props.appointments.map((appointment) => (
            <MyAppointmentItem {...props} appointment={appointment} refresh={`#${MY_DAY_ID}`} />
          ))}
        </ol>
      )}
    </div>
  );
}

export function MyWeekPage(props: WeekProps) {
  const t = useT();
  const { locale, from, today, provider } = props;
  return (
    <section class="card my-day-page" aria-labelledby="my-week-title">
      <h1 id="my-week-title">
        {provider ? t('myWeekTitle', { name: localName(provider, locale) }) : t('myWeek')}
      </h1>
      <nav class="day-nav" aria-label={t('dayNavigation')}>
        <a id="previous-week" rel="prev" href={myWeekUrl(addDays(from, -7))}>
          {t('previousWeek')}
        </a>
        <a id="this-week-link" href={myWeekUrl(today)}>
          {t('thisWeek')}
        </a>
        <a id="next-week" rel="next" href={myWeekUrl(addDays(from, 7))}>
          {t('nextWeek')}
        </a>
        <a id="my-day-link" href={myDayUrl(today)}>
          {t('myDay')}
        </a>
      </nav>
      {provider ? <MyWeekDays {...props} /> : <NoProvider />}
    </section>
  );
}

type WeekProps = Common & { from: string; days: { date: string; appointments: MyAppointment[] }[] };

/** The week's seven days, each with its appointments. */
export function MyWeekDays(props: WeekProps) {
  const t = useT();
  const { locale, today } = props;
  return (
    <div
      id={MY_WEEK_ID}
      class="stack"
      hx-get={myWeekUrl(props.from)}
      {...liveFragment}
      hx-trigger={`${liveFragment['hx-trigger']}, raseed:refresh`}
      hx-swap="outerHTML"
    >
      {props.days.map((day) => (
        <section class="week-day" aria-labelledby={`week-${day.date}`}>
          <h2 id={`week-${day.date}`}>
            <a href={myDayUrl(day.date)} aria-current={day.date === today ? 'date' : undefined}>
              {formatLongDate(day.date, locale)}
            </a>
          </h2>
          {day.appointments.length === 0 ? (
            <p class="empty">{t('noAppointmentsForMe')}</p>
          ) : (
            <ol class="my-appointments">
              {day.appointments.map((appointment) => (
                <MyAppointmentItem
                  {...props}
                  appointment={appointment}
                  refresh={`#${MY_WEEK_ID}`}
                />
              ))}
            </ol>
          )}
        </section>
      ))}
    </div>
  );
}

/** 'SLP 6/10': the clinic's specialty and the session's number in its package. */
export function SessionBadge(props: { row: AppointmentRow; locale: Locale }) {
  const t = useT();
  const a = props.row;
  if (a.session_number_in_package === null || a.package_total_sessions === null) return null;
  const session = {
    number: a.session_number_in_package,
    total: a.package_total_sessions,
    name: localName({ name_en: a.package_name_en ?? '', name_ar: a.package_name_ar }, props.locale),
  };
  return (
    <span class="badge badge-package" dir="ltr" title={t('packageSessionOf', session)}>
      {`${a.clinic_specialty} ${session.number}/${session.total}`}
    </span>
  );
}

function MyAppointmentItem(props: Common & { appointment: MyAppointment; refresh: string }) {
  const t = useT();
  const { locale, timezone } = props;
  const { row: a, nextStatuses } = props.appointment;
  const patient = { name_en: a.patient_name_en, name_ar: a.patient_name_ar };
  return (
    <li
      id={`appointment-${a.id}`}
      class={`my-appointment${isCancelled(a.status) ? ' cancelled' : ''}`}
    >
      <span class="time">
        <TimeRange start={a.starts_at} end={a.ends_at} timezone={timezone} locale={locale} />
      </span>
      <a class="patient" href={`/appointments/${a.id}`}>
        {localName(patient, locale)}
      </a>
      <span class="service">
        {localName({ name_en: a.service_name_en, name_ar: a.service_name_ar }, locale)} ·{' '}
        {localName({ name_en: a.clinic_name_en, name_ar: a.clinic_name_ar }, locale)}
      </span>
      <span class="badges">
        <AppointmentStatusBadge status={a.status} />
        <SessionBadge row={a} locale={locale} />
      </span>
      {nextStatuses.length > 0 && (
        <form
          method="post"
          action={`/appointments/${a.id}/status`}
          class="actions"
          hx-post={`/appointments/${a.id}/status`}
          hx-swap="none"
          hx-disabled-elt="find button"
          data-refresh={props.refresh}
        >
          <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
          {nextStatuses.map((status) => (
            <button
              type="submit"
              name="status"
              value={status}
              class="button"
              aria-label={`${t(`markAs_${status}`)}: ${localName(patient, locale)}`}
            >
              {t(`markAs_${status}`)}
            </button>
          ))}
        </form>
      )}
    </li>
  );
}
