import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES, canBook, PAYMENT_ROLES, REFUND_ROLES } from '../auth/roles.js';
import type { Database } from '../db/client.js';
import { extendExpiry } from '../db/package-operations.js';
import { loadPatientHistory } from '../db/patient-history.js';
import { findPatientForEdit, searchPatients, updatePatient } from '../db/patients.js';
import { localDate } from '../domain/dates.js';
import { NotFound, ValidationFailed } from '../domain/errors.js';
import { ExpiryRefused, MAX_EXTENSION_DAYS } from '../domain/purchases.js';
import type { AppDeps, AuthedEnv, Clock } from '../env.js';
import {
  submittedValues,
  type FieldErrors,
  type FormState,
  type Submitted,
  submittedFormToken,
} from '../views/forms.js';
import { formatDate, localName } from '../views/format.js';
import type { MessageParams } from '../domain/errors.js';
import { translator } from '../i18n/index.js';
import { EditPatientPage, NewPatientPage } from '../views/patients/patient-form.js';
import { PatientListPage } from '../views/patients/patient-list.js';
import {
  PATIENT_PAGE_DONE,
  PatientPage,
  type ExtendFormState,
  type PatientPageDone,
} from '../views/patients/patient-page.js';
import type { OperationFormState } from '../views/patients/package-operation-forms.js';
import { PATIENT_PAYMENTS_ID, type MoneyFormRefused } from '../views/patients/purchase-payments.js';
import type { PaymentKind } from '../db/schema.js';
import { takeMoneyMovement } from '../services/payments.js';
import { formatMoney } from '../views/format.js';
import { packageOperationRoutes } from './package-operation-forms.js';
import {
  dateOfBirthErrors,
  detailsOf,
  patientEditForm,
  patientFormErrors,
  registerFromForm,
  registrationForm,
} from './patient-details.js';
import { actorOf, authed, clientIp, staffActorOf } from './request.js';
import { blankAsMissing, moneyAmount, text, uuid, validated, validatedForm } from './validation.js';

const extendForm = z
  .object({
    expiry_date: blankAsMissing(z.iso.date()),
    days: blankAsMissing(z.coerce.number().int().min(1).max(MAX_EXTENSION_DAYS)),
    reason: text().trim().min(1).max(500),
  })
  .refine((form) => (form.expiry_date === undefined) !== (form.days === undefined), {
    path: ['expiry_date'],
    message: 'extendChooseOne',
  });

const formText = (value: unknown) => (typeof value === 'string' ? value : undefined);

const PAGE_SIZE = 50;

