import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../../auth/csrf.js';
import type { CalendarAppointment } from '../../db/calendar.js';
import type { Locale } from '../../db/schema.js';
import { CANCELLABLE } from '../../domain/appointments.js';
import {
  hourLabels,
  rowCount,
  type ColumnLayout,
  type GridRange,
} from '../../domain/calendar-grid.js';
import { localName } from '../format.js';
import { TimeRange } from '../time-range.js';
import { AppointmentStatusBadge, isCancelled } from '../status-badges.js';
import { useT } from '../request-context.js';
import { SessionBadge } from './my-day.js';

/** What a calendar lets its reader do (the desk books, checks in and moves; others read). */
export interface CalendarActions {
  locale: Locale;
  timezone: string;
  now: Date;
  /** ADMIN or FRONT_DESK: free time books, blocks move. */
  canBook: boolean;
  /** Whether the reader may mark this appointment arrived now (SPEC §2 guards). */
  canCheckIn: (appointment: CalendarAppointment) => boolean;
  csrfToken: string;
  /** The grid the check-in refreshes at once (the stream follows). */
  refresh: string;
}

export interface GridColumn {
  /** The column's element id: provider-<id> or day-<date>. */
  id: string;
  heading: Child;
  headingId: string;
  /** The one column a narrow screen shows. */
  current: boolean;
  /** No appointment at all in this column (cancelled ones included). */
  empty: boolean;
  layout: ColumnLayout<CalendarAppointment> | null;
  /** Where a free quarter hour books, and how it is read out; null: this reader cannot book. */
  book: { url: (time: string) => string; label: (time: string) => string } | null;
}

/**
 * The time grid: the hours down the side, a column of quarter hours per provider or day. Each
 * column is a CSS grid of its own with the same rows, so they line up; every position is a
 * class (.rN: first row, .sN: rows spanned), the CSP allowing no style attribute.
 */
export function CalendarGrid(props: {
  label: string;
  range: GridRange | null;
  columns: GridColumn[];
  actions: CalendarActions;
}) {
  const t = useT();
  const { range } = props;
  return (
    <div class="cal" role="region" aria-label={props.label} tabindex={0}>
      <div class="cal-axis" aria-hidden="true">
        <div class="cal-head"></div>
        {range && (
          <div class="cal-body">
            {hourLabels(range).map((hour) => (
              <span class={`cal-hour r${hour.row} s4`}>{hour.label}</span>
            ))}
            <i class={`cal-end r${rowCount(range)}`}></i>
          </div>
        )}
      </div>
      {props.columns.map((column) => (
        <section
          class={`cal-col day-column${column.current ? ' current' : ''}`}
          id={column.id}
          aria-labelledby={column.headingId}
        >
          <div class="cal-head">
            {column.heading}
            {column.empty && <p class="empty">{t('noAppointmentsForProvider')}</p>}
          </div>
          {column.layout && <ColumnBody {...props} column={column} layout={column.layout} />}
        </section>
      ))}
    </div>
  );
}

function ColumnBody(props: {
  column: GridColumn;
  layout: ColumnLayout<CalendarAppointment>;
  actions: CalendarActions;
}) {
  const t = useT();
  const { layout, column } = props;
  return (
    <div class="cal-body">
      {layout.timeOff.map((spot) => (
        <div class={`cal-off r${spot.row} s${spot.span}`}>{t('calendarTimeOff')}</div>
      ))}
      {layout.busy.map((spot) => (
        <div class={`cal-busy r${spot.row} s${spot.span}`}>{t('calendarBusy')}</div>
      ))}
      {layout.free.map((cell) =>
        column.book ? (
          <a
            class={`cal-free r${cell.row}`}
            href={column.book.url(cell.time)}
            aria-label={column.book.label(cell.time)}
          >
            {cell.time}
          </a>
        ) : (
          <span class={`cal-free r${cell.row}`}>{cell.time}</span>
        ),
      )}
      {layout.blocks.map((block) => (
        <div class={`cal-block r${block.row} s${block.span}`}>
          {block.appointments.map((appointment) => (
            <AppointmentItem actions={props.actions} appointment={appointment} />
          ))}
        </div>
      ))}
    </div>
  );
}

/**
 * One appointment: a link to its page (time, patient, service, badges), with the desk's
 * check-in and reschedule beside it. The same markup in a block and in the cancelled list.
 */
