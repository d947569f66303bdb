import type { ClinicOption } from '../../db/clinics.js';
import type { Locale } from '../../db/schema.js';
import type { AdminService } from '../../db/services.js';
import { formatMoney, localName } from '../format.js';
import { FormActions, SelectField, TextField, type FieldErrors } from '../forms.js';
import { FormCard, ListCard, NameFields, RowLink } from './cards.js';
import { useT } from '../request-context.js';

export const SERVICES_ID = 'admin-services';
export const SERVICE_FORM_ID = 'service-form';

/** Services clinic by clinic, one table each. */
export function ServicesPage(props: {
  locale: Locale;
  currency: string;
  services: AdminService[];
}) {
  const t = useT();
  const { locale } = props;
  const byClinic = new Map<string, AdminService[]>();
  for (const service of props.services) {
    byClinic.set(service.clinic_id, [...(byClinic.get(service.clinic_id) ?? []), service]);
  }
  return (
    <ListCard
      id={SERVICES_ID}
      title={t('servicesTitle')}
      newHref="/admin/services/new"
      newLabel={t('newService')}
    >
      {byClinic.size === 0 && <p class="empty">{t('noServices')}</p>}
      {[...byClinic].map(([clinicId, services]) => (
        <section id={`services-of-${clinicId}`} aria-labelledby={`services-of-${clinicId}-title`}>
          <h2 id={`services-of-${clinicId}-title`}>
            {localName(
              { name_en: services[0]!.clinic_en, name_ar: services[0]!.clinic_ar },
              locale,
            )}
          </h2>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t('nameEn')}</th>
                <th scope="col">{t('nameAr')}</th>
                <th scope="col">{t('defaultDuration')}</th>
                <th scope="col">{t('price')}</th>
                <th scope="col">{t('adminActions')}</th>
              </tr>
            </thead>
            <tbody>
              {services.map((service) => (
                <tr id={`service-${service.id}`}>
                  <td lang="en" dir="ltr">
                    {service.name_en}
                  </td>
                  <td lang="ar" dir="rtl">
                    {service.name_ar}
                  </td>
                  <td>{t('minutes', { count: service.default_duration_minutes })}</td>
                  <td>{formatMoney(service.price, props.currency, locale)}</td>
                  <td>
                    <RowLink
                      href={`/admin/services/${service.id}/edit`}
                      label={t('adminEdit')}
                      name={service.name_en}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </ListCard>
  );
}

/** The form's fields as text (what was typed, valid or not). */
export interface ServiceFormValues {
  clinic_id: string;
  name_en: string;
  name_ar: string;
  default_duration_minutes: string;
  price: string;
}

export function ServiceFormPage(props: {
  locale: Locale;
  currency: string;
  title: string;
  action: string;
  csrfToken: string;
  formToken?: string;
  clinics: ClinicOption[];
  values: ServiceFormValues;
  errors: FieldErrors;
}) {
  const t = useT();
  const { values, errors } = props;
  return (
    <FormCard {...props} id={SERVICE_FORM_ID}>
      <SelectField
        name="clinic_id"
        label={t('clinic')}
        value={values.clinic_id}
        placeholder={t('chooseClinic')}
        options={props.clinics.map((clinic) => ({
          value: clinic.id,
          label: localName(clinic, props.locale),
        }))}
        errors={errors}
      />
      <NameFields values={values} errors={errors} />
      <div class="field-row">
        <TextField
          name="default_duration_minutes"
          label={t('defaultDuration')}
          value={values.default_duration_minutes}
          inputmode="numeric"
          dir="ltr"
          errors={errors}
        />
        <TextField
          name="price"
          label={t('priceAmount', { currency: props.currency })}
          help={t('priceHelp')}
          value={values.price}
          inputmode="decimal"
          dir="ltr"
          errors={errors}
        />
      </div>
      <FormActions
        submitLabel={t('adminSave')}
        cancelLabel={t('adminCancel')}
        cancelHref="/admin/services"
      />
    </FormCard>
  );
}