const listQuery = z.object({
  q: text().trim().max(100).default(''),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const patientParam = validated('param', z.object({ id: uuid }));

/** After a redirect, the patient page says what just happened (a payment: its receipt). */
const doneQuery = validated(
  'query',
  z.object({
    done: z
      .enum(Object.keys(PATIENT_PAGE_DONE) as [PatientPageDone, ...PatientPageDone[]])
      .optional(),
    receipt: uuid.optional(),
  }),
);

const method = z.enum(['CASH', 'CARD', 'BANK_TRANSFER']);

/** The patient page's Take payment form (SPEC §7). */
const paymentForm = z.object({
  amount: moneyAmount,
  method,
  reference: text().trim().max(100).optional(),
  idempotency_key: text().min(8).max(100),
});

/** The patient page's Refund form: a reason is required. */
const refundForm = z.object({
  amount: moneyAmount,
  method,
  reason: text().trim().min(1).max(500),
  idempotency_key: text().min(8).max(100),
});

const moneyParams = validated('param', z.object({ id: uuid, purchaseId: uuid }));

function view(c: Context<AuthedEnv>) {
  const locale = c.get('locale');
  return { locale, csrfToken: c.var.auth.session.csrfToken };
}

function today(c: Context<AuthedEnv>, clock: Clock) {
  return localDate(c.var.auth.tenant.timezone, clock());
}

async function renderPatientList(c: Context<AuthedEnv>, db: Database, q: string, page: number) {
  const found = await searchPatients(db, c.var.auth.tenant.id, q, {
    limit: PAGE_SIZE + 1,
    offset: (page - 1) * PAGE_SIZE,
  });
  const { locale } = view(c);
  const t = translator(locale);
  return c.render(
    <PatientListPage
      locale={locale}
      q={q}
      page={page}
      patients={found.slice(0, PAGE_SIZE)}
      hasNextPage={found.length > PAGE_SIZE}
      canRegister={canBook(c.var.auth.user.role)}
    />,
    { title: t('patients') },
  );
}

function renderNew(
  c: Context<AuthedEnv>,
  status: 200 | 409 | 422,
  form: FormState,
  extra: {
    formToken?: string;
    duplicates?: Parameters<typeof NewPatientPage>[0]['duplicates'];
  } = {},
) {
  const props = view(c);
  c.status(status);
  return c.render(
    <NewPatientPage
      {...props}
      form={form}
      formToken={extra.formToken ?? crypto.randomUUID()}
      duplicates={extra.duplicates}
    />,
    { title: translator(props.locale)('newPatient') },
  );
}

async function registerNewPatient(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  form: z.infer<typeof registrationForm>,
) {
  const outcome = await registerFromForm(db, staffActorOf(c), form, today(c, clock));
  if (outcome.ok) return c.redirect(`/patients/${outcome.id}?done=registered`, 303);
  const values = submittedValues(await c.req.parseBody());
  return outcome.status === 409
    ? renderNew(c, 409, { values }, { formToken: form.form_token, duplicates: outcome.duplicates })
    : renderNew(c, 422, { values, errors: outcome.errors }, { formToken: form.form_token });
}

export async function renderPatient(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  patientId: string,
  options: {
    form?: ExtendFormState;
    done?: PatientPageDone;
    money?: MoneyFormRefused;
    receipt?: string;
    operation?: OperationFormState;
    status?: 409 | 422;
  } = {},
) {
  const { tenant, user, session } = c.var.auth;
  const history = await loadPatientHistory(db, tenant.id, patientId, today(c, clock), {
    actorId: user.id,
    ip: clientIp(c),
    screen: 'patient_page',
  });
  if (!history) throw new NotFound('patientNotFound');
  const { locale } = view(c);
  if (options.form || options.money) c.status(422);
  if (options.status) c.status(options.status);
  return c.render(
    <PatientPage
      locale={locale}
      timezone={tenant.timezone}
      history={history}
      operations={{
        canExtend: user.role === 'ADMIN',
        canReschedule: canBook(user.role),
        csrfToken: session.csrfToken,
        form: options.form,
        operation: options.operation,
        now: clock(),
      }}
      money={{
        currency: tenant.currency,
        timezone: tenant.timezone,
        csrfToken: session.csrfToken,
        canPay: PAYMENT_ROLES.includes(user.role),
        canRefund: REFUND_ROLES.includes(user.role),
        refused: options.money,
        done: options.receipt
          ? history.payments.find((payment) => payment.id === options.receipt)
          : undefined,
      }}
      canEdit={canBook(user.role)}
      done={options.done}
    />,
    { title: localName(history.patient, locale) },
  );
}

async function renderEdit(
  c: Context<AuthedEnv>,
  db: Database,
  patientId: string,
  status: 200 | 422,
  form?: FormState,
) {
  const patient = await findPatientForEdit(db, c.var.auth.tenant.id, patientId);
  if (!patient) throw new NotFound('patientNotFound');
  const props = view(c);
  c.status(status);
  return c.render(
    <EditPatientPage
      {...props}
      patient={patient}
      form={
        form ?? {
          values: {
            mrn: patient.mrn,
            name_en: patient.name_en,
            name_ar: patient.name_ar ?? '',
            phone: patient.phone ?? '',
            date_of_birth: patient.date_of_birth ?? '',
            email: patient.email ?? '',
            preferred_language: patient.preferred_language,
            consent_form: '1',
            consent_reminders: patient.consent_reminders ? '1' : '',
            consent_email: patient.consent_email ? '1' : '',
            consent_sms: patient.consent_sms ? '1' : '',
            consent_whatsapp: patient.consent_whatsapp ? '1' : '',
          },
        }
      }
    />,
    { title: translator(props.locale)('editPatient') },
  );
}

async function updateFromForm(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  id: string,
  form: z.infer<typeof patientEditForm>,
) {
  const invalid = async (errors: Record<string, string>) =>
    renderEdit(c, db, id, 422, { values: submittedValues(await c.req.parseBody()), errors });
  const dateErrors = dateOfBirthErrors(form.date_of_birth, today(c, clock));
  if (dateErrors) return invalid(dateErrors);
  try {
    await db
      .transaction()
      .execute((trx) =>
        updatePatient(trx, staffActorOf(c), id, { details: detailsOf(form), mrn: form.mrn }),
      );
  } catch (error) {
    if (error instanceof ValidationFailed && error.fields) return invalid(error.fields);
    throw error;
  }
  return c.redirect(`/patients/${id}?done=updated`, 303);
}

/** The extend form refused by its schema: the patient page again, the form's errors in it. */
function renderExtendRefused(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  fields: FieldErrors,
  submitted: Submitted,
) {
  const t = translator(c.get('locale'));
  const values = {
    expiry_date: formText(submitted.expiry_date),
    days: formText(submitted.days),
    reason: formText(submitted.reason),
  };
  const dateGiven = Boolean(values.expiry_date?.trim());
  const dateValid = !dateGiven || z.iso.date().safeParse(values.expiry_date).success;
  const params = c.req.param() as { id: string; purchaseId: string };
  return renderPatient(c, deps, params.id, {
    form: {
      purchaseId: params.purchaseId,
      values,
      errors: {
        expiry_date: !fields.expiry_date
          ? undefined
          : dateValid
            ? t('extendChooseOne')
            : t('extendDateInvalid'),
        days: fields.days ? t('extendDaysInvalid') : undefined,
        reason: fields.reason ? t('fieldRequired') : undefined,
      },
    },
  });
}

async function extendFromForm(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  { id, purchaseId }: { id: string; purchaseId: string },
  form: z.infer<typeof extendForm>,
) {
  const { auth } = c.var;
  try {
    await deps.db.transaction().execute((trx) =>
      extendExpiry(trx, {
        tenantId: auth.tenant.id,
        patientId: id,
        purchaseId,
        extension: form.days === undefined ? { date: form.expiry_date! } : { days: form.days },
        reason: form.reason,
        today: localDate(auth.tenant.timezone, deps.clock()),
        actor: actorOf(c),
      }),
    );
  } catch (error) {
    if (!(error instanceof ExpiryRefused)) throw error;
    const t = translator(c.get('locale'));
    const key = error.problem === 'notLater' ? 'extendDateNotLater' : 'extendDateTooFar';
    return renderPatient(c, deps, id, {
      form: {
        purchaseId,
        values: {
          expiry_date: form.expiry_date,
          days: form.days?.toString(),
          reason: form.reason,
        },
        errors: {
          expiry_date: t(key, { date: formatDate(error.currentExpiry, c.get('locale')) }),
        },
      },
    });
  }
  return c.redirect(`/patients/${id}`, 303);
}

/** Amounts in a refusal ("more than the balance due (…)") as the page writes money. */
function moneyTexts(c: Context<AuthedEnv>, params: MessageParams | undefined) {
  if (!params) return undefined;
  const { currency } = c.var.auth.tenant;
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      name,
      typeof value === 'string' ? formatMoney(value, currency, c.get('locale')) : value,
    ]),
  );
}

