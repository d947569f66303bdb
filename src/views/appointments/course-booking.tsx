import { CSRF_FIELD } from '../../auth/csrf.js';
import type { PatientSummary } from '../../db/patients.js';
import type { ProviderOption } from '../../db/providers.js';
import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { CoursePurchase } from '../../db/series.js';
import type { Locale } from '../../db/schema.js';
import type { ServiceOption } from '../../db/services.js';
import { isInLastWeekOfValidity } from '../../domain/appointments.js';
import { localDate } from '../../domain/dates.js';
import { formatInstant } from '../../domain/slots.js';
import { weekdayOf } from '../../domain/series.js';
import { isMessageKey, sessionCount, type MessageKey } from '../../i18n/index.js';
import type { CourseSession } from '../../services/package-operations.js';
import { Announcement } from '../announcer.js';
import { errorText, ErrorSummary, SelectField, TextField, type FieldErrors } from '../forms.js';
import { formatDate, formatTime, localName } from '../format.js';
import { useT } from '../request-context.js';

export const COURSE_FORM_ID = 'course-form';
export const COURSE_ERROR_ID = 'course-error';
export const COURSE_PREVIEW_ID = 'course-preview';
export const COURSE_BOOK_ID = 'course-book';
export const COURSE_BOOKED_ID = 'course-booked';
export const COURSE_PACKAGE_ID = 'course-package';

export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

/** The course page's address for a purchase: the page, its previews and the booking. */
export function courseUrl(purchaseId: string): string {
  return `/appointments/new/course/${purchaseId}`;
}

/** What a course can be booked on: the purchase, its patient, services and their providers. */
export interface CourseChoices {
  purchase: CoursePurchase;
  patient: PatientSummary;
  services: ServiceOption[];
  /** The active providers of each clinic of `services`, by clinic id. */
  providers: Record<string, ProviderOption[]>;
}

/** The pattern as the form shows it (as typed when it was refused). */
export interface CourseFormValues {
  serviceId: string;
  weekdays: number[];
  /** The provider of each weekday (all seven: an unticked day keeps its choice). */
  dayProviders: Record<number, string>;
  time: string;
  startDate: string;
  count: string;
  idempotencyKey: string;
}

/** One proposed session: the day the pattern gave it, and how booking it would go. */
export interface CourseRow {
  patternDate: string;
  /** Moved from the pattern's time by taking an alternative. */
  moved: boolean;
  session: CourseSession;
}

export interface CourseFormProps {
  locale: Locale;
  timezone: string;
  today: string;
  choices: CourseChoices;
  form: CourseFormValues;
  errors?: FieldErrors;
  /** null: the pattern has errors, no sessions to show. */
  rows: CourseRow[] | null;
  /** Booking refused because these many times were taken meanwhile (nothing booked). */
  raceLost?: number;
  /** For a plain POST (no script): htmx sends it as a header. */
  csrfToken: string;
}

function weekdayKey(weekday: number): MessageKey {
  return `weekday_${weekday}` as MessageKey;
}

/** The package and what is left of it; sent again (out of band) once the course is booked. */
export function CoursePackageLine(props: {
  locale: Locale;
  purchase: CoursePurchase;
  oob?: boolean;
}) {
  const t = useT();
  const { purchase } = props;
  return (
    <dd id={COURSE_PACKAGE_ID} hx-swap-oob={props.oob ? 'true' : undefined}>
      {localName(purchase, props.locale)}:{' '}
      {t('courseSessionsLeft', {
        remaining: purchase.total_sessions - purchase.sessions_used,
        total: purchase.total_sessions,
      })}
    </dd>
  );
}

/** The page: what the course is booked on, then the pattern and its sessions. */
export function CoursePage(props: CourseFormProps) {
  const t = useT();
  const { locale, choices } = props;
  const { purchase, patient } = choices;
  return (
    <section class="card stack course-booking" aria-labelledby="course-title">
      <h1 id="course-title">{t('courseTitle')}</h1>
      <dl class="facts">
        <dt>{t('patient')}</dt>
        <dd>
          <a href={`/patients/${patient.id}`}>{localName(patient, locale)}</a>{' '}
          <span class="identifier" dir="ltr">
            {patient.mrn}
          </span>
        </dd>
        <dt>{t('packageName')}</dt>
        <CoursePackageLine locale={locale} purchase={purchase} />
      </dl>
      <p class="alert alert-warning" id="course-expiry">
        {t('courseExpiry', { date: formatDate(purchase.expiry_date, locale) })}
      </p>
      <CourseForm {...props} />
      <p>
        <a href={`/appointments/new?patient_id=${patient.id}`}>{t('courseBackToBooking')}</a>
      </p>
    </section>
  );
}

