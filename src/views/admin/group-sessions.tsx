import type { AdminGroupSession } from '../../db/group-sessions.js';
import type { ProviderOption } from '../../db/providers.js';
import type { Locale } from '../../db/schema.js';
import type { AdminService } from '../../db/services.js';
import { formatDateAt, localName, timeZoneName } from '../format.js';
import {
  Form,
  FormActions,
  SelectField,
  TextField,
  type FieldErrors,
  type FormValues,
} from '../forms.js';
import { TimeRange } from '../time-range.js';
import { FormCard, ListCard, RowLink, type FormPageProps } from './cards.js';
import { useT } from '../request-context.js';

export const GROUP_SESSIONS_ID = 'admin-group-sessions';
export const GROUP_SESSION_FORM_ID = 'group-session-form';
export const GROUP_PROVIDER_FIELD_ID = 'group-provider-field';
export const CANCEL_GROUP_SESSION_FORM_ID = 'cancel-group-session-form';

const LIST = '/admin/group-sessions';

/** Date and times of a session in the centre's zone: '2 Dec 2026 10:00–11:00'. */
function When(props: { session: AdminGroupSession; timezone: string; locale: Locale }) {
  const { session, timezone, locale } = props;
  return (
    <>
      {formatDateAt(session.starts_at, timezone, locale)}{' '}
      <TimeRange
        start={session.starts_at}
        end={session.ends_at}
        timezone={timezone}
        locale={locale}
      />
    </>
  );
}

function names(session: AdminGroupSession, locale: Locale) {
  return {
    service: localName({ name_en: session.service_en, name_ar: session.service_ar }, locale),
    provider: localName({ name_en: session.provider_en, name_ar: session.provider_ar }, locale),
    clinic: localName({ name_en: session.clinic_en, name_ar: session.clinic_ar }, locale),
  };
}

