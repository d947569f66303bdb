import type { CalendarAppointment, CalendarProvider } from '../../db/calendar.js';
import type { ClinicOption } from '../../db/clinics.js';
import type { ProviderOption } from '../../db/providers.js';
import type { ColumnLayout, GridRange } from '../../domain/calendar-grid.js';
import { addDays } from '../../domain/dates.js';
import { formatLongDate, formatShortDay, localName } from '../format.js';
import { moneyLiveFragment } from '../live.js';
import { useT } from '../request-context.js';
import {
  CalendarGrid,
  ColumnPager,
  NotHoldingList,
  type CalendarActions,
  type GridColumn,
} from './calendar-grid.js';

/** The grid htmx swaps when the day changes (it is also the fragment of an htmx GET). */
export const DAY_VIEW_ID = 'day-view';
export const DAY_VIEW_EMPTY_ID = 'day-view-empty';
export const PROVIDER_WEEK_ID = 'provider-week';
/** The clinic choice that shows every clinic's providers (remembered as null). */
export const ALL_CLINICS = 'all';

/** A provider's column: their layout on the day (null when the day has no rows at all). */
export interface CalendarColumnData {
  provider: CalendarProvider;
  layout: ColumnLayout<CalendarAppointment> | null;
  /** Appointments of the column, cancelled ones included. */
  count: number;
}

export interface DayViewProps {
  /** What the grid's re-fetch sends back: unchanged, the answer is empty (204). */
  version: string;
  date: string;
  today: string;
  clinics: ClinicOption[];
  /** null: every clinic. */
  clinic: ClinicOption | null;
  /** The provider a narrow screen shows (the first when none is asked for). */
  current: string | null;
  range: GridRange | null;
  columns: CalendarColumnData[];
  /** Cancelled and missed appointments, listed under the grid. */
  notHolding: CalendarAppointment[];
  actions: CalendarActions;
}

export function dayViewUrl(date: string, clinic: string, provider?: string | null): string {
  return `/appointments?date=${date}&clinic=${clinic}${provider ? `&provider=${provider}` : ''}`;
}

export function providerWeekUrl(providerId: string, date: string): string {
  return `/appointments/week?provider=${providerId}&date=${date}`;
}

/** The booking form prefilled with a free quarter hour of the calendar. */
export function bookingUrl(place: {
  clinicId: string | undefined;
  providerId: string;
  date: string;
  time: string;
}): string {
  const clinic = place.clinicId ? `clinic_id=${place.clinicId}&` : '';
  return `/appointments/new?${clinic}provider_id=${place.providerId}&date=${place.date}&time=${place.time}`;
}

