import type { Context } from 'hono';
import { z } from 'zod';
import { findClinic, listClinics } from '../../db/clinics.js';
import {
  createService,
  findAdminService,
  listServicesByClinic,
  updateService,
} from '../../db/services.js';
import { NotFound } from '../../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import { submittedText, type FieldErrors, type Submitted } from '../../views/forms.js';
import {
  ServiceFormPage,
  ServicesPage,
  type ServiceFormValues,
} from '../../views/admin/services.js';
import { translator } from '../../views/i18n.js';
import { uuid, validated, validatedForm } from '../validation.js';
import {
  actorOf,
  adminRoutes,
  authed,
  existingRow,
  fieldsOfRefusal,
  formPage,
  formTokenField,
  idParam,
  moneyField,
  nameField,
  wholeNumberField,
} from './admin.js';

const serviceForm = z.object({
  clinic_id: z.uuid('errChooseClinic'),
  name_en: nameField,
  name_ar: nameField,
  default_duration_minutes: wholeNumberField(5, 480, 'errDuration'),
  price: moneyField,
});
const newServiceForm = serviceForm.extend({ form_token: formTokenField });

const LIST = '/admin/services';

function valuesFrom(submitted: Submitted): ServiceFormValues {
  return {
    clinic_id: submittedText(submitted, 'clinic_id'),
    name_en: submittedText(submitted, 'name_en'),
    name_ar: submittedText(submitted, 'name_ar'),
    default_duration_minutes: submittedText(submitted, 'default_duration_minutes'),
    price: submittedText(submitted, 'price'),
  };
}

/** Services (ADMIN): list by clinic, new, edit. No delete: packages and bookings use them. */
export function adminServiceRoutes({ db }: AppDeps) {
  const routes = adminRoutes();

  const renderForm = async (
    c: Context<AuthedEnv>,
    form: { id?: string; values: ServiceFormValues; errors: FieldErrors; formToken?: string },
  ) => {
    const { tenant } = c.var.auth;
    const locale = c.get('locale');
    const t = translator(locale);
    const title = form.id ? t('editService', { name: form.values.name_en }) : t('newService');
    return c.render(
      <ServiceFormPage
        locale={locale}
        currency={tenant.currency}
        title={title}
        {...formPage(c, { action: LIST, ...form })}
        clinics={await listClinics(db, tenant.id)}
        values={form.values}
      />,
      { title },
    );
  };

  const existing = (c: Context<AuthedEnv>) =>
    existingRow(c, db, findAdminService, 'serviceNotFound');

  routes.get('/', async (c) => {
    const locale = c.get('locale');
    const t = translator(locale);
    const { tenant } = c.var.auth;
    const services = await listServicesByClinic(db, tenant.id);
    return c.render(
      <ServicesPage locale={locale} currency={tenant.currency} services={services} />,
      { title: t('servicesTitle') },
    );
  });

  /** `?clinic_id=` preselects one of the tenant's clinics: any other id is not found. */
  routes.get('/new', validated('query', z.object({ clinic_id: uuid.optional() })), async (c) => {
    const { clinic_id } = c.req.valid('query');
    if (clinic_id && !(await findClinic(db, c.var.auth.tenant.id, clinic_id))) {
      throw new NotFound('clinicNotFound');
    }
    return renderForm(c, {
      values: {
        clinic_id: clinic_id ?? '',
        name_en: '',
        name_ar: '',
        default_duration_minutes: '45',
        price: '',
      },
      errors: {},
    });
  });

  routes.post(
    '/',
    validatedForm(newServiceForm, (c, errors, submitted) =>
      renderForm(authed(c), {
        values: valuesFrom(submitted),
        errors,
        formToken: submittedText(submitted, 'form_token') || undefined,
      }),
    ),
    async (c) => {
      const { form_token, ...values } = c.req.valid('form');
      try {
        await db
          .transaction()
          .execute((trx) =>
            createService(trx, c.var.auth.tenant.id, actorOf(c), form_token, values),
          );
      } catch (error) {
        return renderForm(c, {
          values: { ...values, default_duration_minutes: String(values.default_duration_minutes) },
          errors: fieldsOfRefusal(error),
          formToken: form_token,
        });
      }
      return c.redirect(LIST, 303);
    },
  );

  routes.get('/:id/edit', validated('param', idParam), async (c) => {
    const service = await existing(c);
    return renderForm(c, {
      id: service.id,
      values: { ...service, default_duration_minutes: String(service.default_duration_minutes) },
      errors: {},
    });
  });

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(serviceForm, async (c, errors, submitted) => {
      const service = await existing(authed(c));
      return renderForm(authed(c), { id: service.id, values: valuesFrom(submitted), errors });
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const values = c.req.valid('form');
      try {
        await db
          .transaction()
          .execute((trx) => updateService(trx, c.var.auth.tenant.id, actorOf(c), id, values));
      } catch (error) {
        return renderForm(c, {
          id,
          values: { ...values, default_duration_minutes: String(values.default_duration_minutes) },
          errors: fieldsOfRefusal(error),
        });
      }
      return c.redirect(LIST, 303);
    },
  );

  return routes;
}
