import type { AppointmentRow } from '../../db/appointment-rows.js';
import type { Locale } from '../../db/schema.js';
import { formatDateAt } from '../format.js';
import { TimeRange } from '../time-range.js';
import { useT } from '../request-context.js';

/** When, what, with whom and on which package: the confirmation and the appointment page. */
export function AppointmentFacts(props: {
  locale: Locale;
  timezone: string;
  appointment: AppointmentRow;
  withPatient?: boolean;
}) {
  const t = useT();
  const { locale, timezone, appointment: a } = props;
  const ar = locale === 'ar';
  return (
    <dl class="facts">
      {props.withPatient && (
        <>
          <dt>{t('patient')}</dt>
          <dd>{ar && a.patient_name_ar ? a.patient_name_ar : a.patient_name_en}</dd>
        </>
      )}
      <dt>{t('when')}</dt>
      <dd>
        {formatDateAt(a.starts_at, timezone, locale)}{' '}
        <TimeRange start={a.starts_at} end={a.ends_at} timezone={timezone} locale={locale} />
      </dd>
      <dt>{t('service')}</dt>
      <dd>{ar ? a.service_name_ar : a.service_name_en}</dd>
      <dt>{t('provider')}</dt>
      <dd>
        {ar ? a.provider_name_ar : a.provider_name_en} · {ar ? a.clinic_name_ar : a.clinic_name_en}
      </dd>
      {a.session_number_in_package !== null && (
        <>
          <dt>{t('packageName')}</dt>
          <dd id="booked-session">
            {ar ? a.package_name_ar : a.package_name_en} ·{' '}
            {t('sessionOfTotal', {
              number: a.session_number_in_package,
              total: a.package_total_sessions ?? 0,
            })}
          </dd>
        </>
      )}
      {a.status_reason && (
        <>
          <dt>{t('reason')}</dt>
          <dd>{a.status_reason}</dd>
        </>
      )}
    </dl>
  );
}
