import type { ClinicOption, ClinicValues } from '../../db/clinics.js';
import { FormActions, TextField, type FieldErrors } from '../forms.js';
import { FormCard, ListCard, NameFields, RowLink } from './cards.js';
import { useT } from '../request-context.js';

export const CLINICS_ID = 'admin-clinics';
export const CLINIC_FORM_ID = 'clinic-form';

export function ClinicsPage({ clinics }: { clinics: ClinicOption[] }) {
  const t = useT();
  return (
    <ListCard
      id={CLINICS_ID}
      title={t('clinicsTitle')}
      newHref="/admin/clinics/new"
      newLabel={t('newClinic')}
    >
      {clinics.length === 0 ? (
        <p class="empty">{t('noClinics')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{t('nameEn')}</th>
              <th scope="col">{t('nameAr')}</th>
              <th scope="col">{t('specialty')}</th>
              <th scope="col">{t('adminActions')}</th>
            </tr>
          </thead>
          <tbody>
            {clinics.map((clinic) => (
              <tr id={`clinic-${clinic.id}`}>
                <td lang="en" dir="ltr">
                  {clinic.name_en}
                </td>
                <td lang="ar" dir="rtl">
                  {clinic.name_ar}
                </td>
                <td>{clinic.specialty}</td>
                <td>
                  <RowLink
                    href={`/admin/clinics/${clinic.id}/edit`}
                    label={t('adminEdit')}
                    name={clinic.name_en}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ListCard>
  );
}

export function ClinicFormPage(props: {
  title: string;
  action: string;
  csrfToken: string;
  formToken?: string;
  values: ClinicValues;
  errors: FieldErrors;
}) {
  const t = useT();
  const { values, errors } = props;
  return (
    <FormCard {...props} id={CLINIC_FORM_ID}>
      <NameFields values={values} errors={errors} />
      <TextField name="specialty" label={t('specialty')} value={values.specialty} errors={errors} />
      <FormActions
        submitLabel={t('adminSave')}
        cancelLabel={t('adminCancel')}
        cancelHref="/admin/clinics"
      />
    </FormCard>
  );
}