export function AppointmentItem(props: {
  actions: CalendarActions;
  appointment: CalendarAppointment;
  /** In a list beside the grid: the provider's name too. */
  withProvider?: boolean;
  tag?: 'div' | 'li';
}) {
  const t = useT();
  const { locale, timezone, now, canBook } = props.actions;
  const a = props.appointment;
  const patient = localName({ name_en: a.patient_name_en, name_ar: a.patient_name_ar }, locale);
  const Tag = props.tag ?? 'div';
  return (
    <Tag
      id={`appointment-${a.id}`}
      class={`day-appointment status-${a.status.toLowerCase()}${isCancelled(a.status) ? ' cancelled' : ''}`}
    >
      <a class="cal-link" href={`/appointments/${a.id}`}>
        <span class="time">
          <TimeRange start={a.starts_at} end={a.ends_at} timezone={timezone} locale={locale} />
        </span>
        <span class="patient">{patient}</span>
        {props.withProvider && (
          <span class="provider">
            {localName({ name_en: a.provider_name_en, name_ar: a.provider_name_ar }, locale)}
          </span>
        )}
        <span class="service">
          {localName({ name_en: a.service_name_en, name_ar: a.service_name_ar }, locale)}
        </span>
        <span class="badges">
          <AppointmentStatusBadge status={a.status} />
          <SessionBadge row={a} locale={locale} />
          {a.patient_balance_due && (
            <span class="badge badge-balance balance-due-badge" title={t('balanceDueTitle')}>
              {t('balanceDueBadge')}
            </span>
          )}
        </span>
      </a>
      {props.actions.canCheckIn(a) && (
        <form
          method="post"
          action={`/appointments/${a.id}/status`}
          class="cal-checkin"
          hx-post={`/appointments/${a.id}/status`}
          hx-swap="none"
          hx-disabled-elt="find button"
          data-refresh={props.actions.refresh}
        >
          <input type="hidden" name={CSRF_FIELD} value={props.actions.csrfToken} />
          <button
            type="submit"
            name="status"
            value="ARRIVED"
            class="button"
            aria-label={`${t('markAs_ARRIVED')}: ${patient}`}
          >
            {t('checkIn')}
          </button>
        </form>
      )}
      {canBook && a.kind !== 'GROUP' && CANCELLABLE.includes(a.status) && a.starts_at > now && (
        <a
          class="reschedule-link"
          href={`/appointments/${a.id}/reschedule`}
          aria-label={`${t('reschedule')}: ${patient}`}
        >
          {t('reschedule')}
        </a>
      )}
    </Tag>
  );
}

/** The appointments that hold no time (cancelled, no-show), listed under the grid. */
export function NotHoldingList(props: {
  actions: CalendarActions;
  appointments: CalendarAppointment[];
  withProvider: boolean;
}) {
  const t = useT();
  if (props.appointments.length === 0) return null;
  return (
    <section class="cal-cancelled" aria-labelledby="cal-cancelled-title">
      <h3 id="cal-cancelled-title">
        {t('cancelledAndMissed', { count: props.appointments.length })}
      </h3>
      <ul class="day-appointments">
        {props.appointments.map((appointment) => (
          <AppointmentItem
            actions={props.actions}
            appointment={appointment}
            withProvider={props.withProvider}
            tag="li"
          />
        ))}
      </ul>
    </section>
  );
}

/**
 * On a narrow screen one column shows at a time: links to the one before and after it (no
 * swiping), and where this one stands. Hidden on wider screens, where every column shows.
 */
export function ColumnPager(props: {
  label: string;
  position: { number: number; total: number; name: string };
  previous: { url: string; name: string } | null;
  next: { url: string; name: string } | null;
}) {
  const t = useT();
  const { previous, next, position } = props;
  return (
    <nav class="cal-pager" aria-label={props.label}>
      <span class="cal-position">
        {position.name} ({t('columnOf', { number: position.number, total: position.total })})
      </span>
      {previous ? (
        <a class="button" rel="prev" href={previous.url} id="cal-previous">
          {t('previousColumn', { name: previous.name })}
        </a>
      ) : (
        <span></span>
      )}
      {next ? (
        <a class="button" rel="next" href={next.url} id="cal-next">
          {t('nextColumn', { name: next.name })}
        </a>
      ) : (
        <span></span>
      )}
    </nav>
  );
}
