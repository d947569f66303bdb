import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
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
} from '../../views/forms.js';
import {
  PackageFormPage,
  PackagesPage,
  type PackageFormValues,
} from '../../views/admin/packages.js';
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
  listField,
  moneyField,
  nameField,
  wholeNumberField,
} from './admin.js';

const LIST = '/admin/packages';
const sessionsField = wholeNumberField(1, 1000, 'errSessions');

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
    if (!uuid.safeParse(serviceId).success) errors[`service_${index}`] = 'errChooseService';
    else if (services.some((service) => service.service_id === serviceId)) {
      errors[`service_${index}`] = 'errDuplicateService';
    }
    const sessions = sessionsField.safeParse(count);
    if (!sessions.success) errors[`sessions_${index}`] = 'errSessions';
    if (!errors[`service_${index}`] && sessions.success) {
      services.push({ service_id: serviceId, sessions: sessions.data });
    }
  }
  if (services.length === 0 && Object.keys(errors).length === 0) errors.services = 'errNeedService';
  return { services, errors };
}

const packageForm = z
  .object({
    name_en: nameField,
    name_ar: nameField,
    price: moneyField,
    validity_days: wholeNumberField(1, 3650, 'errValidity'),
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

/** Packages (ADMIN): the catalogue, new, edit. Never deleted: withdrawn from sale instead. */
export function adminPackageRoutes({ db }: AppDeps) {
  const routes = adminRoutes();

  const renderForm = async (
    c: Context<AuthedEnv>,
    form: { id?: string; values: PackageFormValues; errors: FieldErrors; formToken?: string },
  ) => {
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
  };

  const existing = (c: Context<AuthedEnv>) => existingRow(c, db, findPackage, 'packageNotFound');

  /**
   * "Add a service row" and "Remove this row" submit the form too: the same form comes back
   * with one row more or less, nothing saved (no script needed).
   */
  const rowEditing = createMiddleware<AuthedEnv>(async (c, next) => {
    const submitted = await c.req.parseBody({ all: true });
    const action = submitted._row;
    if (typeof action !== 'string') return next();
    const id = c.req.param('id');
    if (id) await existing(c);
    const values = valuesFrom(submitted);
    const removed = /^remove-(\d+)$/.exec(action);
    if (removed) values.rows.splice(Number(removed[1]), 1);
    if (action === 'add' || values.rows.length === 0) values.rows.push(EMPTY_ROW);
    return renderForm(c, {
      id,
      values,
      errors: {},
      formToken: submittedText(submitted, 'form_token') || undefined,
    });
  });

  const refused =
    (c: Context<AuthedEnv>, id: string | undefined) =>
    async (errors: FieldErrors, submitted: Submitted) => {
      if (id) await existing(c);
      return renderForm(c, {
        id,
        values: valuesFrom(submitted),
        errors: { ...parseServiceRows(submitted).errors, ...errors },
        formToken: submittedText(submitted, 'form_token') || undefined,
      });
    };

  routes.get('/', async (c) => {
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
  });

  routes.get('/new', (c) =>
    renderForm(c, {
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
    rowEditing,
    validatedForm(newPackageForm, (c, errors, submitted) =>
      refused(authed(c), undefined)(errors, submitted),
    ),
    async (c) => {
      const { form_token, ...values } = c.req.valid('form');
      try {
        await db
          .transaction()
          .execute((trx) =>
            createPackage(trx, c.var.auth.tenant.id, actorOf(c), form_token, values),
          );
      } catch (error) {
        const submitted = await c.req.parseBody({ all: true });
        return refused(c, undefined)(fieldsOfRefusal(error), submitted);
      }
      return c.redirect(LIST, 303);
    },
  );

  routes.get('/:id/edit', validated('param', idParam), async (c) => {
    const pkg = await existing(c);
    return renderForm(c, {
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
  });

  routes.post(
    '/:id',
    validated('param', idParam),
    rowEditing,
    validatedForm(packageForm, (c, errors, submitted) =>
      refused(authed(c), c.req.param('id'))(errors, submitted),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      try {
        await db
          .transaction()
          .execute((trx) =>
            updatePackage(trx, c.var.auth.tenant.id, actorOf(c), id, c.req.valid('form')),
          );
      } catch (error) {
        const submitted = await c.req.parseBody({ all: true });
        return refused(c, id)(fieldsOfRefusal(error), submitted);
      }
      return c.redirect(LIST, 303);
    },
  );

  return routes;
}
