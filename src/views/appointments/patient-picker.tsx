import type { PatientSummary } from '../../db/patients.js';
import type { PurchaseSummary } from '../../db/purchases.js';
import type { Locale } from '../../db/schema.js';
import { PACKAGE_SECTION_ID } from './package-section.js';
import { PACKAGE_PLACE_FIELDS, PLACE_FIELDS } from './schedule-fields.js';
import { localName } from '../format.js';
import { PATIENT_MODAL_BODY_ID } from '../patients/patient-form.js';
import { useT } from '../request-context.js';

export const PATIENT_RESULTS_ID = 'patient-results';
export const PATIENT_CHOICE_ID = 'patient-choice';

export function PatientResults(props: {
  locale: Locale;
  patients: PatientSummary[] | null;
  oob?: boolean;
}) {
  const t = useT();
  const { locale, patients } = props;
  return (
    <div id={PATIENT_RESULTS_ID} hx-swap-oob={props.oob ? 'true' : undefined}>
      {patients?.length === 0 && (
        <div class="no-match">
          <p class="empty">{t('noPatientsFound')}</p>
          <button
            type="button"
            class="button"
            id="register-patient-button"
            hx-get="/appointments/new/patient-form"
            hx-include="#patient-search"
            hx-target={`#${PATIENT_MODAL_BODY_ID}`}
            hx-swap="innerHTML"
            hx-indicator="#patient-modal-loading"
          >
            {t('registerNewPatient')}
          </button>
        </div>
      )}
      {patients && patients.length > 0 && (
        <ul class="result-list" aria-label={t('searchResults')}>
          {patients.map((patient) => (
            <li>
              <button
                type="button"
                class="result"
                hx-get={`/appointments/new/patient?patient_id=${patient.id}`}
                hx-include={PLACE_FIELDS}
                hx-target={`#${PATIENT_CHOICE_ID}`}
                hx-swap="outerHTML"
                hx-indicator="#patient-search-indicator"
                hx-disabled-elt="this, #book-button"
              >
                <span class="result-name">{localName(patient, locale)}</span>
                {locale !== 'ar' && patient.name_ar && (
                  <span class="result-alt" lang="ar" dir="rtl">
                    {patient.name_ar}
                  </span>
                )}
                <span class="result-meta" dir="ltr">
                  {patient.mrn}
                  {patient.phone ? ` · ${patient.phone}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const SUGGESTED_PACKAGE_ID = 'suggested-package';

/**
 * The chosen patient: the hidden field the rest of the form reads, and a shortcut to the
 * suggested package (the earliest-expiring usable one) instead of "Use package" → modal → select.
 */
export function PatientChoice(props: {
  locale: Locale;
  patient: PatientSummary | null;
  suggested?: PurchaseSummary | null;
}) {
  const t = useT();
  const { locale, patient, suggested } = props;
  return (
    <div id={PATIENT_CHOICE_ID} class="patient-choice" aria-live="polite">
      {patient && (
        <p>
          <input type="hidden" name="patient_id" value={patient.id} />
          {t('selectedPatient')}: <strong>{localName(patient, locale)}</strong> (
          <bdi class="identifier" translate="no">
            {patient.mrn}
          </bdi>
          )
        </p>
      )}
      {patient && suggested && (
        <button
          type="button"
          class="button primary"
          id={SUGGESTED_PACKAGE_ID}
          hx-get={`/appointments/new/package?patient_id=${patient.id}&package_purchase_id=${suggested.id}`}
          hx-include={PACKAGE_PLACE_FIELDS}
          hx-target={`#${PACKAGE_SECTION_ID}`}
          hx-swap="outerHTML"
          hx-indicator="#patient-search-indicator"
          hx-disabled-elt="this, #book-button"
        >
          {t('useSuggestedPackage', {
            name: localName(suggested, locale),
            remaining: suggested.total_sessions - suggested.sessions_used,
            total: suggested.total_sessions,
          })}
        </button>
      )}
    </div>
  );
}
