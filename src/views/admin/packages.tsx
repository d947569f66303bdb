import type { CatalogueEntry } from '../../db/packages.js';
import type { Locale } from '../../db/schema.js';
import type { AdminService } from '../../db/services.js';
import { formatMoney, localName } from '../format.js';
import { sessionCount } from '../../i18n/index.js';
import { errorText, FormActions, TextField, type FieldErrors } from '../forms.js';
import { FormCard, ListCard, NameFields, RowLink } from './cards.js';
import { useT } from '../request-context.js';

export const PACKAGES_ID = 'admin-packages';
export const PACKAGE_FORM_ID = 'package-form';

interface ListProps {
  locale: Locale;
  currency: string;
}

function PackageTable(
  props: ListProps & { id: string; title: string; packages: CatalogueEntry[] },
) {
  const t = useT();
  const { locale } = props;
  return (
    <div id={props.id}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.packages.length === 0 ? (
        <p class="empty">{t('noPackages')}</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby={`${props.id}-title`} tabindex={0}>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t('packageName')}</th>
                <th scope="col">{t('price')}</th>
                <th scope="col">{t('validityDaysLabel')}</th>
                <th scope="col">{t('packageServices')}</th>
                <th scope="col">{t('adminActions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.packages.map((pkg) => (
                <tr id={`package-${pkg.id}`}>
                  <td>{localName(pkg, locale)}</td>
                  <td>{formatMoney(pkg.price, props.currency, locale)}</td>
                  <td>{pkg.validity_days}</td>
                  <td class="wrap">
                    {pkg.services
                      .map(
                        (service) =>
                          `${localName(service, locale)} × ${sessionCount(locale, service.sessions)}`,
                      )
                      .join(locale === 'ar' ? '، ' : ', ')}
                  </td>
                  <td>
                    <RowLink
                      href={`/admin/packages/${pkg.id}/edit`}
                      label={t('adminEdit')}
                      name={pkg.name_en}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The catalogue: what is on sale, then what is not. */
export function PackagesPage(props: ListProps & { packages: CatalogueEntry[] }) {
  const t = useT();
  const onSale = props.packages.filter((pkg) => pkg.active);
  const withdrawn = props.packages.filter((pkg) => !pkg.active);
  return (
    <ListCard
      id={PACKAGES_ID}
      title={t('packagesTitle')}
      newHref="/admin/packages/new"
      newLabel={t('newPackage')}
    >
      <PackageTable
        {...props}
        id="packages-active"
        title={t('activePackages', { count: onSale.length })}
        packages={onSale}
      />
      <PackageTable
        {...props}
        id="packages-inactive"
        title={t('inactivePackages', { count: withdrawn.length })}
        packages={withdrawn}
      />
    </ListCard>
  );
}

/** The form as typed: text fields, and the service rows in their order. */
export interface PackageFormValues {
  name_en: string;
  name_ar: string;
  price: string;
  validity_days: string;
  active: boolean;
  rows: { service_id: string; sessions: string }[];
}

function ServiceRow(props: {
  locale: Locale;
  index: number;
  row: PackageFormValues['rows'][number];
  services: AdminService[];
  errors: FieldErrors;
}) {
  const t = useT();
  const { index, errors } = props;
  const serviceId = `service_${index}`;
  const sessionsId = `sessions_${index}`;
  const clinics = [...new Set(props.services.map((service) => service.clinic_id))];
  return (
    <div class="row-editor" id={`row-${index}`}>
      <div class="field">
        <label for={serviceId}>{t('service')}</label>
        <select
          id={serviceId}
          name="service_id[]"
          aria-invalid={errors[serviceId] ? 'true' : undefined}
          aria-describedby={errors[serviceId] ? `${serviceId}-error` : undefined}
        >
          <option value="">{t('chooseService')}</option>
          {clinics.map((clinicId) => {
            const services = props.services.filter((service) => service.clinic_id === clinicId);
            const clinic = { name_en: services[0]!.clinic_en, name_ar: services[0]!.clinic_ar };
            return (
              <optgroup label={localName(clinic, props.locale)}>
                {services.map((service) => (
                  <option value={service.id} selected={service.id === props.row.service_id}>
                    {localName(service, props.locale)}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
        {errors[serviceId] && (
          <p class="field-error" id={`${serviceId}-error`}>
            {errorText(t, errors[serviceId])}
          </p>
        )}
      </div>
      <div class="field">
        <label for={sessionsId}>{t('sessionsLabel')}</label>
        <input
          id={sessionsId}
          name="sessions[]"
          value={props.row.sessions}
          inputmode="numeric"
          dir="ltr"
          aria-invalid={errors[sessionsId] ? 'true' : undefined}
          aria-describedby={errors[sessionsId] ? `${sessionsId}-error` : undefined}
        />
        {errors[sessionsId] && (
          <p class="field-error" id={`${sessionsId}-error`}>
            {errorText(t, errors[sessionsId])}
          </p>
        )}
      </div>
      <button type="submit" name="_row" value={`remove-${index}`} class="button row-remove">
        {t('removeRow')}
        <span class="visually-hidden"> {index + 1}</span>
      </button>
    </div>
  );
}

export function PackageFormPage(props: {
  locale: Locale;
  currency: string;
  title: string;
  action: string;
  csrfToken: string;
  formToken?: string;
  services: AdminService[];
  values: PackageFormValues;
  errors: FieldErrors;
}) {
  const t = useT();
  const { values, errors } = props;
  return (
    <FormCard {...props} id={PACKAGE_FORM_ID}>
      {/* Enter in a text field presses the first submit button: make it "Save". */}
      <button type="submit" class="visually-hidden" tabindex={-1} aria-hidden="true">
        {t('adminSave')}
      </button>
      <NameFields values={values} errors={errors} />
      <div class="field-row">
        <TextField
          name="price"
          label={t('priceAmount', { currency: props.currency })}
          help={t('priceHelp')}
          value={values.price}
          inputmode="decimal"
          dir="ltr"
          errors={errors}
        />
        <TextField
          name="validity_days"
          label={t('validityDaysLabel')}
          value={values.validity_days}
          inputmode="numeric"
          dir="ltr"
          errors={errors}
        />
      </div>
      <label class="check">
        <input type="checkbox" name="active" id="active" value="on" checked={values.active} />
        {t('activeLabel')}
      </label>
      <fieldset
        id="package-services"
        aria-describedby={errors.services ? 'services-help services-error' : 'services-help'}
      >
        <legend>{t('packageServices')}</legend>
        <p class="help" id="services-help">
          {t('packageServicesHelp')}
        </p>
        {values.rows.map((row, index) => (
          <ServiceRow
            locale={props.locale}
            index={index}
            row={row}
            services={props.services}
            errors={errors}
          />
        ))}
        {errors.services && (
          <p class="field-error" id="services-error">
            {errorText(t, errors.services)}
          </p>
        )}
        <p>
          <button type="submit" name="_row" value="add" class="button" id="add-service-row">
            {t('addServiceRow')}
          </button>
        </p>
      </fieldset>
      <FormActions
        submitLabel={t('adminSave')}
        cancelLabel={t('adminCancel')}
        cancelHref="/admin/packages"
      />
    </FormCard>
  );
}
