import type { ClinicOption } from '../../db/clinics.js';
import type { PatientSummary } from '../../db/patients.js';
import type { PurchaseSummary } from '../../db/purchases.js';
import type { Locale } from '../../db/schema.js';
import { ClinicField, ProviderField } from './clinic-options.js';
import {
  PACKAGE_MODAL_BODY_ID,
  PACKAGE_MODAL_ID,
  PACKAGE_MODAL_LOADING_ID,
} from './package-modal.js';
import { PackageSection } from './package-section.js';
import { ScheduleFields, type ScheduleState, type SlotListProps } from './schedule-fields.js';
import type { ProviderOption } from '../../db/providers.js';
import { PATIENT_RESULTS_ID, PatientChoice, PatientResults } from './patient-picker.js';
import { PatientModal } from '../patients/patient-form.js';
import { useT } from '../request-context.js';

export const PACKAGE_HINT_ID = 'package-hint';
export const BOOKING_ERROR_ID = 'booking-error';

/** Where the calendar's free time puts the booking: clinic, provider, day and time chosen. */
export interface PrefilledPlace {
  clinicId: string;
  providers: ProviderOption[];
  providerId: string | null;
  schedule: ScheduleState;
  slots: SlotListProps['choices'];
  /** The chosen time (a slot's value), checked when it is among the free times. */
  selected: string | null;
}

export function BookingPage(props: {
  locale: Locale;
  clinics: ClinicOption[];
  /** One per page: a double click or a retried submit books once. */
  idempotencyKey: string;
  /** Chosen already ("Book another" for the same patient). */
  patient?: PatientSummary | null;
  suggested?: PurchaseSummary | null;
  place?: PrefilledPlace | null;
}) {
  const t = useT();
  const { locale, place } = props;
  return (
    <section class="card booking" aria-labelledby="booking-title">
      <h1 id="booking-title">{t('bookAppointment')}</h1>
      <form
        id="booking-form"
        class="stack"
        autocomplete="off"
        hx-post="/appointments/new/book"
        hx-target="this"
        hx-swap="outerHTML"
        hx-disabled-elt="#book-button"
        hx-indicator="#book-indicator"
      >
        <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
        <div class="field">
          <label for="patient-search">{t('patient')}</label>
          <div class="search-row">
            <input
              id="patient-search"
              name="q"
              type="search"
              autofocus={!props.patient}
              placeholder={t('patientSearchPlaceholder')}
              aria-describedby="patient-search-help"
              aria-controls={PATIENT_RESULTS_ID}
              hx-get="/appointments/new/patients"
              hx-trigger="input changed delay:300ms, search"
              hx-target={`#${PATIENT_RESULTS_ID}`}
              hx-swap="outerHTML"
              hx-indicator="#patient-search-indicator"
              hx-sync="this:replace"
            />
            <span id="patient-search-indicator" class="htmx-indicator spinner" role="presentation">
              {t('loading')}
            </span>
          </div>
          <p id="patient-search-help" class="help">
            {t('patientSearchHelp')}
          </p>
          <PatientResults locale={locale} patients={null} />
          <PatientChoice
            locale={locale}
            patient={props.patient ?? null}
            suggested={props.suggested}
          />
        </div>

        <fieldset class="field appointment-type">
          <legend>
            {t('appointmentType')}{' '}
            <span id="type-indicator" class="htmx-indicator spinner">
              {t('loading')}
            </span>
          </legend>
          <label>
            <input
              type="radio"
              name="appointment_type"
              value="single"
              checked
              hx-get="/appointments/new/reset"
              hx-trigger="change"
              hx-swap="none"
              hx-indicator="#type-indicator"
              hx-disabled-elt="#book-button"
            />{' '}
            {t('typeSingle')}
          </label>
          <label>
            <input
              type="radio"
              id="type-package"
              name="appointment_type"
              value="package"
              hx-get="/appointments/new/package-modal"
              hx-include="[name=patient_id]"
              hx-trigger="change"
              hx-target={`#${PACKAGE_MODAL_BODY_ID}`}
              hx-swap="innerHTML"
              hx-indicator={`#${PACKAGE_MODAL_LOADING_ID}`}
              hx-disabled-elt="#book-button"
              aria-describedby={PACKAGE_HINT_ID}
            />{' '}
            {t('typePackage')}
          </label>
          <label>
            <input
              type="radio"
              name="appointment_type"
              value="group"
              hx-get="/appointments/new/reset"
              hx-trigger="change"
              hx-swap="none"
              hx-indicator="#type-indicator"
              hx-disabled-elt="#book-button"
            />{' '}
            {t('typeGroup')}
          </label>
          <p id={PACKAGE_HINT_ID} class="field-error" role="alert" hidden>
            {t('selectPatientFirst')}
          </p>
        </fieldset>

        <PackageSection locale={locale} />
        <ClinicField locale={locale} clinics={props.clinics} selected={place?.clinicId} />
        <ProviderField
          locale={locale}
          providers={place?.providers ?? null}
          selected={place?.providerId}
        />
        <ScheduleFields
          locale={locale}
          state={place?.schedule ?? null}
          slots={place?.slots ?? null}
          selected={place?.selected}
        />
        <div id={BOOKING_ERROR_ID} aria-live="assertive"></div>
        <p class="submit-row">
          <button type="submit" id="book-button" class="button primary">
            {t('book')}
          </button>
          <span id="book-indicator" class="htmx-indicator spinner">
            {t('booking')}
          </span>
        </p>
      </form>

      <dialog id={PACKAGE_MODAL_ID} aria-labelledby="package-modal-title" class="modal">
        <p id={PACKAGE_MODAL_LOADING_ID} class="loading htmx-indicator" role="status">
          {t('loadingPackages')}
        </p>
        <div id={PACKAGE_MODAL_BODY_ID}></div>
      </dialog>
      <PatientModal />
    </section>
  );
}
