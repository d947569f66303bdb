import type { Child } from 'hono/jsx';
import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { HistoryPurchase } from '../../db/patient-history.js';
import type { PatientSummary } from '../../db/patients.js';
import type { Locale } from '../../db/schema.js';
import { sessionsRemaining } from '../../domain/purchases.js';
import { errorText, Form, TextField, type FieldErrors, type FormValues } from '../forms.js';
import { formatDateAt, formatTime, localName } from '../format.js';
import { useT } from '../request-context.js';

/** The package operations of the patient page's purchase rows (SPEC §2, §7). */
export type OperationKind = 'transfer' | 'cancel-remaining' | 'reschedule';

/** A refused operation form, shown again in place: its values, keyed errors, conflicts. */
export interface OperationFormState {
  purchaseId: string;
  kind: OperationKind;
  values: FormValues;
  errors: FieldErrors;
  /** A refusal of the whole operation, in the reader's language (with its values). */
  message?: string;
  /** The sessions that stood in the way (ISO start with offset), as the service listed them. */
  conflicts?: { start: string }[];
  /** A refused transfer's chosen patient, shown chosen again (not only kept in a hidden field). */
  recipient?: PatientSummary;
}

/** The element (a <details>) an operation form replaces itself in. */
export function operationId(kind: OperationKind, purchaseId: string): string {
  return `op-${kind}-${purchaseId}`;
}

/** Where the transfer form's recipient search answers. */
export function recipientsId(purchaseId: string): string {
  return `transfer-recipients-${purchaseId}`;
}

export function operationUrl(patientId: string, purchaseId: string, kind: OperationKind): string {
  return `/patients/${patientId}/packages/${purchaseId}/${kind}`;
}

export interface OperationProps {
  locale: Locale;
  timezone: string;
  patientId: string;
  purchase: HistoryPurchase;
  /** The purchase's sessions still to come (live, not started), earliest first. */
  future: AppointmentRow[];
  csrfToken: string;
  form?: OperationFormState;
}

const OPERATION_TITLES = {
  transfer: 'transferRemaining',
  'cancel-remaining': 'cancelRemaining',
  reschedule: 'rescheduleAll',
} as const;

/**
 * One operation: a disclosure (open again when it came back refused) holding a form that
 * posts with htmx and swaps itself (a plain POST works too: the page comes back).
 */
function OperationForm(
  props: OperationProps & { kind: OperationKind; children: Child; submit: string },
) {
  const t = useT();
  const { kind, purchase, form } = props;
  const id = operationId(kind, purchase.id);
  const url = operationUrl(props.patientId, purchase.id, kind);
  const mine = form?.kind === kind && form.purchaseId === purchase.id ? form : undefined;
  return (
    <details class="package-operation" id={id} open={mine !== undefined}>
      <summary>{t(OPERATION_TITLES[kind])}</summary>
      <Form
        id={`${id}-form`}
        action={url}
        csrfToken={props.csrfToken}
        errors={mine?.errors}
        hx-post={url}
        hx-target={`#${id}`}
        hx-swap="outerHTML"
        hx-disabled-elt="find button[type=submit]"
      >
        {mine?.message && (
          <p class="alert alert-error" role="alert" id={`${id}-message`}>
            {mine.message}
          </p>
        )}
        {props.children}
        {mine?.conflicts && mine.conflicts.length > 0 && (
          <ConflictList
            locale={props.locale}
            timezone={props.timezone}
            id={`${id}-conflicts`}
            starts={mine.conflicts.map((c) => new Date(c.start))}
          />
        )}
        <button type="submit" class="button">
          {props.submit}
        </button>
      </Form>
    </details>
  );
}

