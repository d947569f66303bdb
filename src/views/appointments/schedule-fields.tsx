import type { GroupSessionOption } from '../../db/group-sessions.js';
import type { Locale } from '../../db/schema.js';
import type { ServiceOption } from '../../db/services.js';
import { formatInstant, type Slot } from '../../domain/slots.js';
import { formatDateAt, formatLongDate, formatTime, localName } from '../format.js';
import { liveFragment } from '../live.js';
import { TimeRange } from '../time-range.js';
import { GROUP_PAYMENT_ID, GroupPayment } from './group-payment.js';
import { useT } from '../request-context.js';

export const SCHEDULE_FIELDS_ID = 'schedule-fields';
export const SLOT_LIST_ID = 'slot-list';
export const NEXT_FREE_DAY_ID = 'next-free-day';
export const SLOT_TAKEN_ID = 'slot-taken';

/**
 * A control's re-fetch of the slot list shares the list's own queue (its live re-fetch, e.g. as
 * the page's event stream opens): the later request replaces the one on its way. Apart, the live
 * answer (of the day before the change) could land first and swap out the element the change's
 * answer was aimed at: that answer was lost, and the old day's times stayed under the new date.
 */
export const SLOT_LIST_SYNC = `#${SLOT_LIST_ID}:replace`;

/**
 * For every control the free times depend on (provider, date, duration): a change re-asks the
 * server for the slots, sending the whole booking form.
 */
export const refreshSlots = {
  'hx-get': '/appointments/new/slots',
  'hx-trigger': 'change',
  'hx-include': '#booking-form',
  'hx-target': `#${SLOT_LIST_ID}`,
  'hx-swap': 'outerHTML',
  'hx-sync': SLOT_LIST_SYNC,
  'hx-indicator': '#slots-indicator',
  // No booking of a time that may be gone while the new list is on its way.
  'hx-disabled-elt': '#book-button',
};

/**
 * The booking form's place (type, clinic, provider, service, day, length, time), sent along when
 * a patient is chosen: a single session keeps it (the calendar's free time survives the patient).
 */
export const PLACE_FIELDS =
  '#booking-form [name=appointment_type]:checked, #clinic, #provider, #service, #date, #duration, #slot-list [name=start]:checked';

/**
 * The place chosen before a package (the calendar's free time, or the desk's own choice), sent
 * along when a package is chosen or sold: kept when the package covers it.
 */
export const PACKAGE_PLACE_FIELDS = '#clinic, #provider, #date, #slot-list [name=start]:checked';

export interface ScheduleState {
  services: ServiceOption[];
  serviceId: string | null;
  date: string;
  /** Earliest date the picker offers: today at the tenant. */
  minDate: string;
  duration: number;
}

/** Service, date and duration (defaulting to the service's), then the free times. */
export function ScheduleFields(props: {
  locale: Locale;
  state: ScheduleState | null;
  slots: SlotListProps['choices'];
  /** The time chosen already (the calendar's free time). */
  selected?: string | null;
  oob?: boolean;
}) {
  const t = useT();
  const { locale, state } = props;
  const oob = props.oob ? 'true' : undefined;
  if (!state) return <div id={SCHEDULE_FIELDS_ID} hx-swap-oob={oob}></div>;
  return (
    <div id={SCHEDULE_FIELDS_ID} class="stack" hx-swap-oob={oob}>
      <div class="field">
        <label for="service">{t('service')}</label>
        <select
          id="service"
          name="service_id"
          required
          hx-get="/appointments/new/schedule"
          hx-trigger="change"
          hx-include="#booking-form"
          hx-target={`#${SCHEDULE_FIELDS_ID}`}
          hx-swap="outerHTML"
          hx-indicator="#slots-indicator"
          hx-disabled-elt="#book-button"
        >
          {state.services.map((service) => (
            <option value={service.id} selected={service.id === state.serviceId}>
              {localName(service, locale)}
            </option>
          ))}
        </select>
      </div>
      <DateDurationFields
        ids={{ date: 'date', duration: 'duration' }}
        date={state.date}
        minDate={state.minDate}
        duration={state.duration}
        refresh={refreshSlots}
      />
      <SlotList locale={locale} choices={props.slots} selected={props.selected} />
      <GroupPayment locale={locale} packages={null} />
    </div>
  );
}

/**
 * The day and the length of a slot search, side by side: the booking form's and the reschedule
 * page's. `refresh` re-asks the free times on a change; `maxDate` is the package's expiry.
 */
export function DateDurationFields(props: {
  ids: { date: string; duration: string };
  date: string;
  minDate: string;
  maxDate?: string;
  duration: number;
  refresh: Record<string, string>;
}) {
  const t = useT();
  return (
    <div class="field-row">
      <div class="field">
        <label for={props.ids.date}>{t('date')}</label>
        <input
          id={props.ids.date}
          name="date"
          type="date"
          required
          value={props.date}
          min={props.minDate}
          max={props.maxDate}
          {...props.refresh}
        />
      </div>
      <div class="field">
        <label for={props.ids.duration}>{t('durationMinutes')}</label>
        <input
          id={props.ids.duration}
          name="duration"
          type="number"
          required
          min={5}
          max={480}
          step={5}
          value={String(props.duration)}
          {...props.refresh}
        />
      </div>
    </div>
  );
}

