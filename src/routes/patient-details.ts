import { z } from 'zod';
import type { StaffActor } from '../db/audit.js';
import type { Database } from '../db/client.js';
import {
  PossibleDuplicates,
  registerPatient,
  type PatientDetails,
  type PatientSummary,
} from '../db/patients.js';
import { ValidationFailed } from '../domain/errors.js';
import {
  dateOfBirthProblem,
  MRN_PATTERN,
  normalisePhone,
  PHONE_PATTERN,
} from '../domain/patients.js';
import { submittedText, type FieldErrors, type Submitted } from '../views/forms.js';
import { text } from './validation.js';

/** Field messages are message keys: the form shows them in the page's language. */
const name = text({ error: 'fieldRequired' }).trim().max(100, 'nameTooLong');
const optionalText = (max: number, message: string) =>
  text()
    .trim()
    .max(max, message)
    .optional()
    .transform((text) => text || null);

/** Ticked: '1'; an unticked checkbox is not sent at all. */
const ticked = z
  .literal('1')
  .optional()
  .transform((value) => value === '1');

/**
 * How to reach the patient and what they agreed to. The consents are read only from a form
 * that showed them (`consent_form`): a form without them leaves them as they are.
 */
const contact = {
  email: text()
    .trim()
    .max(254, 'emailInvalid')
    .optional()
    .transform((email) => email?.toLowerCase() || null)
    .pipe(z.email('emailInvalid').nullable()),
  preferred_language: z.enum(['en', 'ar']).optional(),
  consent_form: z.literal('1').optional(),
  consent_reminders: ticked,
  consent_email: ticked,
  consent_sms: ticked,
  consent_whatsapp: ticked,
};

const details = {
  ...contact,
  name_en: name.min(1, 'fieldRequired'),
  name_ar: optionalText(100, 'nameTooLong'),
  phone: text({ error: 'fieldRequired' })
    .max(40, 'phoneInvalid')
    .transform(normalisePhone)
    .pipe(z.string().min(1, 'fieldRequired').regex(PHONE_PATTERN, 'phoneInvalid')),
  date_of_birth: z
    .union([z.literal(''), z.iso.date('dateInvalid')])
    .optional()
    .transform((date) => date || null),
};

const mrn = text().trim().max(30, 'mrnInvalid').regex(MRN_PATTERN, 'mrnInvalid');

export const registrationForm = z.object({
  ...details,
  mrn: z
    .union([z.literal(''), mrn])
    .optional()
    .transform((text) => text || null),
  form_token: text().min(16).max(100),
  confirm_duplicate: z.literal('1').optional(),
});

export const patientEditForm = z.object({
  ...details,
  mrn: text({ error: 'fieldRequired' }).trim().min(1, 'fieldRequired').pipe(mrn),
});

type ContactForm = z.infer<z.ZodObject<typeof contact>>;

export function detailsOf(form: PatientDetails & ContactForm): PatientDetails {
  return {
    name_en: form.name_en,
    name_ar: form.name_ar,
    phone: form.phone,
    date_of_birth: form.date_of_birth,
    email: form.email,
    preferred_language: form.preferred_language,
    ...(form.consent_form === '1'
      ? {
          consent_reminders: form.consent_reminders,
          consent_email: form.consent_email,
          consent_sms: form.consent_sms,
          consent_whatsapp: form.consent_whatsapp,
        }
      : {}),
  };
}

/** What zod cannot know: the tenant's today. */
export function dateOfBirthErrors(dateOfBirth: string | null, today: string): FieldErrors | null {
  const problem = dateOfBirth ? dateOfBirthProblem(dateOfBirth, today) : null;
  return problem ? { date_of_birth: problem } : null;
}

/**
 * Every error of a refused patient form at once: zod's, and the date of birth against the
 * tenant's today when zod found the date itself well-formed.
 */
export function patientFormErrors(
  errors: FieldErrors,
  submitted: Submitted,
  today: string,
): FieldErrors {
  if (errors.date_of_birth) return errors;
  const dateOfBirth = submittedText(submitted, 'date_of_birth');
  return { ...dateOfBirthErrors(dateOfBirth || null, today), ...errors };
}

export type RegistrationOutcome =
  | { ok: true; id: string; created: boolean }
  | { ok: false; status: 409; duplicates: PatientSummary[] }
  | { ok: false; status: 422; errors: FieldErrors };

/** The quick-add dialog and the new-patient page register the same way. */
export async function registerFromForm(
  db: Database,
  actor: StaffActor,
  form: z.infer<typeof registrationForm>,
  today: string,
): Promise<RegistrationOutcome> {
  const errors = dateOfBirthErrors(form.date_of_birth, today);
  if (errors) return { ok: false, status: 422, errors };
  try {
    const patient = await db.transaction().execute((trx) =>
      registerPatient(trx, actor, {
        formToken: form.form_token,
        details: detailsOf(form),
        mrn: form.mrn,
        confirmDuplicate: form.confirm_duplicate === '1',
      }),
    );
    return { ok: true, ...patient };
  } catch (error) {
    if (error instanceof PossibleDuplicates) {
      return { ok: false, status: 409, duplicates: error.matches };
    }
    if (error instanceof ValidationFailed && error.fields) {
      return { ok: false, status: 422, errors: error.fields };
    }
    throw error;
  }
}
