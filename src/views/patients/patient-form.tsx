import type { PatientSummary } from '../../db/patients.js';
import type { Locale } from '../../db/schema.js';
import { PATIENT_CHOICE_ID } from '../appointments/patient-picker.js';
import { PLACE_FIELDS } from '../appointments/schedule-fields.js';
import {
  CheckboxField,
  Form,
  FormActions,
  SelectField,
  TextField,
  type FormState,
} from '../forms.js';
import { formatDate, localName } from '../format.js';
import { useT } from '../request-context.js';

export const PATIENT_MODAL_ID = 'patient-modal';
export const PATIENT_MODAL_BODY_ID = 'patient-modal-body';
export const PATIENT_FORM_ID = 'patient-form';
export const DUPLICATES_ID = 'possible-duplicates';

interface FormProps {
  locale: Locale;
  form: FormState;
}

export const PATIENT_CONTACT_ID = 'patient-contact';

const CONSENTS = [
  ['consent_reminders', 'consentReminders'],
  ['consent_email', 'consentEmail'],
  ['consent_sms', 'consentSms'],
  ['consent_whatsapp', 'consentWhatsapp'],
] as const;

/**
 * Email, the language of their messages and what they agreed to be sent. A form shown for
 * the first time ticks every consent (the database's default); one sent back keeps its ticks.
 */
function ContactFields({ form, locale }: FormProps) {
  const t = useT();
  const shown = form.values.consent_form === '1';
  return (
    <fieldset class="stack" id={PATIENT_CONTACT_ID}>
      <legend>{t('patientMessages')}</legend>
      <input type="hidden" name="consent_form" value="1" />
      <div class="field-row">
        <TextField
          value={form.values.email}
          errors={form.errors}
          name="email"
          id="patient-email"
          label={t('email')}
          type="email"
          autocomplete="off"
          dir="ltr"
        />
        <SelectField
          value={form.values.preferred_language ?? locale}
          errors={form.errors}
          name="preferred_language"
          id="patient-language"
          label={t('preferredLanguage')}
          options={[
            { value: 'ar', label: t('locale_ar') },
            { value: 'en', label: t('locale_en') },
          ]}
        />
      </div>
      <div class="consents">
        {CONSENTS.map(([name, label]) => (
          <CheckboxField
            name={name}
            id={`patient-${name.replace('_', '-')}`}
            label={t(label)}
            errors={form.errors}
            checked={shown ? form.values[name] === '1' : true}
          />
        ))}
      </div>
      <p class="help">{t('consentHelp')}</p>
    </fieldset>
  );
}

/** The details every registration and edit asks for; the MRN may stay empty when registering. */
function PatientFields({ form, mrnRequired, locale }: FormProps & { mrnRequired: boolean }) {
  const t = useT();
  return (
    <>
      <div class="field-row">
        <TextField
          value={form.values.name_en}
          errors={form.errors}
          name="name_en"
          id="patient-name-en"
          label={t('nameEn')}
          required
          autofocus
          autocomplete="off"
          lang="en"
          dir="ltr"
        />
        <TextField
          value={form.values.name_ar}
          errors={form.errors}
          name="name_ar"
          id="patient-name-ar"
          label={t('nameAr')}
          help={t('nameArHelp')}
          autocomplete="off"
          lang="ar"
          dir="rtl"
        />
      </div>
      <div class="field-row">
        <TextField
          value={form.values.phone}
          errors={form.errors}
          name="phone"
          id="patient-phone"
          label={t('phone')}
          help={t('phoneHelp')}
          type="tel"
          required
          autocomplete="off"
          dir="ltr"
        />
        <TextField
          value={form.values.date_of_birth}
          errors={form.errors}
          name="date_of_birth"
          id="patient-date-of-birth"
          label={t('dateOfBirth')}
          type="date"
          dir="ltr"
        />
        <TextField
          value={form.values.mrn}
          errors={form.errors}
          name="mrn"
          id="patient-mrn"
          label={t('mrn')}
          help={mrnRequired ? undefined : t('mrnHelp')}
          required={mrnRequired}
          autocomplete="off"
          dir="ltr"
        />
      </div>
      <ContactFields form={form} locale={locale} />
    </>
  );
}

/**
 * Patients who may be the one being registered. At the booking desk "use this patient"
 * selects one (as a search result does); on the patients page it opens their record.
 */
