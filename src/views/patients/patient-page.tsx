import { CSRF_FIELD } from '../../auth/csrf.js';
import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { HistoryPurchase, PatientHistory } from '../../db/patient-history.js';
import type { Locale } from '../../db/schema.js';
import { addDays } from '../../domain/dates.js';
import { isExtendable, MAX_EXTENSION_DAYS, sessionsRemaining } from '../../domain/purchases.js';
import { formatDate, formatDateAt, localName } from '../format.js';
import type { MessageKey } from '../../i18n/index.js';
import { TimeRange } from '../time-range.js';
import { AppointmentStatusBadge, isCancelled, PurchaseStatusBadge } from '../status-badges.js';
import { useT } from '../request-context.js';
import { PurchasePayments, type PatientMoney } from './purchase-payments.js';
import { ServiceSplit } from '../service-split.js';
import { CANCELLABLE } from '../../domain/appointments.js';
import {
  CancelRemainingForm,
  RescheduleAllForm,
  sessionsNotHeld,
  TransferForm,
  type OperationFormState,
} from './package-operation-forms.js';

export const PATIENT_PACKAGES_ID = 'patient-packages';
export const PATIENT_APPOINTMENTS_ID = 'patient-appointments';

/** The extension form as submitted, shown again with its field errors (422). */
export interface ExtendFormState {
  purchaseId: string;
  values: { expiry_date?: string; days?: string; reason?: string };
  errors: { expiry_date?: string; days?: string; reason?: string };
}

/** Package operations this user may run, and the form that came back refused. */
export interface PackageOperations {
  /** Extend, transfer, cancel remaining: ADMIN. */
  canExtend: boolean;
  /** Reschedule all: ADMIN and the front desk. */
  canReschedule: boolean;
  csrfToken: string;
  form?: ExtendFormState;
  operation?: OperationFormState;
  /** Sessions after this instant, still live, are the ones the operations touch. */
  now: Date;
}

interface PageProps {
  locale: Locale;
  timezone: string;
  history: PatientHistory;
  operations: PackageOperations;
  /** Balances, payments and refunds, and the money forms this user may use. */
  money: PatientMoney;
  /** The front desk and administrators may edit the details. */
  canEdit: boolean;
  /** Just registered or updated (after the redirect of the form). */
  done?: PatientPageDone;
}

/** What the redirect after a form says happened, and its notice. */
export const PATIENT_PAGE_DONE = {
  registered: 'patientRegistered',
  updated: 'patientUpdated',
  transferred: 'purchaseTransferred',
  cancelled: 'remainingCancelled',
  rescheduled: 'purchaseRescheduled',
  course: 'courseBookedNotice',
} as const;
export type PatientPageDone = keyof typeof PATIENT_PAGE_DONE;

