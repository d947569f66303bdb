import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { findClinic, listClinics } from '../../db/clinics.js';
import {
  createService,
  findAdminService,
  listServicesByClinic,
  updateService,
} from '../../db/services.js';
import { NotFound } from '../../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import {
  submittedText,
  type FieldErrors,
  type Submitted,
  submittedFormToken,
} from '../../views/forms.js';
import {
  ServiceFormPage,
  ServicesPage,
  type ServiceFormValues,
} from '../../views/admin/services.js';
import { translator } from '../../i18n/index.js';
import { uuid, validated, validatedForm } from '../validation.js';
import {
  adminRoutes,
  existingRow,
  fieldsOfRefusal,
  formPage,
  formTokenField,
  idParam,
  moneyField,
  nameField,
  wholeNumberField,
} from './admin.js';
import { actorOf, authed } from '../request.js';

const serviceForm = z.object({
  clinic_id: z.uuid('clinicChoiceInvalid'),
  name_en: nameField,
  name_ar: nameField,
  default_duration_minutes: wholeNumberField(5, 480, 'durationInvalid'),
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

async function renderServiceForm(
  c: Context<AuthedEnv>,
  db: Database,
  form: { id?: string; values: ServiceFormValues; errors: FieldErrors; formToken?: string },
) {
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
}

function existingService(c: Context<AuthedEnv>, db: Database) {
  return existingRow(c, db, findAdminService, 'serviceNotFound');
}

async function renderServices(c: Context<AuthedEnv>, db: Database) {
  const locale = c.get('locale');
  const t = translator(locale);
  const { tenant } = c.var.auth;
  const services = await listServicesByClinic(db, tenant.id);
  return c.render(<ServicesPage locale={locale} currency={tenant.currency} services={services} />, {
    title: t('servicesTitle'),
  });
}

/** `?clinic_id=` preselects one of the tenant's clinics: any other id is not found. */
async function renderNewForm(c: Context<AuthedEnv>, db: Database, clinicId: string | undefined) {
  if (clinicId && !(await findClinic(db, c.var.auth.tenant.id, clinicId))) {
    throw new NotFound('clinicNotFound');
  }
  return renderServiceForm(c, db, {
    values: {
      clinic_id: clinicId ?? '',
      name_en: '',
      name_ar: '',
      default_duration_minutes: '45',
      price: '',
    },
    errors: {},
  });
}

async function createFromForm(
  c: Context<AuthedEnv>,
  db: Database,
  { form_token, ...values }: z.infer<typeof newServiceForm>,
) {
  try {
    await db
      .transaction()
      .execute((trx) => createService(trx, c.var.auth.tenant.id, actorOf(c), form_token, values));
  } catch (error) {
    return renderServiceForm(c, db, {
      values: { ...values, default_duration_minutes: String(values.default_duration_minutes) },
      errors: fieldsOfRefusal(error),
      formToken: form_token,
    });
  }
  return c.redirect(LIST, 303);
}

async function renderEditForm(c: Context<AuthedEnv>, db: Database) {
  const service = await existingService(c, db);
  return renderServiceForm(c, db, {
    id: service.id,
    values: { ...service, default_duration_minutes: String(service.default_duration_minutes) },
    errors: {},
  });
}

async function updateFromForm(
  c: Context<AuthedEnv>,
  db: Database,
  id: string,
  values: z.infer<typeof serviceForm>,
) {
  try {
    await db
      .transaction()
      .execute((trx) => updateService(trx, c.var.auth.tenant.id, actorOf(c), id, values));
  } catch (error) {
    return renderServiceForm(c, db, {
      id,
      values: { ...values, default_duration_minutes: String(values.default_duration_minutes) },
      errors: fieldsOfRefusal(error),
    });
  }
  return c.redirect(LIST, 303);
}

/** Services (ADMIN): list by clinic, new, edit. No delete: packages and bookings use them. */
export function adminServiceRoutes({ db }: AppDeps) {
  const routes = adminRoutes();

  routes.get('/', (c) => renderServices(c, db));

  routes.get('/new', validated('query', z.object({ clinic_id: uuid.optional() })), (c) =>
    renderNewForm(c, db, c.req.valid('query').clinic_id),
  );

  routes.post(
    '/',
    validatedForm(newServiceForm, (c, errors, submitted) =>
      renderServiceForm(authed(c), db, {
        values: valuesFrom(submitted),
        errors,
        formToken: submittedFormToken(submitted),
      }),
    ),
    (c) => createFromForm(c, db, c.req.valid('form')),
  );

  routes.get('/:id/edit', validated('param', idParam), (c) => renderEditForm(c, db));

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(serviceForm, async (c, errors, submitted) => {
      const service = await existingService(authed(c), db);
      return renderServiceForm(authed(c), db, {
        id: service.id,
        values: valuesFrom(submitted),
        errors,
      });
    }),
    (c) => updateFromForm(c, db, c.req.valid('param').id, c.req.valid('form')),
  );

  return routes;
}
