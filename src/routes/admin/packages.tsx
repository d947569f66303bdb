import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import {
  createPackage,
  findPackage,
  listCatalogue,
  updatePackage,
  type PackageValues,
} from '../../db/packages.js';
import { listServicesByClinic } from '../../db/services.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import {
  submittedList,
  submittedText,
  type FieldErrors,
  type Submitted,
  submittedFormToken,
} from '../../views/forms.js';
import {
  PackageFormPage,
  PackagesPage,
  type PackageFormValues,
} from '../../views/admin/packages.js';
import { translator } from '../../i18n/index.js';
import { uuid, validated, validatedForm } from '../validation.js';
import {
  adminRoutes,
  existingRow,
  fieldsOfRefusal,
  formPage,
  formTokenField,
  idParam,
  listField,
  moneyField,
  nameField,
  wholeNumberField,
} from './admin.js';
import { actorOf, authed } from '../request.js';

const LIST = '/admin/packages';
const sessionsField = wholeNumberField(1, 1000, 'sessionsInvalid');

/**
 * The service rows (`service_id[]`, `sessions[]`, in order): empty rows are ignored; errors are
 * keyed by row (`service_2`, `sessions_2`), or `services` when no row is left.
 */
function parseServiceRows(submitted: Submitted): {
  services: PackageValues['services'];
  errors: FieldErrors;
} {
  const ids = submittedList(submitted, 'service_id[]');
  const counts = submittedList(submitted, 'sessions[]');
  const services: PackageValues['services'] = [];
  const errors: FieldErrors = {};
  for (let index = 0; index < Math.max(ids.length, counts.length); index++) {
    const serviceId = ids[index]?.trim() ?? '';
    const count = counts[index]?.trim() ?? '';
    if (!serviceId && !count) continue;
    if (!uuid.safeParse(serviceId).success) errors[`service_${index}`] = 'serviceChoiceInvalid';
    else if (services.some((service) => service.service_id === serviceId)) {
      errors[`service_${index}`] = 'packageServiceRepeated';
    }
    const sessions = sessionsField.safeParse(count);
    if (!sessions.success) errors[`sessions_${index}`] = 'sessionsInvalid';
    if (!errors[`service_${index}`] && sessions.success) {
      services.push({ service_id: serviceId, sessions: sessions.data });
    }
  }
  if (services.length === 0 && Object.keys(errors).length === 0)
    errors.services = 'packageServiceRequired';
  return { services, errors };
}

const packageForm = z
  .object({
    name_en: nameField,
    name_ar: nameField,
    price: moneyField,
    validity_days: wholeNumberField(1, 3650, 'validityInvalid'),
    active: z.literal('on').optional(),
    'service_id[]': listField(z.string()),
    'sessions[]': listField(z.string()),
  })
  .transform((form, ctx): PackageValues => {
    const { services, errors } = parseServiceRows(form);
    for (const [field, message] of Object.entries(errors)) {
      ctx.addIssue({ code: 'custom', path: [field], message, input: form });
    }
    return {
      name_en: form.name_en,
      name_ar: form.name_ar,
      price: form.price,
      validity_days: form.validity_days,
      active: form.active === 'on',
      services,
    };
  });
const newPackageForm = z.object({ form_token: formTokenField }).and(packageForm);

function valuesFrom(submitted: Submitted): PackageFormValues {
  const ids = submittedList(submitted, 'service_id[]');
  const counts = submittedList(submitted, 'sessions[]');
  return {
    name_en: submittedText(submitted, 'name_en'),
    name_ar: submittedText(submitted, 'name_ar'),
    price: submittedText(submitted, 'price'),
    validity_days: submittedText(submitted, 'validity_days'),
    active: submittedText(submitted, 'active') === 'on',
    rows: Array.from({ length: Math.max(ids.length, counts.length, 1) }, (_, index) => ({
      service_id: ids[index] ?? '',
      sessions: counts[index] ?? '',
    })),
  };
}

const EMPTY_ROW = { service_id: '', sessions: '' };

async function renderPackageForm(
  c: Context<AuthedEnv>,
  db: Database,
  form: { id?: string; values: PackageFormValues; errors: FieldErrors; formToken?: string },
) {
  const { tenant } = c.var.auth;
  const locale = c.get('locale');
  const t = translator(locale);
  const title = form.id ? t('editPackage', { name: form.values.name_en }) : t('newPackage');
  return c.render(
    <PackageFormPage
      locale={locale}
      currency={tenant.currency}
      title={title}
      {...formPage(c, { action: LIST, ...form })}
      services={await listServicesByClinic(db, tenant.id)}
      values={form.values}
    />,
    { title },
  );
}

