import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { recordPatientPackagesView } from '../db/audit.js';
import { extendExpiry } from '../db/package-operations.js';
import { loadPatientHistory } from '../db/patient-history.js';
import { formatDate, localName } from '../views/format.js';
import { localDate } from '../domain/dates.js';
import { NotFound } from '../domain/errors.js';
import { ExpiryRefused, MAX_EXTENSION_DAYS } from '../domain/purchases.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { translator } from '../views/i18n.js';
import { PatientPage, type ExtendFormState } from '../views/patients/patient-page.js';
import { clientIp } from './request.js';
import { blankAsMissing, uuid, validated, validatedForm } from './validation.js';

const extendForm = z
  .object({
    expiry_date: blankAsMissing(z.iso.date()),
    days: blankAsMissing(z.coerce.number().int().min(1).max(MAX_EXTENSION_DAYS)),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((form) => (form.expiry_date === undefined) !== (form.days === undefined), {
    path: ['expiry_date'],
    message: 'Give either a new expiry date or a number of days.',
  });

const formText = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A patient's record: details, every package purchase, every appointment. All roles. */
export function patientRoutes({ db, clock }: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth());

  const renderPatient = async (
    c: Context<AuthedEnv>,
    patientId: string,
    form?: ExtendFormState,
  ) => {
    const { tenant, user, session } = c.var.auth;
    const today = localDate(tenant.timezone, clock());
    const history = await loadPatientHistory(db, tenant.id, patientId, today);
    if (!history) throw new NotFound('Patient not found.');
    await recordPatientPackagesView(
      db,
      { tenantId: tenant.id, actorId: user.id, ip: clientIp(c) },
      history.patient.id,
      'patient_page',
    );
    const locale = c.get('locale');
    const t = translator(locale);
    if (form) c.status(422);
    return c.render(
      <PatientPage
        t={t}
        locale={locale}
        timezone={tenant.timezone}
        today={today}
        history={history}
        operations={{ canExtend: user.role === 'ADMIN', csrfToken: session.csrfToken, form }}
      />,
      { title: localName(history.patient, locale) },
    );
  };

  routes.get('/:id', validated('param', z.object({ id: uuid })), (c) =>
    renderPatient(c, c.req.valid('param').id),
  );

  /** SPEC §2 package operation: ADMIN moves a purchase's expiry later, with a reason. */
  routes.post(
    '/:id/packages/:purchaseId/extend',
    requireRole('ADMIN'),
    validated('param', z.object({ id: uuid, purchaseId: uuid })),
    validatedForm(extendForm, (c, fields, submitted) => {
      const t = translator(c.get('locale'));
      const values = {
        expiry_date: formText(submitted.expiry_date),
        days: formText(submitted.days),
        reason: formText(submitted.reason),
      };
      const dateGiven = Boolean(values.expiry_date?.trim());
      const dateValid = !dateGiven || z.iso.date().safeParse(values.expiry_date).success;
      const params = c.req.param() as { id: string; purchaseId: string };
      return renderPatient(c as unknown as Context<AuthedEnv>, params.id, {
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
      });
    }),
    async (c) => {
      const { auth } = c.var;
      const { id, purchaseId } = c.req.valid('param');
      const form = c.req.valid('form');
      try {
        await extendExpiry(db, {
          tenantId: auth.tenant.id,
          patientId: id,
          purchaseId,
          extension: form.days === undefined ? { date: form.expiry_date! } : { days: form.days },
          reason: form.reason,
          today: localDate(auth.tenant.timezone, clock()),
          actor: { id: auth.user.id, ip: clientIp(c) },
        });
      } catch (error) {
        if (!(error instanceof ExpiryRefused)) throw error;
        const t = translator(c.get('locale'));
        const key = error.problem === 'notLater' ? 'extendDateNotLater' : 'extendDateTooFar';
        return renderPatient(c, id, {
          purchaseId,
          values: {
            expiry_date: form.expiry_date,
            days: form.days?.toString(),
            reason: form.reason,
          },
          errors: {
            expiry_date: t(key, { date: formatDate(error.currentExpiry, c.get('locale')) }),
          },
        });
      }
      return c.redirect(`/patients/${id}`, 303);
    },
  );

  return routes;
}