export function DayViewPage(props: DayViewProps) {
  const t = useT();
  const { locale } = props.actions;
  const { date, today, clinics, clinic, current } = props;
  const clinicKey = clinic?.id ?? ALL_CLINICS;
  const clinicName = clinic ? localName(clinic, locale) : t('allClinics');
  return (
    <section class="card day-view-page" aria-labelledby="day-view-title">
      <h1 id="day-view-title">{t('dayViewOf', { clinic: clinicName })}</h1>
      <form method="get" action="/appointments" class="day-view-controls" id="day-view-form">
        <div class="field">
          <label for="day-view-date">{t('date')}</label>
          <input id="day-view-date" type="date" name="date" value={date} required />
        </div>
        <div class="field">
          <label for="day-view-clinic">{t('clinic')}</label>
          <select id="day-view-clinic" name="clinic" required>
            <option value={ALL_CLINICS} selected={!clinic}>
              {t('allClinics')}
            </option>
            {clinics.map((option) => (
              <option value={option.id} selected={option.id === clinic?.id}>
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
        <a id="previous-day" rel="prev" href={dayViewUrl(addDays(date, -1), clinicKey, current)}>
          {t('previousDay')}
        </a>
        <a
          id="today-link"
          href={dayViewUrl(today, clinicKey, current)}
          aria-current={date === today ? 'date' : undefined}
        >
          {t('today')}
        </a>
        <a id="next-day" rel="next" href={dayViewUrl(addDays(date, 1), clinicKey, current)}>
          {t('nextDay')}
        </a>
      </nav>
      <h2 id="day-view-date-heading">{formatLongDate(date, locale)}</h2>
      <DayGrid {...props} />
    </section>
  );
}

/** One column per provider; any booking, cancellation or state change re-fetches it. */
export function DayGrid(props: DayViewProps) {
  const t = useT();
  const { locale, canBook } = props.actions;
  const { date, clinic, columns } = props;
  const clinicKey = clinic?.id ?? ALL_CLINICS;
  const clinicName = clinic ? localName(clinic, locale) : t('allClinics');
  const currentIndex = Math.max(
    0,
    columns.findIndex((column) => column.provider.id === props.current),
  );
  const pagerLink = (index: number) => {
    const column = columns[index];
    return column
      ? {
          url: dayViewUrl(date, clinicKey, column.provider.id),
          name: localName(column.provider, locale),
        }
      : null;
  };
  const gridColumns: GridColumn[] = columns.map((column, index) => {
    const { provider } = column;
    const name = localName(provider, locale);
    const headingId = `provider-${provider.id}-name`;
    return {
      id: `provider-${provider.id}`,
      headingId,
      heading: (
        <>
          <h3 id={headingId}>{name}</h3>
          <a
            class="cal-week-link"
            href={providerWeekUrl(provider.id, date)}
            aria-label={t('providerWeekOf', { name })}
          >
            {t('providerWeek')}
          </a>
        </>
      ),
      current: index === currentIndex,
      empty: column.count === 0,
      layout: column.layout,
      book: canBook
        ? {
            url: (time) =>
              bookingUrl({
                clinicId: clinic?.id ?? provider.clinic_ids[0],
                providerId: provider.id,
                date,
                time,
              }),
            label: (time) => t('bookAtWith', { time, name }),
          }
        : null,
    };
  });
  return (
    <div
      id={DAY_VIEW_ID}
      class="day-view"
      hx-get={`${dayViewUrl(date, clinicKey, props.current)}&v=${props.version}`}
      {...moneyLiveFragment}
      hx-trigger={`${moneyLiveFragment['hx-trigger']}, raseed:refresh`}
      hx-swap="outerHTML"
    >
      {columns.every((column) => column.count === 0) && (
        <p id={DAY_VIEW_EMPTY_ID} class="empty">
          {clinic ? t('noAppointmentsOnDay', { clinic: clinicName }) : t('noAppointmentsAnyClinic')}
        </p>
      )}
      {columns.length === 0 ? (
        <p class="empty">{t('noProviders')}</p>
      ) : (
        <>
          {!props.range && <p class="empty">{t('noWorkingHours')}</p>}
          {columns.length > 1 && (
            <ColumnPager
              label={t('otherProviders')}
              position={{
                number: currentIndex + 1,
                total: columns.length,
                name: localName(columns[currentIndex]!.provider, locale),
              }}
              previous={pagerLink(currentIndex - 1)}
              next={pagerLink(currentIndex + 1)}
            />
          )}
          <CalendarGrid
            label={t('appointmentsByProvider')}
            range={props.range}
            columns={gridColumns}
            actions={props.actions}
          />
        </>
      )}
      <NotHoldingList actions={props.actions} appointments={props.notHolding} withProvider={true} />
    </div>
  );
}

export interface ProviderWeekProps {
  version: string;
  /** Sunday of the week. */
  from: string;
  /** The day a narrow screen shows. */
  date: string;
  today: string;
  provider: CalendarProvider;
  providers: ProviderOption[];
  range: GridRange | null;
  days: { date: string; layout: ColumnLayout<CalendarAppointment> | null; count: number }[];
  notHolding: CalendarAppointment[];
  actions: CalendarActions;
}

/** A provider's week on the desk's calendar: one column per day, in every clinic. */
export function ProviderWeekPage(props: ProviderWeekProps) {
  const t = useT();
  const { locale } = props.actions;
  const { provider, providers, from, date, today } = props;
  const name = localName(provider, locale);
  return (
    <section class="card day-view-page" aria-labelledby="provider-week-title">
      <h1 id="provider-week-title">{t('providerWeekTitle', { name })}</h1>
      <form
        method="get"
        action="/appointments/week"
        class="day-view-controls"
        id="provider-week-form"
      >
        <div class="field">
          <label for="week-provider">{t('provider')}</label>
          <select id="week-provider" name="provider" required>
            {providers.map((option) => (
              <option value={option.id} selected={option.id === provider.id}>
                {localName(option, locale)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="week-date">{t('date')}</label>
          <input id="week-date" type="date" name="date" value={date} required />
        </div>
        <button type="submit" class="button primary">
          {t('show')}
        </button>
      </form>
      <nav class="day-nav" aria-label={t('dayNavigation')}>
        <a id="previous-week" rel="prev" href={providerWeekUrl(provider.id, addDays(from, -7))}>
          {t('previousWeek')}
        </a>
        <a id="this-week-link" href={providerWeekUrl(provider.id, today)}>
          {t('thisWeek')}
        </a>
        <a id="next-week" rel="next" href={providerWeekUrl(provider.id, addDays(from, 7))}>
          {t('nextWeek')}
        </a>
        <a id="day-view-link" href={`/appointments?date=${date}`}>
          {t('dayView')}
        </a>
      </nav>
      <h2 id="provider-week-range">
        {t('weekRange', {
          from: formatLongDate(from, locale),
          to: formatLongDate(addDays(from, 6), locale),
        })}
      </h2>
      <ProviderWeekGrid {...props} />
    </section>
  );
}

export function ProviderWeekGrid(props: ProviderWeekProps) {
  const t = useT();
  const { locale, canBook } = props.actions;
  const { provider, days, today } = props;
  const name = localName(provider, locale);
  const currentIndex = Math.max(
    0,
    days.findIndex((day) => day.date === props.date),
  );
  // Paging by day runs on into the weeks before and after.
  const shown = days[currentIndex]!.date;
  const pagerLink = (offset: number) => {
    const day = addDays(shown, offset);
    return { url: providerWeekUrl(provider.id, day), name: formatLongDate(day, locale) };
  };
  const gridColumns: GridColumn[] = days.map((day, index) => {
    const headingId = `day-${day.date}-name`;
    const dayName = formatLongDate(day.date, locale);
    return {
      id: `day-${day.date}`,
      headingId,
      heading: (
        <h3 id={headingId}>
          <a
            href={`/appointments?date=${day.date}`}
            aria-current={day.date === today ? 'date' : undefined}
            title={dayName}
          >
            {formatShortDay(day.date, locale)}
          </a>
        </h3>
      ),
      current: index === currentIndex,
      empty: day.count === 0,
      layout: day.layout,
      book: canBook
        ? {
            url: (time) =>
              bookingUrl({
                clinicId: provider.clinic_ids[0],
                providerId: provider.id,
                date: day.date,
                time,
              }),
            label: (time) => t('bookAtOn', { time, date: dayName }),
          }
        : null,
    };
  });
  return (
    <div
      id={PROVIDER_WEEK_ID}
      class="day-view"
      hx-get={`${providerWeekUrl(provider.id, props.date)}&v=${props.version}`}
      {...moneyLiveFragment}
      hx-trigger={`${moneyLiveFragment['hx-trigger']}, raseed:refresh`}
      hx-swap="outerHTML"
    >
      {!props.range && <p class="empty">{t('noWorkingHours')}</p>}
      <ColumnPager
        label={t('otherDays')}
        position={{
          number: currentIndex + 1,
          total: days.length,
          name: formatLongDate(shown, locale),
        }}
        previous={pagerLink(-1)}
        next={pagerLink(1)}
      />
      <CalendarGrid
        label={t('appointmentsByDay', { name })}
        range={props.range}
        columns={gridColumns}
        actions={props.actions}
      />
      <NotHoldingList
        actions={props.actions}
        appointments={props.notHolding}
        withProvider={false}
      />
    </div>
  );
}