function DuplicateWarning(props: {
  locale: Locale;
  matches: PatientSummary[];
  atBookingDesk: boolean;
}) {
  const t = useT();
  const { locale } = props;
  return (
    <section id={DUPLICATES_ID} class="alert alert-warning" aria-labelledby="duplicates-title">
      <h2 id="duplicates-title">{t('possibleDuplicates')}</h2>
      <p>{t('possibleDuplicatesIntro')}</p>
      <ul class="duplicate-list">
        {props.matches.map((patient) => (
          <li>
            <span>
              <strong>{localName(patient, locale)}</strong>{' '}
              <span dir="ltr">
                {patient.mrn}
                {patient.phone ? ` · ${patient.phone}` : ''}
                {patient.date_of_birth ? ` · ${formatDate(patient.date_of_birth, locale)}` : ''}
              </span>
            </span>
            {props.atBookingDesk ? (
              <button
                type="button"
                class="button"
                hx-get={`/appointments/new/patient?patient_id=${patient.id}`}
                hx-include={PLACE_FIELDS}
                hx-target={`#${PATIENT_CHOICE_ID}`}
                hx-swap="outerHTML"
              >
                {t('useThisPatient')}
              </button>
            ) : (
              <a class="button" href={`/patients/${patient.id}`}>
                {t('openPatient')}
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

interface RegistrationProps extends FormProps {
  /** The form's one-time token: its second submit answers with the patient of the first. */
  formToken: string;
  duplicates?: PatientSummary[];
}

function RegistrationBody(props: RegistrationProps & { atBookingDesk: boolean }) {
  const t = useT();
  const { locale, form, duplicates } = props;
  return (
    <>
      {duplicates && duplicates.length > 0 && (
        <DuplicateWarning
          locale={locale}
          matches={duplicates}
          atBookingDesk={props.atBookingDesk}
        />
      )}
      <PatientFields locale={locale} form={form} mrnRequired={false} />
      <p class="actions">
        <button type="submit" class="button primary">
          {t('registerPatient')}
        </button>
        {duplicates && duplicates.length > 0 && (
          <button type="submit" class="button" name="confirm_duplicate" value="1">
            {t('registerAnyway')}
          </button>
        )}
        {props.atBookingDesk ? (
          <button type="button" class="button" data-close-dialog>
            {t('cancel')}
          </button>
        ) : (
          <a class="button" href="/patients">
            {t('cancel')}
          </a>
        )}
      </p>
    </>
  );
}

/** The quick-add form in the booking page's dialog; success selects the new patient. */
export function QuickAddPatient(props: RegistrationProps) {
  const t = useT();
  return (
    <div class="modal-content">
      <header class="modal-header">
        <h2 id="patient-modal-title">{t('registerNewPatient')}</h2>
        <button type="button" class="modal-close" data-close-dialog aria-label={t('close')}>
          ×
        </button>
      </header>
      <Form
        id={PATIENT_FORM_ID}
        formToken={props.formToken}
        errors={props.form.errors}
        autocomplete="off"
        hx-post="/appointments/new/register"
        hx-include={PLACE_FIELDS}
        hx-target={`#${PATIENT_CHOICE_ID}`}
        hx-swap="outerHTML"
        hx-disabled-elt="find button[type=submit]"
      >
        <RegistrationBody {...props} atBookingDesk />
      </Form>
    </div>
  );
}

/** The booking page's dialog the quick-add form opens in (outside the booking form). */
export function PatientModal() {
  const t = useT();
  return (
    <dialog id={PATIENT_MODAL_ID} aria-labelledby="patient-modal-title" class="modal">
      <p class="loading htmx-indicator" id="patient-modal-loading" role="status">
        {t('loading')}
      </p>
      <div id={PATIENT_MODAL_BODY_ID}></div>
    </dialog>
  );
}

export function NewPatientPage(props: RegistrationProps & { csrfToken: string }) {
  const t = useT();
  return (
    <section class="card" aria-labelledby="new-patient-title">
      <h1 id="new-patient-title">{t('newPatient')}</h1>
      <Form
        action="/patients"
        csrfToken={props.csrfToken}
        formToken={props.formToken}
        id={PATIENT_FORM_ID}
        errors={props.form.errors}
      >
        <RegistrationBody {...props} atBookingDesk={false} />
      </Form>
    </section>
  );
}

export function EditPatientPage(props: FormProps & { patient: PatientSummary; csrfToken: string }) {
  const t = useT();
  const { locale, form, patient } = props;
  return (
    <section class="card" aria-labelledby="edit-patient-title">
      <h1 id="edit-patient-title">
        {t('editPatient')}: {localName(patient, locale)}
      </h1>
      <Form
        action={`/patients/${patient.id}/edit`}
        csrfToken={props.csrfToken}
        id={PATIENT_FORM_ID}
        errors={form.errors}
      >
        <PatientFields locale={locale} form={form} mrnRequired />
        <FormActions
          submitLabel={t('saveChanges')}
          cancelLabel={t('cancel')}
          cancelHref={`/patients/${patient.id}`}
        />
      </Form>
    </section>
  );
}