/** A payment or refund form refused: the patient page again, that form open with its errors. */
function renderMoneyRefused(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  kind: PaymentKind,
  fields: FieldErrors,
  submitted: Submitted,
  params?: MessageParams,
) {
  const { id, purchaseId } = c.req.param() as { id: string; purchaseId: string };
  return renderPatient(c, deps, id, {
    money: {
      purchaseId,
      kind,
      state: { values: submittedValues(submitted), errors: fields, params: moneyTexts(c, params) },
    },
  });
}

/** Records the payment or refund, then back to the patient page, which links its receipt. */
async function moneyFromForm(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  kind: PaymentKind,
  { id, purchaseId }: { id: string; purchaseId: string },
  form: z.infer<typeof paymentForm> & { reason?: string },
) {
  let payment;
  try {
    ({ payment } = await takeMoneyMovement(deps.db, {
      tenantId: c.var.auth.tenant.id,
      patientId: id,
      purchaseId,
      kind,
      amount: form.amount,
      method: form.method,
      reference: form.reference || null,
      reason: form.reason ?? null,
      idempotencyKey: form.idempotency_key,
      actor: actorOf(c),
    }));
  } catch (error) {
    if (!(error instanceof ValidationFailed) || !error.fields) throw error;
    const submitted = await c.req.parseBody();
    return renderMoneyRefused(c, deps, kind, error.fields, submitted, error.params);
  }
  return c.redirect(`/patients/${id}?receipt=${payment.id}#${PATIENT_PAYMENTS_ID}`, 303);
}