/** Choosing a group session asks how its seat is paid for (the patient's packages). */
const choosePayment = {
  'hx-get': '/appointments/new/group-payment',
  'hx-trigger': 'change',
  'hx-include': '#booking-form [name=patient_id]',
  'hx-target': `#${GROUP_PAYMENT_ID}`,
  'hx-swap': 'outerHTML',
  'hx-indicator': '#slots-indicator',
  'hx-disabled-elt': '#book-button',
};

/** Where a slot list re-fetches itself: the booking form's (default) or another's. */
export interface SlotSource {
  url: string;
  form: string;
}

const BOOKING_SLOTS: SlotSource = { url: '/appointments/new/slots', form: '#booking-form' };

export interface SlotListProps {
  locale: Locale;
  source?: SlotSource;
  /** The time (or group session) already chosen, kept checked when the list is re-fetched. */
  selected?: string | null;
  /** null: nothing to show until a provider is chosen. */
  choices:
    | {
        kind: 'slots';
        slots: Slot[];
        timezone: string;
        /** Provider, date and duration of this list: a chosen time missing from the same list again was taken. */
        context?: string;
        /** No free time on this day: the next day that has some (within the package's validity). */
        nextFreeDay?: string | null;
        /** The time this desk had chosen, booked meanwhile at another desk (sent back as `taken_start`). */
        taken?: Date | null;
      }
    | { kind: 'groups'; sessions: GroupSessionOption[]; timezone: string }
    | null;
}

/** Re-fetched whenever another desk books or cancels, so a taken time disappears. */
export function SlotList({
  locale,
  choices,
  selected,
  source = BOOKING_SLOTS,
  oob,
}: SlotListProps & { oob?: boolean }) {
  const t = useT();
  return (
    <fieldset
      id={SLOT_LIST_ID}
      hx-swap-oob={oob ? 'true' : undefined}
      class="slot-list"
      aria-live="polite"
      hx-get={source.url}
      {...liveFragment}
      hx-include={source.form}
      hx-target="this"
      hx-swap="outerHTML"
    >
      <legend>
        {choices?.kind === 'groups' ? t('groupSessions') : t('time')}{' '}
        <span id="slots-indicator" class="htmx-indicator spinner">
          {t('loading')}
        </span>
      </legend>
      {choices === null && <p class="empty">{t('chooseProviderForSlots')}</p>}
      {choices?.kind === 'slots' && choices.context && (
        <input type="hidden" name="slot_context" value={choices.context} />
      )}
      {choices?.kind === 'slots' && choices.taken && (
        <>
          <input
            type="hidden"
            name="taken_start"
            value={formatInstant(choices.taken, choices.timezone)}
          />
          <p id={SLOT_TAKEN_ID} class="field-error" role="alert">
            {t('chosenTimeTaken', { time: formatTime(choices.taken, choices.timezone, locale) })}
          </p>
        </>
      )}
      {choices?.kind === 'slots' &&
        (choices.slots.length === 0 ? (
          <div class="no-slots">
            <p class="empty">{t('noFreeSlots')}</p>
            {choices.nextFreeDay && (
              <button
                type="button"
                class="button"
                id={NEXT_FREE_DAY_ID}
                hx-get="/appointments/new/schedule"
                hx-include="#booking-form"
                hx-vals={JSON.stringify({ date: choices.nextFreeDay })}
                hx-target={`#${SCHEDULE_FIELDS_ID}`}
                hx-swap="outerHTML"
                hx-indicator="#slots-indicator"
                hx-disabled-elt="this, #book-button"
              >
                {t('nextFreeDay', { date: formatLongDate(choices.nextFreeDay, locale) })}
              </button>
            )}
            {choices.nextFreeDay === null && <p class="empty">{t('noFreeDayAhead')}</p>}
          </div>
        ) : (
          <div class="slot-grid">
            {choices.slots.map((slot) => {
              const start = formatInstant(slot.start, choices.timezone);
              return (
                <label class="slot">
                  <input
                    type="radio"
                    name="start"
                    value={start}
                    checked={start === selected}
                    required
                  />
                  <span dir="ltr">{formatTime(slot.start, choices.timezone, locale)}</span>
                </label>
              );
            })}
          </div>
        ))}
      {choices?.kind === 'groups' &&
        (choices.sessions.length === 0 ? (
          <p class="empty">{t('noGroupSessions')}</p>
        ) : (
          <div class="stack">
            {choices.sessions.map((session) => (
              <label class="group-session">
                <input
                  type="radio"
                  name="group_session_id"
                  value={session.id}
                  checked={session.id === selected}
                  required
                  {...choosePayment}
                />
                <span>
                  {formatDateAt(session.starts_at, choices.timezone, locale)}{' '}
                  <TimeRange
                    start={session.starts_at}
                    end={session.ends_at}
                    timezone={choices.timezone}
                    locale={locale}
                  />{' '}
                  · {locale === 'ar' ? session.service_ar : session.service_en} ·{' '}
                  {locale === 'ar' ? session.provider_ar : session.provider_en} ·{' '}
                  {t('seatsLeft', { count: session.capacity - session.seats_taken })}
                </span>
              </label>
            ))}
          </div>
        ))}
    </fieldset>
  );
}