export function PatientPage(props: PageProps) {
  const { locale, timezone, history, operations, canEdit, done } = props;
  const t = useT();
  const { patient, purchases, appointments } = history;
  const notRecorded = <span class="muted">{t('notRecorded')}</span>;
  const futureOf = (purchaseId: string) =>
    appointments
      .filter(
        (a) =>
          a.package_purchase_id === purchaseId &&
          CANCELLABLE.includes(a.status) &&
          a.starts_at > operations.now,
      )
      .reverse();
  // The front desk's one operation (reschedule all) needs sessions to come.
  const withActions =
    operations.canExtend ||
    (operations.canReschedule && purchases.some((p) => futureOf(p.id).length > 0));
  return (
    <div class="stack patient-page">
      {done && (
        <p class="alert alert-ok" role="status" id="patient-notice">
          {t(PATIENT_PAGE_DONE[done])}
        </p>
      )}
      <section class="card" aria-labelledby="patient-title">
        <div class="heading-row">
          <h1 id="patient-title">{localName(patient, locale)}</h1>
          {canEdit && (
            <a class="button" href={`/patients/${patient.id}/edit`} id="edit-patient-link">
              {t('editPatient')}
            </a>
          )}
        </div>
        <dl class="facts" id="patient-details" aria-label={t('patientDetails')}>
          <dt>{t('nameEn')}</dt>
          <dd>
            <span lang="en" dir="ltr">
              {patient.name_en}
            </span>
          </dd>
          <dt>{t('nameAr')}</dt>
          <dd>
            {patient.name_ar ? (
              <span lang="ar" dir="rtl">
                {patient.name_ar}
              </span>
            ) : (
              notRecorded
            )}
          </dd>
          <dt>{t('mrn')}</dt>
          <dd>
            <span dir="ltr">{patient.mrn}</span>
          </dd>
          <dt>{t('phone')}</dt>
          <dd>{patient.phone ? <span dir="ltr">{patient.phone}</span> : notRecorded}</dd>
          <dt>{t('dateOfBirth')}</dt>
          <dd>{patient.date_of_birth ? formatDate(patient.date_of_birth, locale) : notRecorded}</dd>
        </dl>
      </section>

      <section class="card" id={PATIENT_PACKAGES_ID} aria-labelledby="patient-packages-title">
        <h2 id="patient-packages-title">{t('packagesHeading', { count: purchases.length })}</h2>
        {purchases.length === 0 ? (
          <p class="empty">{t('noPurchases')}</p>
        ) : (
          <div
            class="table-scroll"
            role="region"
            aria-labelledby="patient-packages-title"
            tabindex={0}
          >
            <table class="data-table purchase-table">
              <thead>
                <tr>
                  <th scope="col">{t('packageName')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('used')}</th>
                  <th scope="col">{t('remaining')}</th>
                  <th scope="col">{t('purchaseDate')}</th>
                  <th scope="col">{t('expiryDate')}</th>
                  {withActions && <th scope="col">{t('packageActions')}</th>}
                </tr>
              </thead>
              <tbody>
                {purchases.map((purchase) => (
                  <PurchaseRow
                    locale={locale}
                    timezone={timezone}
                    patientId={patient.id}
                    purchase={purchase}
                    future={futureOf(purchase.id)}
                    operations={{ ...operations, withActions }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <PurchasePayments
        locale={locale}
        patientId={patient.id}
        purchases={purchases}
        payments={history.payments}
        money={props.money}
      />

      <section
        class="card"
        id={PATIENT_APPOINTMENTS_ID}
        aria-labelledby="patient-appointments-title"
      >
        <h2 id="patient-appointments-title">
          {t('appointmentsHeading', { count: appointments.length })}
        </h2>
        {appointments.length === 0 ? (
          <p class="empty">{t('noAppointments')}</p>
        ) : (
          <div
            class="table-scroll"
            role="region"
            aria-labelledby="patient-appointments-title"
            tabindex={0}
          >
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dateTime')}</th>
                  <th scope="col">{t('clinic')}</th>
                  <th scope="col">{t('provider')}</th>
                  <th scope="col">{t('service')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('packageSession')}</th>
                </tr>
              </thead>
              <tbody>
                {appointments.map((appointment) => (
                  <AppointmentRow locale={locale} timezone={timezone} appointment={appointment} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function PurchaseRow(props: {
  locale: Locale;
  timezone: string;
  patientId: string;
  purchase: HistoryPurchase;
  future: AppointmentRow[];
  operations: PackageOperations & { withActions: boolean };
}) {
  const t = useT();
  const { locale, purchase, operations } = props;
  const open = purchase.status === 'ACTIVE' || purchase.status === 'COMPLETED';
  const operationProps = {
    locale,
    timezone: props.timezone,
    patientId: props.patientId,
    purchase,
    future: props.future,
    csrfToken: operations.csrfToken,
    form: operations.operation,
  };
  const { status } = purchase;
  // Its sessions went to another patient, or were cancelled: none is left on it to book.
  const handedOn = status === 'TRANSFERRED' || status === 'CANCELLED';
  return (
    <tr id={`purchase-${purchase.id}`} class={status === 'ACTIVE' ? undefined : 'history'}>
      <th scope="row">{localName(purchase, locale)}</th>
      <td data-label={t('status')}>
        <PurchaseStatusBadge status={status} />
      </td>
      <td class="usage" data-label={t('used')}>
        <span dir="ltr">{`${purchase.sessions_used}/${purchase.total_sessions}`}</span>{' '}
        <ServiceSplit locale={locale} split={purchase.split} />
      </td>
      <td class="remaining" data-label={t('remaining')}>
        {handedOn ? '—' : sessionsRemaining(purchase)}
      </td>
      <td data-label={t('purchaseDate')}>{formatDate(purchase.purchase_date, locale)}</td>
      <td data-label={t('expiryDate')}>{formatDate(purchase.expiry_date, locale)}</td>
      {operations.withActions && (
        <td class="operations">
          {operations.canExtend && isExtendable(purchase) && (
            <ExtendExpiryForm
              locale={locale}
              patientId={props.patientId}
              purchase={purchase}
              csrfToken={operations.csrfToken}
              form={operations.form?.purchaseId === purchase.id ? operations.form : undefined}
            />
          )}
          {operations.canReschedule && props.future.length > 0 && (
            <RescheduleAllForm {...operationProps} />
          )}
          {operations.canExtend && open && sessionsNotHeld(purchase, props.future) > 0 && (
            <TransferForm {...operationProps} />
          )}
          {operations.canExtend && open && <CancelRemainingForm {...operationProps} />}
        </td>
      )}
    </tr>
  );
}

/** Opened from its row; open again, with the submitted values, when it failed validation. */
function ExtendExpiryForm(props: {
  locale: Locale;
  patientId: string;
  purchase: HistoryPurchase;
  csrfToken: string;
  form: ExtendFormState | undefined;
}) {
  const t = useT();
  const { purchase, form } = props;
  const values = form?.values ?? {};
  const errors = form?.errors ?? {};
  const id = (field: string) => `extend-${field}-${purchase.id}`;
  /** A labelled input showing its submitted value and its error, if any. */
  const field = (
    name: keyof ExtendFormState['errors'],
    label: MessageKey,
    input: Record<string, string | number | boolean>,
  ) => (
    <div class="field">
      <label for={id(name)}>{t(label)}</label>
      <input
        id={id(name)}
        name={name}
        value={values[name] ?? ''}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={errors[name] ? id(`${name}-error`) : undefined}
        {...input}
      />
      {errors[name] && (
        <p class="field-error" id={id(`${name}-error`)}>
          {errors[name]}
        </p>
      )}
    </div>
  );
  return (
    <details class="package-operation" open={form !== undefined}>
      <summary>{t('extendExpiry')}</summary>
      <form
        method="post"
        action={`/patients/${props.patientId}/packages/${purchase.id}/extend`}
        class="stack extend-form"
        id={id('form')}
        novalidate
      >
        <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
        <p class="muted">
          {t('currentExpiry', { date: formatDate(purchase.expiry_date, props.locale) })}
        </p>
        {field('expiry_date', 'newExpiryDate', {
          type: 'date',
          min: addDays(purchase.expiry_date, 1),
        })}
        {field('days', 'extendByDays', {
          type: 'number',
          inputmode: 'numeric',
          min: 1,
          max: MAX_EXTENSION_DAYS,
        })}
        {field('reason', 'extensionReason', { required: true, maxlength: 500 })}
        <button type="submit" class="button">
          {t('extendExpiry')}
        </button>
      </form>
    </details>
  );
}

function AppointmentRow(props: { locale: Locale; timezone: string; appointment: AppointmentRow }) {
  const t = useT();
  const { locale, timezone, appointment: a } = props;
  return (
    <tr id={`appointment-${a.id}`} class={isCancelled(a.status) ? 'cancelled' : undefined}>
      <td>
        <a href={`/appointments/${a.id}`}>
          {formatDateAt(a.starts_at, timezone, locale)}{' '}
          <span class="time">
            <TimeRange start={a.starts_at} end={a.ends_at} timezone={timezone} locale={locale} />
          </span>
        </a>
      </td>
      <td>{localName({ name_en: a.clinic_name_en, name_ar: a.clinic_name_ar }, locale)}</td>
      <td>{localName({ name_en: a.provider_name_en, name_ar: a.provider_name_ar }, locale)}</td>
      <td>{localName({ name_en: a.service_name_en, name_ar: a.service_name_ar }, locale)}</td>
      <td>
        <AppointmentStatusBadge status={a.status} />
      </td>
      <td class="package-session">
        {a.session_number_in_package !== null && a.package_total_sessions !== null
          ? t('sessionOfTotal', {
              number: a.session_number_in_package,
              total: a.package_total_sessions,
            })
          : '—'}
      </td>
    </tr>
  );
}