function existingPackage(c: Context<AuthedEnv>, db: Database) {
  return existingRow(c, db, findPackage, 'packageNotFound');
}

/**
 * "Add a service row" and "Remove this row" submit the form too: the same form comes back
 * with one row more or less, nothing saved (no script needed).
 */
function rowEditing(db: Database) {
  return createMiddleware<AuthedEnv>(async (c, next) => {
    const submitted = await c.req.parseBody({ all: true });
    const action = submitted._row;
    if (typeof action !== 'string') return next();
    const id = c.req.param('id');
    if (id) await existingPackage(c, db);
    const values = valuesFrom(submitted);
    const removed = /^remove-(\d+)$/.exec(action);
    if (removed) values.rows.splice(Number(removed[1]), 1);
    if (action === 'add' || values.rows.length === 0) values.rows.push(EMPTY_ROW);
    return renderPackageForm(c, db, {
      id,
      values,
      errors: {},
      formToken: submittedFormToken(submitted),
    });
  });
}

async function renderRefused(
  c: Context<AuthedEnv>,
  db: Database,
  id: string | undefined,
  errors: FieldErrors,
  submitted: Submitted,
) {
  if (id) await existingPackage(c, db);
  return renderPackageForm(c, db, {
    id,
    values: valuesFrom(submitted),
    errors: { ...parseServiceRows(submitted).errors, ...errors },
    formToken: submittedFormToken(submitted),
  });
}

async function renderCatalogue(c: Context<AuthedEnv>, db: Database) {
  const locale = c.get('locale');
  const t = translator(locale);
  const { tenant } = c.var.auth;
  return c.render(
    <PackagesPage
      locale={locale}
      currency={tenant.currency}
      packages={await listCatalogue(db, tenant.id)}
    />,
    { title: t('packagesTitle') },
  );
}

async function createFromForm(
  c: Context<AuthedEnv>,
  db: Database,
  { form_token, ...values }: z.infer<typeof newPackageForm>,
) {
  try {
    await db
      .transaction()
      .execute((trx) => createPackage(trx, c.var.auth.tenant.id, actorOf(c), form_token, values));
  } catch (error) {
    const submitted = await c.req.parseBody({ all: true });
    return renderRefused(c, db, undefined, fieldsOfRefusal(error), submitted);
  }
  return c.redirect(LIST, 303);
}

async function renderEditForm(c: Context<AuthedEnv>, db: Database) {
  const pkg = await existingPackage(c, db);
  return renderPackageForm(c, db, {
    id: pkg.id,
    values: {
      ...pkg,
      validity_days: String(pkg.validity_days),
      rows: pkg.services.map((service) => ({
        service_id: service.service_id,
        sessions: String(service.sessions),
      })),
    },
    errors: {},
  });
}

async function updateFromForm(
  c: Context<AuthedEnv>,
  db: Database,
  id: string,
  values: PackageValues,
) {
  try {
    await db
      .transaction()
      .execute((trx) => updatePackage(trx, c.var.auth.tenant.id, actorOf(c), id, values));
  } catch (error) {
    const submitted = await c.req.parseBody({ all: true });
    return renderRefused(c, db, id, fieldsOfRefusal(error), submitted);
  }
  return c.redirect(LIST, 303);
}

/** Packages (ADMIN): the catalogue, new, edit. Never deleted: withdrawn from sale instead. */
export function adminPackageRoutes({ db }: AppDeps) {
  const routes = adminRoutes();
  const editRows = rowEditing(db);

  routes.get('/', (c) => renderCatalogue(c, db));

  routes.get('/new', (c) =>
    renderPackageForm(c, db, {
      values: {
        name_en: '',
        name_ar: '',
        price: '',
        validity_days: '90',
        active: true,
        rows: [EMPTY_ROW],
      },
      errors: {},
    }),
  );

  routes.post(
    '/',
    editRows,
    validatedForm(newPackageForm, (c, errors, submitted) =>
      renderRefused(authed(c), db, undefined, errors, submitted),
    ),
    (c) => createFromForm(c, db, c.req.valid('form')),
  );

  routes.get('/:id/edit', validated('param', idParam), (c) => renderEditForm(c, db));

  routes.post(
    '/:id',
    validated('param', idParam),
    editRows,
    validatedForm(packageForm, (c, errors, submitted) =>
      renderRefused(authed(c), db, c.req.param('id'), errors, submitted),
    ),
    (c) => updateFromForm(c, db, c.req.valid('param').id, c.req.valid('form')),
  );

  return routes;
}