/** Upcoming sessions: when, what, who, where, capacity and seats taken; edit and cancel. */
export function GroupSessionsPage(props: {
  locale: Locale;
  timezone: string;
  sessions: AdminGroupSession[];
}) {
  const t = useT();
  const { locale, timezone } = props;
  return (
    <ListCard
      id={GROUP_SESSIONS_ID}
      title={t('groupSessionsTitle')}
      newHref={`${LIST}/new`}
      newLabel={t('newGroupSession')}
    >
      <p class="help">{t('groupSessionsIntro', { zone: timeZoneName(timezone, locale) })}</p>
      {props.sessions.length === 0 ? (
        <p class="empty">{t('noGroupSessionsPlanned')}</p>
      ) : (
        <table class="data-table card-rows">
          <thead>
            <tr>
              <th scope="col">{t('groupWhen')}</th>
              <th scope="col">{t('service')}</th>
              <th scope="col">{t('provider')}</th>
              <th scope="col">{t('clinic')}</th>
              <th scope="col">{t('groupBooked')}</th>
              <th scope="col">{t('adminActions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((session) => {
              const named = names(session, locale);
              const cancelled = session.status === 'CANCELLED';
              return (
                <tr id={`group-session-${session.id}`} class={cancelled ? 'cancelled' : undefined}>
                  <td data-label={t('groupWhen')}>
                    <span>
                      <When session={session} timezone={timezone} locale={locale} />
                    </span>
                  </td>
                  <td data-label={t('service')}>
                    <span>{named.service}</span>
                  </td>
                  <td data-label={t('provider')}>
                    <span>{named.provider}</span>
                  </td>
                  <td data-label={t('clinic')}>
                    <span>{named.clinic}</span>
                  </td>
                  <td data-label={t('groupBooked')}>
                    <span>
                      {t('groupBookedOf', {
                        taken: session.seats_taken,
                        capacity: session.capacity,
                      })}
                    </span>
                  </td>
                  <td data-label={t('adminActions')}>
                    {cancelled ? (
                      <span class="badge badge-muted">{t('status_CANCELLED')}</span>
                    ) : (
                      <span class="row-actions">
                        <RowLink
                          href={`${LIST}/${session.id}/edit`}
                          label={t('adminEdit')}
                          name={`${named.service} ${formatDateAt(session.starts_at, timezone, locale)}`}
                        />{' '}
                        <RowLink
                          href={`${LIST}/${session.id}/cancel`}
                          label={t('groupCancelAction')}
                          name={`${named.service} ${formatDateAt(session.starts_at, timezone, locale)}`}
                        />
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </ListCard>
  );
}

/** The provider choice: the chosen service's clinic's providers (re-fetched when it changes). */
export function GroupProviderField(props: {
  locale: Locale;
  providers: ProviderOption[];
  value: string;
  errors: FieldErrors;
}) {
  const t = useT();
  return (
    <div id={GROUP_PROVIDER_FIELD_ID}>
      <SelectField
        name="provider_id"
        label={t('provider')}
        help={t('groupProviderHelp')}
        value={props.value}
        placeholder={t('chooseProvider')}
        options={props.providers.map((provider) => ({
          value: provider.id,
          label: localName(provider, props.locale),
        }))}
        errors={props.errors}
      />
    </div>
  );
}

/** New: every field. Edit: the service stays, so provider, day, time and capacity. */
export function GroupSessionFormPage(
  props: FormPageProps & {
    locale: Locale;
    timezone: string;
    values: FormValues;
    providers: ProviderOption[];
    /** New sessions choose one. */
    services?: AdminService[];
    /** The session being edited. */
    session?: AdminGroupSession;
  },
) {
  const t = useT();
  const { locale, values, errors, session } = props;
  const zone = timeZoneName(props.timezone, locale);
  return (
    <FormCard {...props} id={GROUP_SESSION_FORM_ID}>
      {props.services && (
        <SelectField
          name="service_id"
          label={t('service')}
          help={t('groupServiceHelp')}
          value={values.service_id}
          placeholder={t('chooseService')}
          options={props.services.map((service) => ({
            value: service.id,
            label: t('groupServiceOption', {
              service: localName(service, locale),
              clinic: localName({ name_en: service.clinic_en, name_ar: service.clinic_ar }, locale),
              minutes: t('minutes', { count: service.default_duration_minutes }),
            }),
          }))}
          errors={errors}
          hx={{
            'hx-get': `${LIST}/providers`,
            'hx-trigger': 'change',
            'hx-include': `#${GROUP_SESSION_FORM_ID} [name='provider_id']`,
            'hx-target': `#${GROUP_PROVIDER_FIELD_ID}`,
            'hx-swap': 'outerHTML',
          }}
        />
      )}
      {session && (
        <dl class="facts" id="group-session-facts">
          <dt>{t('groupSessionFacts')}</dt>
          <dd>
            {names(session, locale).service} · {names(session, locale).clinic}
          </dd>
        </dl>
      )}
      <GroupProviderField
        locale={locale}
        providers={props.providers}
        value={values.provider_id ?? ''}
        errors={errors}
      />
      <div class="field-row">
        <TextField
          name="date"
          type="date"
          label={t('groupStartDate')}
          value={values.date}
          errors={errors}
          dir="ltr"
        />
        <TextField
          name="time"
          type="time"
          label={t('groupStartTime')}
          help={t('groupStartTimeHelp', { zone })}
          value={values.time}
          errors={errors}
          dir="ltr"
        />
      </div>
      <TextField
        name="capacity"
        label={t('groupCapacity')}
        help={
          session && session.seats_taken > 0
            ? t('groupCapacityBookedHelp', { count: session.seats_taken })
            : t('groupCapacityHelp')
        }
        value={values.capacity}
        inputmode="numeric"
        dir="ltr"
        errors={errors}
      />
      <FormActions submitLabel={t('adminSave')} cancelLabel={t('adminCancel')} cancelHref={LIST} />
    </FormCard>
  );
}

/** What cancelling does (seats, package sessions returned), and its reason. */
export function CancelGroupSessionPage(props: {
  locale: Locale;
  timezone: string;
  title: string;
  action: string;
  csrfToken: string;
  session: AdminGroupSession;
  packageSeats: number;
  reason: string;
  errors: FieldErrors;
}) {
  const t = useT();
  const { locale, session } = props;
  const named = names(session, locale);
  return (
    <section class="card narrow-form" aria-labelledby="cancel-group-session-title">
      <h1 id="cancel-group-session-title">{props.title}</h1>
      <p id="cancel-group-session-summary">
        <strong>{named.service}</strong> · {named.provider} · {named.clinic}
        <br />
        <When session={session} timezone={props.timezone} locale={locale} />
      </p>
      <ul id="cancel-group-session-effects">
        <li>
          {session.seats_taken > 0
            ? t('cancelGroupSessionSeats', { count: session.seats_taken })
            : t('cancelGroupSessionNoSeats')}
        </li>
        {props.packageSeats > 0 && (
          <li>{t('cancelGroupSessionReturns', { count: props.packageSeats })}</li>
        )}
      </ul>
      <Form
        id={CANCEL_GROUP_SESSION_FORM_ID}
        action={props.action}
        csrfToken={props.csrfToken}
        errors={props.errors}
      >
        <TextField
          name="reason"
          label={t('reason')}
          help={t('cancelGroupSessionReasonHelp')}
          value={props.reason}
          required
          errors={props.errors}
        />
        <p class="actions">
          <button type="submit" class="button danger">
            {t('cancelGroupSessionConfirm')}
          </button>
          <a class="button" href={LIST}>
            {t('cancelGroupSessionKeep')}
          </a>
        </p>
      </Form>
    </section>
  );
}
