import type { PatientSummary } from '../../db/patients.js';
import type { Locale } from '../../db/schema.js';
import { formatDate, localName } from '../format.js';
import { useT } from '../request-context.js';

export const PATIENT_LIST_ID = 'patient-list';

function pageLink(q: string, page: number): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/patients?${query}` : '/patients';
}

export function PatientListPage(props: {
  locale: Locale;
  q: string;
  page: number;
  patients: PatientSummary[];
  hasNextPage: boolean;
  canRegister: boolean;
}) {
  const t = useT();
  const { locale, q, page, patients } = props;
  return (
    <section class="card stack" aria-labelledby="patients-title">
      <div class="heading-row">
        <h1 id="patients-title">{t('patients')}</h1>
        {props.canRegister && (
          <a class="button primary" href="/patients/new" id="new-patient-link">
            {t('newPatient')}
          </a>
        )}
      </div>
      <form method="get" action="/patients" role="search" class="search-row">
        <label for="patients-q" class="visually-hidden">
          {t('patientSearchLabel')}
        </label>
        <input
          id="patients-q"
          name="q"
          type="search"
          value={q}
          placeholder={t('patientSearchPlaceholder')}
        />
        <button type="submit" class="button">
          {t('search')}
        </button>
      </form>
      <div id={PATIENT_LIST_ID}>
        {patients.length === 0 ? (
          <p class="empty">{q ? t('noPatientsFound') : t('patientListEmpty')}</p>
        ) : (
          <div class="table-scroll" role="region" aria-labelledby="patients-title" tabindex={0}>
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('patient')}</th>
                  <th scope="col">{t('mrn')}</th>
                  <th scope="col">{t('phone')}</th>
                  <th scope="col">{t('dateOfBirth')}</th>
                </tr>
              </thead>
              <tbody>
                {patients.map((patient) => (
                  <tr id={`patient-${patient.id}`}>
                    <th scope="row">
                      <a href={`/patients/${patient.id}`}>{localName(patient, locale)}</a>
                    </th>
                    <td dir="ltr">{patient.mrn}</td>
                    <td dir="ltr">{patient.phone ?? '—'}</td>
                    <td>
                      {patient.date_of_birth ? formatDate(patient.date_of_birth, locale) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {(page > 1 || props.hasNextPage) && (
        <nav class="actions" aria-label={t('pageNumber', { page })}>
          {page > 1 && (
            <a class="button" href={pageLink(q, page - 1)} rel="prev">
              {t('previousPage')}
            </a>
          )}
          {props.hasNextPage && (
            <a class="button" href={pageLink(q, page + 1)} rel="next">
              {t('nextPage')}
            </a>
          )}
        </nav>
      )}
    </section>
  );
}