/**
 * The patients list and a patient's record (all roles); registering and editing are for the
 * front desk and administrators.
 */
export function patientRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth());
  const registrar = requireRole(...BOOKING_ROLES);

  routes.get('/', validated('query', listQuery), (c) => {
    const { q, page } = c.req.valid('query');
    return renderPatientList(c, db, q, page);
  });

  routes.get('/new', registrar, (c) => renderNew(c, 200, { values: {} }));

  routes.post(
    '/',
    registrar,
    validatedForm(registrationForm, (c, errors, submitted) =>
      renderNew(
        authed(c),
        422,
        {
          values: submittedValues(submitted),
          errors: patientFormErrors(errors, submitted, today(authed(c), clock)),
        },
        {
          formToken: submittedFormToken(submitted),
        },
      ),
    ),
    (c) => registerNewPatient(c, deps, c.req.valid('form')),
  );

  routes.get('/:id', patientParam, doneQuery, (c) =>
    renderPatient(c, deps, c.req.valid('param').id, c.req.valid('query')),
  );

  routes.get('/:id/edit', registrar, patientParam, (c) =>
    renderEdit(c, db, c.req.valid('param').id, 200),
  );

  routes.post(
    '/:id/edit',
    registrar,
    patientParam,
    validatedForm(patientEditForm, (c, errors, submitted) => {
      const context = authed(c);
      return renderEdit(context, db, context.req.param('id') ?? '', 422, {
        values: submittedValues(submitted),
        errors: patientFormErrors(errors, submitted, today(context, clock)),
      });
    }),
    (c) => updateFromForm(c, deps, c.req.valid('param').id, c.req.valid('form')),
  );

  /** SPEC §2 package operation: ADMIN moves a purchase's expiry later, with a reason. */
  routes.post(
    '/:id/packages/:purchaseId/extend',
    requireRole('ADMIN'),
    validated('param', z.object({ id: uuid, purchaseId: uuid })),
    validatedForm(extendForm, (c, fields, submitted) =>
      renderExtendRefused(c as unknown as Context<AuthedEnv>, deps, fields, submitted),
    ),
    (c) => extendFromForm(c, deps, c.req.valid('param'), c.req.valid('form')),
  );

  /** SPEC §7: a payment on a purchase of this patient (the desk, finance, administrators). */
  routes.post(
    '/:id/packages/:purchaseId/payments',
    requireRole(...PAYMENT_ROLES),
    moneyParams,
    validatedForm(paymentForm, (c, fields, submitted) =>
      renderMoneyRefused(authed(c), deps, 'PAYMENT', fields, submitted),
    ),
    (c) => moneyFromForm(c, deps, 'PAYMENT', c.req.valid('param'), c.req.valid('form')),
  );

  /** SPEC §7: money back, never more than was paid (finance and administrators). */
  routes.post(
    '/:id/packages/:purchaseId/refunds',
    requireRole(...REFUND_ROLES),
    moneyParams,
    validatedForm(refundForm, (c, fields, submitted) =>
      renderMoneyRefused(authed(c), deps, 'REFUND', fields, submitted),
    ),
    (c) => moneyFromForm(c, deps, 'REFUND', c.req.valid('param'), c.req.valid('form')),
  );

  routes.route('/', packageOperationRoutes(deps, renderPatient));

  return routes;
}