/**
 * The pattern and the sessions it proposes. Every change re-asks the server for the whole form
 * (one request): the sessions are booked in a transaction that is rolled back, so each row says
 * what booking it would do. Without script, "Show the sessions" posts the same.
 */
export function CourseForm(props: CourseFormProps) {
  const t = useT();
  const { locale, choices, form, errors = {} } = props;
  const url = courseUrl(choices.purchase.id);
  const service = choices.services.find((s) => s.id === form.serviceId) ?? choices.services[0]!;
  const providers = choices.providers[service.clinic_id] ?? [];
  const remaining = choices.purchase.total_sessions - choices.purchase.sessions_used;
  const error = (name: string) => errors[name] && errorText(t, errors[name]);
  const invalid = (name: string) => (errors[name] ? 'true' : undefined);
  const described = (name: string, help?: string) =>
    [errors[name] && `${name}-error`, help].filter(Boolean).join(' ') || undefined;
  return (
    <form
      id={COURSE_FORM_ID}
      class="stack"
      method="post"
      action={url}
      novalidate
      autocomplete="off"
      hx-get={url}
      hx-params="not _csrf"
      hx-trigger="change, submit"
      // A change while the last one's answer is on its way asks again with every field: queued
      // instead, it was dropped when that answer replaced the form, and the field reverted.
      hx-sync="this:replace"
      hx-target="this"
      hx-swap="outerHTML"
      hx-indicator="#course-indicator"
      hx-disabled-elt={`#${COURSE_BOOK_ID}`}
    >
      <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
      <input type="hidden" name="idempotency_key" value={form.idempotencyKey} />
      <input type="hidden" name="rendered_time" value={form.time} />
      {WEEKDAYS.map((day) => (
        <input
          type="hidden"
          name={`rendered_day_provider_${day}`}
          value={form.dayProviders[day] ?? ''}
        />
      ))}
      <div id={COURSE_ERROR_ID} aria-live="assertive"></div>
      <ErrorSummary id={`${COURSE_FORM_ID}-errors`} errors={errors} />
      <fieldset class="stack course-pattern">
        <legend>{t('coursePattern')}</legend>
        {choices.services.length > 1 ? (
          <SelectField
            name="service_id"
            label={t('service')}
            value={service.id}
            errors={errors}
            options={choices.services.map((option) => ({
              value: option.id,
              label: localName(option, locale),
            }))}
          />
        ) : (
          <input type="hidden" name="service_id" value={service.id} />
        )}
        <p class="muted">
          {localName(service, locale)}:{' '}
          {t('courseEachLasts', { minutes: service.default_duration_minutes })}
        </p>
        <fieldset
          class="course-days"
          aria-invalid={invalid('days')}
          aria-describedby={described('days')}
        >
          <legend>{t('courseDaysLegend')}</legend>
          {WEEKDAYS.map((day) => (
            <div class="course-day">
              <label class="check" for={`day-${day}`}>
                <input
                  type="checkbox"
                  id={`day-${day}`}
                  name="days"
                  value={String(day)}
                  checked={form.weekdays.includes(day)}
                />{' '}
                {t(weekdayKey(day))}
              </label>
              <select
                id={`day-provider-${day}`}
                name={`day_provider_${day}`}
                aria-label={t('courseDayProvider', { day: t(weekdayKey(day)) })}
              >
                {providers.map((provider) => (
                  <option value={provider.id} selected={provider.id === form.dayProviders[day]}>
                    {localName(provider, locale)}
                  </option>
                ))}
              </select>
            </div>
          ))}
          {error('days') && (
            <p class="field-error" id="days-error">
              {error('days')}
            </p>
          )}
        </fieldset>
        <div class="field-row">
          <TextField
            name="time"
            label={t('courseTime')}
            type="time"
            step="900"
            value={form.time}
            dir="ltr"
            required
            errors={errors}
          />
          <TextField
            name="start_date"
            label={t('courseStartDate')}
            type="date"
            value={form.startDate}
            min={props.today}
            max={choices.purchase.expiry_date}
            required
            errors={errors}
          />
          <TextField
            name="count"
            label={t('courseCount')}
            help={t('courseCountHelp', { remaining })}
            type="number"
            inputmode="numeric"
            min="1"
            max={String(remaining)}
            value={form.count}
            required
            errors={errors}
          />
        </div>
        <p class="actions">
          <button type="submit" class="button" id="course-show" name="intent" value="preview">
            {t('courseShowSessions')}
          </button>
          <span id="course-indicator" class="htmx-indicator muted">
            {t('loading')}
          </span>
        </p>
      </fieldset>
      <CoursePreview {...props} providers={providers} />
    </form>
  );
}

