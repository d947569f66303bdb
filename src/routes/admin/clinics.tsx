import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import {
  createClinic,
  findClinic,
  listClinics,
  updateClinic,
  type ClinicValues,
} from '../../db/clinics.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import { ClinicFormPage, ClinicsPage } from '../../views/admin/clinics.js';
import {
  submittedText,
  type FieldErrors,
  type Submitted,
  submittedFormToken,
} from '../../views/forms.js';
import { translator } from '../../i18n/index.js';
import { validated, validatedForm } from '../validation.js';
import { adminRoutes, existingRow, formPage, formTokenField, idParam, nameField } from './admin.js';
import { actorOf, authed } from '../request.js';

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

function renderClinicForm(
  c: Context<AuthedEnv>,
  form: { id?: string; values: ClinicValues; errors: FieldErrors; formToken?: string },
) {
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
}

function existingClinic(c: Context<AuthedEnv>, db: Database) {
  return existingRow(c, db, findClinic, 'clinicNotFound');
}

async function renderClinics(c: Context<AuthedEnv>, db: Database) {
  const t = translator(c.get('locale'));
  const clinics = await listClinics(db, c.var.auth.tenant.id);
  return c.render(<ClinicsPage clinics={clinics} />, { title: t('clinicsTitle') });
}

/** Clinics (ADMIN): list, new, edit. No delete: appointments and services point at them. */
export function adminClinicRoutes({ db }: AppDeps) {
  const routes = adminRoutes();

  routes.get('/', (c) => renderClinics(c, db));

  routes.get('/new', (c) =>
    renderClinicForm(c, { values: { name_en: '', name_ar: '', specialty: '' }, errors: {} }),
  );

  routes.post(
    '/',
    validatedForm(newClinicForm, (c, errors, submitted) =>
      renderClinicForm(authed(c), {
        values: valuesFrom(submitted),
        errors,
        formToken: submittedFormToken(submitted),
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
    const clinic = await existingClinic(c, db);
    return renderClinicForm(c, { id: clinic.id, values: clinic, errors: {} });
  });

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(clinicForm, async (c, errors, submitted) => {
      const clinic = await existingClinic(authed(c), db);
      return renderClinicForm(authed(c), { id: clinic.id, values: valuesFrom(submitted), errors });
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const values = c.req.valid('form');
      await db
        .transaction()
        .execute((trx) => updateClinic(trx, c.var.auth.tenant.id, actorOf(c), id, values));
      return c.redirect(LIST, 303);
    },
  );

  return routes;
}
