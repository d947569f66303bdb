import type { ClinicOption } from '../../db/clinics.js';
import type { AdminProvider, TimeOff } from '../../db/providers.js';
import type { Locale } from '../../db/schema.js';
import type { LiveAppointment } from '../../domain/provider-changes.js';
import { formatDateAt, formatTime, localName } from '../format.js';
import type { MessageKey } from '../../i18n/index.js';
import { TimeRange } from '../time-range.js';
import {
  CheckboxGroup,
  errorText,
  Form,
  FormActions,
  SelectField,
  TextField,
  type FieldErrors,
} from '../forms.js';
import { FormCard, ListCard, NameFields, RowLink } from './cards.js';
import { useT } from '../request-context.js';

export const PROVIDERS_ID = 'admin-providers';
export const PROVIDER_FORM_ID = 'provider-form';
export const SCHEDULE_FORM_ID = 'schedule-form';
export const TIME_OFF_FORM_ID = 'time-off-form';
export const STRANDED_ID = 'stranded-appointments';

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

function weekdayKey(weekday: number): MessageKey {
  return `weekday_${weekday}` as MessageKey;
}

function HoursSummary({ hours }: { hours: AdminProvider['hours'] }) {
  const t = useT();
  if (hours.length === 0) return <span class="muted">{t('noHours')}</span>;
  return (
    <ul class="plain-list">
      {WEEKDAYS.filter((day) => hours.some((range) => range.weekday === day)).map((day) => (
        <li>
          {t(weekdayKey(day))}:{' '}
          <span dir="ltr">
            {hours
              .filter((range) => range.weekday === day)
              .map((range) => `${range.start_time}–${range.end_time}`)
              .join(', ')}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function ProvidersPage(props: { locale: Locale; providers: AdminProvider[] }) {
  const t = useT();
  const { locale } = props;
  return (
    <ListCard
      id={PROVIDERS_ID}
      title={t('providersTitle')}
      newHref="/admin/providers/new"
      newLabel={t('newProvider')}
    >
      {props.providers.length === 0 ? (
        <p class="empty">{t('noProvidersYet')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t('provider')}</th>
                <th scope="col">{t('providerClinics')}</th>
                <th scope="col">{t('weeklySchedule')}</th>
                <th scope="col">{t('linkedUserColumn')}</th>
                <th scope="col">{t('adminActions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.providers.map((provider) => (
                <tr id={`provider-${provider.id}`}>
                  <td>{localName(provider, locale)}</td>
                  <td class="wrap">
                    {provider.clinics.map((clinic) => localName(clinic, locale)).join(', ')}
                  </td>
                  <td>
                    <HoursSummary hours={provider.hours} />
                  </td>
                  <td>{provider.user_name ?? <span class="muted">{t('noLinkedUser')}</span>}</td>
                  <td>
                    <ul class="plain-list">
                      <li>
                        <RowLink
                          href={`/admin/providers/${provider.id}/edit`}
                          label={t('adminEdit')}
                          name={provider.name_en}
                        />
                      </li>
                      <li>
                        <RowLink
                          href={`/admin/providers/${provider.id}/schedule`}
                          label={t('weeklySchedule')}
                          name={provider.name_en}
                        />
                      </li>
                      <li>
                        <RowLink
                          href={`/admin/providers/${provider.id}/time-off`}
                          label={t('timeOff')}
                          name={provider.name_en}
                        />
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ListCard>
  );
}

/** The appointments a change would strand, and the explicit choice to keep them. */
export function StrandedAppointmentsNotice(props: {
  locale: Locale;
  timezone: string;
  appointments: LiveAppointment[];
}) {
  const t = useT();
  const { locale, timezone } = props;
  return (
    <div class="alert alert-warning" role="alert" id={STRANDED_ID}>
      <p>{t('strandedTitle', { count: props.appointments.length })}</p>
      <ul>
        {props.appointments.map((appointment) => (
          <li id={`stranded-${appointment.id}`}>
            {formatDateAt(appointment.starts_at, timezone, locale)}{' '}
            <TimeRange
              start={appointment.starts_at}
              end={appointment.ends_at}
              timezone={timezone}
              locale={locale}
            />
            {' · '}
            {localName(
              { name_en: appointment.patient_name_en, name_ar: appointment.patient_name_ar },
              locale,
            )}
            {' · '}
            {localName(
              { name_en: appointment.service_name_en, name_ar: appointment.service_name_ar },
              locale,
            )}{' '}
            <a href={`/appointments/${appointment.id}`}>{t('openAppointment')}</a>
          </li>
        ))}
      </ul>
      <p>{t('strandedHelp')}</p>
      <label class="check">
        <input type="checkbox" name="keep_appointments" id="keep_appointments" value="on" />
        {t('keepAppointments')}
      </label>
    </div>
  );
}

export interface StrandedProps {
  locale: Locale;
  timezone: string;
  stranded?: LiveAppointment[];
}

function Stranded(props: StrandedProps) {
  return props.stranded && props.stranded.length > 0 ? (
    <StrandedAppointmentsNotice
      locale={props.locale}
      timezone={props.timezone}
      appointments={props.stranded}
    />
  ) : null;
}

export interface ProviderFormValues {
  name_en: string;
  name_ar: string;
  user_id: string;
  clinic_ids: string[];
}

export function ProviderFormPage(
  props: StrandedProps & {
    title: string;
    action: string;
    csrfToken: string;
    formToken?: string;
    providerId?: string;
    clinics: ClinicOption[];
    users: { id: string; name: string; email: string }[];
    values: ProviderFormValues;
    errors: FieldErrors;
  },
) {
  const t = useT();
  const { values, errors } = props;
  return (
    <FormCard
      {...props}
      id={PROVIDER_FORM_ID}
      before={
        <>
          {props.providerId && (
            <p class="actions">
              <a href={`/admin/providers/${props.providerId}/schedule`}>{t('weeklySchedule')}</a>
              <a href={`/admin/providers/${props.providerId}/time-off`}>{t('timeOff')}</a>
            </p>
          )}
        </>
      }
    >
      <Stranded {...props} />
      <NameFields values={values} errors={errors} />
      <CheckboxGroup
        name="clinic_ids"
        label={t('providerClinics')}
        values={values.clinic_ids}
        options={props.clinics.map((clinic) => ({
          value: clinic.id,
          label: localName(clinic, props.locale),
        }))}
        errors={errors}
      />
      <SelectField
        name="user_id"
        label={t('linkedUser')}
        help={t('linkedUserHelp')}
        value={values.user_id}
        placeholder={t('noLinkedUser')}
        options={props.users.map((user) => ({
          value: user.id,
          label: `${user.name} (${user.email})`,
        }))}
        errors={errors}
      />
      <FormActions
        submitLabel={t('adminSave')}
        cancelLabel={t('adminCancel')}
        cancelHref="/admin/providers"
      />
    </FormCard>
  );
}

/** Weekly hours as typed: per weekday, its rows of [start, end]. */
export type ScheduleFormValues = Record<number, { start: string; end: string }[]>;

export function SchedulePage(
  props: StrandedProps & {
    title: string;
    action: string;
    csrfToken: string;
    values: ScheduleFormValues;
    errors: FieldErrors;
  },
) {
  const t = useT();
  const { errors } = props;
  const timeInput = (name: string, id: string, label: string, value: string) => (
    <span class="field">
      <label for={id} class="visually-hidden">
        {label}
      </label>
      <input
        type="time"
        id={id}
        name={name}
        value={value}
        dir="ltr"
        aria-invalid={errors[id] ? 'true' : undefined}
        aria-describedby={errors[id] ? `${id}-error` : undefined}
      />
    </span>
  );
  return (
    <section class="card narrow-form" aria-labelledby="schedule-title">
      <h1 id="schedule-title">{props.title}</h1>
      <Form id={SCHEDULE_FORM_ID} action={props.action} csrfToken={props.csrfToken} errors={errors}>
        <p class="help">{t('scheduleHelp', { timezone: props.timezone })}</p>
        <Stranded {...props} />
        {WEEKDAYS.map((day) => {
          const rows = [...(props.values[day] ?? []), { start: '', end: '' }];
          return (
            <fieldset class="schedule-day" id={`day-${day}`}>
              <legend>{t(weekdayKey(day))}</legend>
              <div class="schedule-ranges">
                {rows.map((row, index) => {
                  const startId = `start_${day}_${index}`;
                  const endId = `end_${day}_${index}`;
                  const rowLabel = `${t(weekdayKey(day))} ${index + 1}`;
                  return (
                    <div>
                      <div class="time-range-fields" dir="ltr">
                        {timeInput(
                          `start_${day}[]`,
                          startId,
                          `${rowLabel}: ${t('from')}`,
                          row.start,
                        )}
                        <span aria-hidden="true">–</span>
                        {timeInput(`end_${day}[]`, endId, `${rowLabel}: ${t('to')}`, row.end)}
                      </div>
                      {[startId, endId]
                        .filter((id) => errors[id])
                        .map((id) => (
                          <p class="field-error" id={`${id}-error`}>
                            {errorText(t, errors[id]!)}
                          </p>
                        ))}
                    </div>
                  );
                })}
              </div>
            </fieldset>
          );
        })}
        <FormActions
          submitLabel={t('adminSave')}
          cancelLabel={t('adminCancel')}
          cancelHref="/admin/providers"
        />
      </Form>
    </section>
  );
}

export interface TimeOffFormValues {
  starts_at: string;
  ends_at: string;
  reason: string;
}

export function TimeOffPage(
  props: StrandedProps & {
    title: string;
    providerId: string;
    csrfToken: string;
    formToken: string;
    timeOff: TimeOff[];
    values: TimeOffFormValues;
    errors: FieldErrors;
  },
) {
  const t = useT();
  const { locale, timezone, errors } = props;
  const base = `/admin/providers/${props.providerId}/time-off`;
  return (
    <div class="stack narrow-form">
      <section class="card" aria-labelledby="time-off-title" id="time-off-list">
        <h1 id="time-off-title">{props.title}</h1>
        <p class="help">{t('timeOffHelp', { timezone })}</p>
        {props.timeOff.length === 0 ? (
          <p class="empty">{t('noTimeOff')}</p>
        ) : (
          <ul class="plain-list stack">
            {props.timeOff.map((off) => (
              <li id={`time-off-${off.id}`} class="time-off">
                <span>
                  {formatDateAt(off.starts_at, timezone, locale)}{' '}
                  <span dir="ltr">{formatTime(off.starts_at, timezone, locale)}</span> –{' '}
                  {formatDateAt(off.ends_at, timezone, locale)}{' '}
                  <span dir="ltr">{formatTime(off.ends_at, timezone, locale)}</span>
                  {off.reason && ` · ${off.reason}`}
                </span>
                <form method="post" action={`${base}/${off.id}/remove`}>
                  <input type="hidden" name="_csrf" value={props.csrfToken} />
                  <button type="submit" class="button danger">
                    {t('removeTimeOff')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="time-off-add-title">
        <h2 id="time-off-add-title">{t('addTimeOff')}</h2>
        <Form
          id={TIME_OFF_FORM_ID}
          action={base}
          csrfToken={props.csrfToken}
          formToken={props.formToken}
          errors={errors}
        >
          <Stranded {...props} />
          <div class="field-row">
            <TextField
              type="datetime-local"
              name="starts_at"
              label={t('startsAt')}
              value={props.values.starts_at}
              dir="ltr"
              errors={errors}
            />
            <TextField
              type="datetime-local"
              name="ends_at"
              label={t('endsAt')}
              value={props.values.ends_at}
              dir="ltr"
              errors={errors}
            />
          </div>
          <TextField
            name="reason"
            label={t('reason')}
            value={props.values.reason}
            errors={errors}
          />
          <FormActions
            submitLabel={t('adminSave')}
            cancelLabel={t('adminCancel')}
            cancelHref="/admin/providers"
          />
        </Form>
      </section>
    </div>
  );
}