/** The sessions a refusal names (or a confirmation will change), by day and time. */
function ConflictList(props: { locale: Locale; timezone: string; id: string; starts: Date[] }) {
  const t = useT();
  return (
    <div class="alert alert-error" id={props.id}>
      <p>{t('conflictingSessions')}</p>
      <ul>
        {props.starts.map((start) => (
          <li>
            {formatDateAt(start, props.timezone, props.locale)}{' '}
            <span dir="ltr">{formatTime(start, props.timezone, props.locale)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What the operation will touch: the sessions still to come, or that there are none. */
function FutureSessions(props: OperationProps & { heading: string }) {
  const t = useT();
  if (props.future.length === 0) return <p class="muted">{t('noSessionsToCome')}</p>;
  return (
    <div>
      <p>{props.heading}</p>
      <ul class="future-sessions">
        {props.future.map((a) => (
          <li>
            {formatDateAt(a.starts_at, props.timezone, props.locale)}{' '}
            <span dir="ltr">{formatTime(a.starts_at, props.timezone, props.locale)}</span>
            {' · '}
            {localName({ name_en: a.provider_name_en, name_ar: a.provider_name_ar }, props.locale)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The sessions a transfer or a cancellation hands on or closes: those left, and those booked
 * still to come (cancelled with it, so returned). A course booked to the end leaves none "left"
 * but all of it still to be held.
 */
export function sessionsNotHeld(purchase: HistoryPurchase, future: AppointmentRow[]): number {
  return sessionsRemaining(purchase) + future.length;
}

function value(props: OperationProps, kind: OperationKind, name: string): string | undefined {
  const { form } = props;
  return form?.kind === kind && form.purchaseId === props.purchase.id
    ? form.values[name]
    : undefined;
}

function errorsOf(props: OperationProps, kind: OperationKind): FieldErrors | undefined {
  const { form } = props;
  return form?.kind === kind && form.purchaseId === props.purchase.id ? form.errors : undefined;
}

/** Transfer the remaining sessions to another patient of the centre (ADMIN). */
export function TransferForm(props: OperationProps) {
  const t = useT();
  const kind = 'transfer';
  const id = operationId(kind, props.purchase.id);
  const errors = errorsOf(props, kind);
  const chosen = value(props, kind, 'patient_id');
  const recipient = props.form?.purchaseId === props.purchase.id ? props.form.recipient : undefined;
  const cancelFuture = value(props, kind, 'cancel_future') === 'on';
  return (
    <OperationForm {...props} kind={kind} submit={t('transferRemaining')}>
      <p class="muted">
        {t('transferExplained', { count: sessionsNotHeld(props.purchase, props.future) })}
      </p>
      <div class="field">
        <label for={`${id}-q`}>{t('transferRecipientSearch')}</label>
        <input
          id={`${id}-q`}
          name="q"
          type="search"
          value={value(props, kind, 'q') ?? ''}
          autocomplete="off"
          aria-describedby={errors?.patient_id ? `${id}-patient-error` : undefined}
          aria-controls={recipientsId(props.purchase.id)}
          hx-get={`/patients/${props.patientId}/packages/${props.purchase.id}/recipients`}
          hx-trigger="input changed delay:300ms, search"
          hx-target={`#${recipientsId(props.purchase.id)}`}
          hx-swap="outerHTML"
          hx-sync="this:replace"
        />
        {errors?.patient_id && (
          <p class="field-error" id={`${id}-patient-error`}>
            {errorText(t, errors.patient_id)}
          </p>
        )}
      </div>
      <RecipientChoices
        locale={props.locale}
        purchaseId={props.purchase.id}
        patients={recipient ? [recipient] : null}
        chosen={chosen}
      />
      <FutureSessions {...props} heading={t('transferFutureSessions')} />
      {props.future.length > 0 && (
        <label class="check">
          <input type="checkbox" name="cancel_future" checked={cancelFuture} />{' '}
          {t('transferCancelFuture', { count: props.future.length })}
        </label>
      )}
      <TextField
        name="reason"
        id={`${id}-reason`}
        label={t('operationReason')}
        errors={errors}
        value={value(props, kind, 'reason')}
        required
      />
    </OperationForm>
  );
}

/**
 * The patients a transfer may go to, found by the search (the holder left out), as radio
 * buttons; the one chosen before a refusal stays chosen.
 */
export function RecipientChoices(props: {
  locale: Locale;
  purchaseId: string;
  patients: PatientSummary[] | null;
  chosen?: string;
}) {
  const t = useT();
  const { patients } = props;
  return (
    <fieldset id={recipientsId(props.purchaseId)} class="recipients" aria-live="polite">
      <legend>{t('transferRecipient')}</legend>
      {props.chosen && patients === null && (
        <input type="hidden" name="patient_id" value={props.chosen} />
      )}
      {patients === null && !props.chosen && <p class="empty">{t('transferSearchFirst')}</p>}
      {patients?.length === 0 && <p class="empty">{t('noPatientsFound')}</p>}
      {patients?.map((patient) => (
        <label class="check">
          <input
            type="radio"
            name="patient_id"
            value={patient.id}
            checked={patient.id === props.chosen}
          />{' '}
          {localName(patient, props.locale)} ·{' '}
          <span class="identifier" dir="ltr">
            {patient.mrn}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Cancel the remaining sessions (ADMIN): money back is a refund, made apart. */
export function CancelRemainingForm(props: OperationProps) {
  const t = useT();
  const kind = 'cancel-remaining';
  return (
    <OperationForm {...props} kind={kind} submit={t('cancelRemaining')}>
      <p class="muted">
        {t('cancelRemainingExplained', { count: sessionsNotHeld(props.purchase, props.future) })}
      </p>
      <FutureSessions {...props} heading={t('cancelRemainingFuture')} />
      <p class="muted">{t('cancelRemainingRefund')}</p>
      <TextField
        name="reason"
        id={`${operationId(kind, props.purchase.id)}-reason`}
        label={t('operationReason')}
        errors={errorsOf(props, kind)}
        value={value(props, kind, 'reason')}
        required
      />
    </OperationForm>
  );
}

/** Move every session still to come by a number of days (ADMIN, front desk). */
export function RescheduleAllForm(props: OperationProps) {
  const t = useT();
  const kind = 'reschedule';
  const id = operationId(kind, props.purchase.id);
  const errors = errorsOf(props, kind);
  return (
    <OperationForm {...props} kind={kind} submit={t('rescheduleAll')}>
      <FutureSessions {...props} heading={t('rescheduleAllFuture')} />
      <TextField
        name="offset_days"
        id={`${id}-days`}
        type="number"
        inputmode="numeric"
        label={t('rescheduleAllDays')}
        help={t('rescheduleAllDaysHelp')}
        errors={errors}
        value={value(props, kind, 'offset_days')}
        required
      />
      <TextField
        name="reason"
        id={`${id}-reason`}
        label={t('operationReason')}
        errors={errors}
        value={value(props, kind, 'reason')}
        required
      />
    </OperationForm>
  );
}