/** The proposed sessions, each with its provider, its state and, when refused, what is free. */
function CoursePreview(props: CourseFormProps & { providers: ProviderOption[] }) {
  const t = useT();
  const { rows, choices, locale } = props;
  if (!rows || rows.length === 0) {
    return (
      <div id={COURSE_PREVIEW_ID}>
        <p class="muted">{t('courseNoSessions')}</p>
      </div>
    );
  }
  const refused = rows.filter((row) => row.session.refusal !== null).length;
  const ordered = [...rows].sort((a, b) => a.session.start.getTime() - b.session.start.getTime());
  return (
    <div id={COURSE_PREVIEW_ID} class="stack">
      <h2 id="course-proposed-title">{t('courseProposed', { count: rows.length })}</h2>
      {props.raceLost !== undefined && (
        <p class="alert alert-error" role="alert" id="course-race-lost">
          {t('courseRaceLost', { count: props.raceLost })}
        </p>
      )}
      <div class="table-scroll">
        <table class="data-table card-rows course-table" aria-labelledby="course-proposed-title">
          <thead>
            <tr>
              <th scope="col">{t('courseColumnNumber')}</th>
              <th scope="col">{t('courseColumnDate')}</th>
              <th scope="col">{t('courseColumnDay')}</th>
              <th scope="col">{t('courseColumnTime')}</th>
              <th scope="col">{t('courseColumnProvider')}</th>
              <th scope="col">{t('courseColumnState')}</th>
            </tr>
          </thead>
          <tbody>
            {ordered.map((row) => (
              <CourseRowView
                row={row}
                locale={locale}
                timezone={props.timezone}
                expiry={choices.purchase.expiry_date}
                providers={props.providers}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">{t('courseAllOrNothing')}</p>
      {refused > 0 && (
        <p class="alert alert-warning" id="course-resolve-first">
          {t('courseResolveFirst')}
        </p>
      )}
      <p class="actions">
        <button
          type="submit"
          class="button primary"
          id={COURSE_BOOK_ID}
          name="intent"
          value="book"
          disabled={refused > 0}
          aria-describedby={refused > 0 ? 'course-resolve-first' : undefined}
          hx-post={courseUrl(choices.purchase.id)}
          hx-params="*"
          hx-disabled-elt="this"
        >
          {t('courseBookAll', { count: rows.length })}
        </button>
      </p>
    </div>
  );
}

const STATE_KEYS: Record<string, MessageKey> = {
  slot_taken: 'courseSlotTaken',
};

/** A refusal's explanation: the course's own words, else the booking's message. */
function refusalKey(code: string): MessageKey {
  const known = STATE_KEYS[code];
  if (known) return known;
  const key = code.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return isMessageKey(key) ? key : 'courseSlotTaken';
}

function CourseRowView(props: {
  row: CourseRow;
  locale: Locale;
  timezone: string;
  expiry: string;
  providers: ProviderOption[];
}) {
  const t = useT();
  const { row, locale, timezone, expiry } = props;
  const { session } = row;
  const date = localDate(timezone, session.start);
  const d = row.patternDate;
  const afterExpiry = session.refusal === 'package_expires_before_slot';
  const dateText = formatDate(date, locale);
  return (
    <tr id={`course-row-${d}`} class={session.refusal ? 'refused' : undefined}>
      <td data-label={t('courseColumnNumber')} class="course-number">
        {session.sessionNumber ?? '–'}
      </td>
      <td data-label={t('courseColumnDate')}>{dateText}</td>
      <td data-label={t('courseColumnDay')}>{t(weekdayKey(weekdayOf(date)))}</td>
      <td data-label={t('courseColumnTime')}>
        <span dir="ltr">{formatTime(session.start, timezone, locale)}</span>
        {row.moved && (
          <>
            {' '}
            <input
              type="hidden"
              name={`moved_${d}`}
              value={formatInstant(session.start, timezone)}
            />
            <span class="badge badge-info">{t('courseMoved')}</span>
          </>
        )}
      </td>
      <td data-label={t('courseColumnProvider')}>
        <select
          id={`row-provider-${d}`}
          name={`row_provider_${d}`}
          aria-label={t('courseRowProvider', { date: dateText })}
        >
          {props.providers.map((provider) => (
            <option value={provider.id} selected={provider.id === session.providerId}>
              {localName(provider, locale)}
            </option>
          ))}
        </select>
      </td>
      <td data-label={t('courseColumnState')} class="course-state">
        {session.refusal === null ? (
          <>
            <span class="badge badge-ok">{t('courseFree')}</span>
            {isInLastWeekOfValidity(date, expiry) && (
              <p class="course-note warn">
                {t('courseLastWeek', { date: formatDate(expiry, locale) })}
              </p>
            )}
          </>
        ) : (
          <>
            <span class="badge badge-warn">
              {afterExpiry ? t('courseAfterExpiry') : t('courseNotFree')}
            </span>
            <p class="course-note">
              {afterExpiry
                ? t('courseAfterExpiryReason', { date: formatDate(expiry, locale) })
                : t(refusalKey(session.refusal))}
            </p>
            <Alternative row={row} locale={locale} timezone={timezone} />
          </>
        )}
      </td>
    </tr>
  );
}

/** The nearest free time of a refused session, as a button that takes it. */
function Alternative(props: { row: CourseRow; locale: Locale; timezone: string }) {
  const t = useT();
  const { row, locale, timezone } = props;
  const { alternative, refusal } = row.session;
  if (refusal === 'no_sessions_left' || refusal === 'no_service_sessions_left') return null;
  if (!alternative) return <p class="course-note">{t('courseNoAlternative')}</p>;
  const date = formatDate(localDate(timezone, alternative.start), locale);
  const time = formatTime(alternative.start, timezone, locale);
  return (
    <p class="course-note">
      {t('courseNearest')}{' '}
      <button
        type="submit"
        class="button"
        id={`take-${row.patternDate}`}
        name="take"
        value={`${row.patternDate}@${formatInstant(alternative.start, timezone)}`}
        aria-label={t('courseTakeLabel', { date, time })}
      >
        {t('courseTake')} {date} <span dir="ltr">{time}</span>
      </button>
    </p>
  );
}

/** The booked course, each session with its number (date order), replacing the form. */
export function CourseBooked(props: {
  locale: Locale;
  timezone: string;
  patientId: string;
  appointments: AppointmentRow[];
  /** The purchase as the course left it. */
  purchase?: CoursePurchase;
}) {
  const t = useT();
  const { locale, timezone, appointments } = props;
  const title = t('courseBookedTitle', { sessions: sessionCount(locale, appointments.length) });
  const section = (
    <section
      id={COURSE_FORM_ID}
      class="stack booking-confirmation"
      aria-labelledby="course-booked-title"
    >
      <h2 id="course-booked-title">{title}</h2>
      <p class="muted">{t('courseBookedNumbers')}</p>
      <div class="table-scroll">
        <table class="data-table card-rows course-table" id={COURSE_BOOKED_ID}>
          <thead>
            <tr>
              <th scope="col">{t('courseColumnNumber')}</th>
              <th scope="col">{t('courseColumnDate')}</th>
              <th scope="col">{t('courseColumnDay')}</th>
              <th scope="col">{t('courseColumnTime')}</th>
              <th scope="col">{t('courseColumnProvider')}</th>
            </tr>
          </thead>
          <tbody>
            {appointments.map((appointment) => {
              const date = localDate(timezone, appointment.starts_at);
              return (
                <tr>
                  <td data-label={t('courseColumnNumber')} class="course-number">
                    <a href={`/appointments/${appointment.id}`}>
                      {appointment.session_number_in_package ?? '–'}
                    </a>
                  </td>
                  <td data-label={t('courseColumnDate')}>{formatDate(date, locale)}</td>
                  <td data-label={t('courseColumnDay')}>{t(weekdayKey(weekdayOf(date)))}</td>
                  <td data-label={t('courseColumnTime')}>
                    <span dir="ltr">{formatTime(appointment.starts_at, timezone, locale)}</span>
                  </td>
                  <td data-label={t('courseColumnProvider')}>
                    {localName(
                      {
                        name_en: appointment.provider_name_en,
                        name_ar: appointment.provider_name_ar,
                      },
                      locale,
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="home-links">
        <a class="button primary" href={`/patients/${props.patientId}`}>
          {t('coursePatientPage')}
        </a>
        <a class="button" href={`/appointments/new?patient_id=${props.patientId}`}>
          {t('bookAnother')}
        </a>
      </p>
      <Announcement message={title} />
    </section>
  );
  return (
    <>
      {section}
      {props.purchase && <CoursePackageLine locale={locale} purchase={props.purchase} oob />}
    </>
  );
}
