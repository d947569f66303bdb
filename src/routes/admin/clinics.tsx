import type { Context } from 'hono';
import { z } from 'zod';
import {
  createClinic,
  findClinic,
  listClinics,
  updateClinic,
  type ClinicValues,
} from '../../db/clinics.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import { ClinicFormPage, ClinicsPage } from '../../views/admin/clinics.js';
import { submittedText, type FieldErrors, type Submitted } from '../../views/forms.js';
import { translator } from '../../views/i18n.js';
import { validated, validatedForm } from '../validation.js';
import {
  actorOf,
  adminRoutes,
  authed,
  existingRow,
  formPage,
  formTokenField,
  idParam,
  nameField,
} from './admin.js';

const clinicForm = z.object({ name_en: nameField, name_ar: nameField, specialty: nameField });
const newClinicForm = clinicForm.extend({ form_token: formTokenField });

const LIST = '/admin/clinics';

function valuesFrom(submitted: Submitted): ClinicValues {
  return {
    name_en: submittedText(submitted, 'name_en'),
    name_ar: submittedText(submitted, 'name_ar'),
    specialty: submittedText(submitted, 'specialty'),
  };
}

/** Clinics (ADMIN): list, new, edit. No delete: appointments and services point at them. */
export function adminClinicRoutes({ db }: AppDeps) {
  const routes = adminRoutes();

  const renderForm = (
    c: Context<AuthedEnv>,
    form: { id?: string; values: ClinicValues; errors: FieldErrors; formToken?: string },
  ) => {
    const t = translator(c.get('locale'));
    const title = form.id ? t('editClinic', { name: form.values.name_en }) : t('newClinic');
    return c.render(
      <ClinicFormPage
        title={title}
        {...formPage(c, { action: LIST, ...form })}
        values={form.values}
      />,
      { title },
    );
  };

  const existing = (c: Context<AuthedEnv>) => existingRow(c, db, findClinic, 'clinicNotFound');

  routes.get('/', async (c) => {
    const t = translator(c.get('locale'));
    const clinics = await listClinics(db, c.var.auth.tenant.id);
    return c.render(<ClinicsPage clinics={clinics} />, { title: t('clinicsTitle') });
  });

  routes.get('/new', (c) =>
    renderForm(c, { values: { name_en: '', name_ar: '', specialty: '' }, errors: {} }),
  );

  routes.post(
    '/',
    validatedForm(newClinicForm, (c, errors, submitted) =>
      renderForm(authed(c), {
        values: valuesFrom(submitted),
        errors,
        formToken: submittedText(submitted, 'form_token') || undefined,
      }),
    ),
    async (c) => {
      const { form_token, ...values } = c.req.valid('form');
      await db
        .transaction()
        .execute((trx) => createClinic(trx, c.var.auth.tenant.id, actorOf(c), form_token, values));
      return c.redirect(LIST, 303);
    },
  );

  routes.get('/:id/edit', validated('param', idParam), async (c) => {
    const clinic = await existing(c);
    return renderForm(c, { id: clinic.id, values: clinic, errors: {} });
  });

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(clinicForm, async (c, errors, submitted) => {
      const clinic = await existing(authed(c));
      return renderForm(authed(c), { id: clinic.id, values: valuesFrom(submitted), errors });
    }),
    async (c) => {
      await db
        .transaction()
        .execute((trx) =>
          updateClinic(
            trx,
            c.var.auth.tenant.id,
            actorOf(c),
            c.req.valid('param').id,
            c.req.valid('form'),
          ),
        );
      return c.redirect(LIST, 303);
    },
  );

  return routes;
}
