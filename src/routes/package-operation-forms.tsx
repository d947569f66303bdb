import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES } from '../auth/roles.js';
import type { Database } from '../db/client.js';
import { purchaseOfPatient } from '../db/package-operations.js';
import { findPatient, searchPatients } from '../db/patients.js';
import { Conflicts, DomainError, NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { translator } from '../i18n/index.js';
import {
  cancelRemaining,
  rescheduleAll,
  transferRemaining,
} from '../services/package-operations.js';
import { submittedValues, type FieldErrors, type Submitted } from '../views/forms.js';
import {
  CancelRemainingForm,
  RecipientChoices,
  RescheduleAllForm,
  TransferForm,
  type OperationFormState,
  type OperationKind,
  type OperationProps,
} from '../views/patients/package-operation-forms.js';
import type { PatientPageDone } from '../views/patients/patient-page.js';
import { renderFragment } from '../views/renderer.js';
import { localDate } from '../domain/dates.js';
import { listPatientAppointments, listPurchaseHistory } from '../db/patient-history.js';
import { CANCELLABLE } from '../domain/appointments.js';
import { formatDate } from '../views/format.js';
import { actorOf } from './request.js';
import { blankAsMissing, text, uuid, validated, validatedForm } from './validation.js';

/** The patient page again, with a refused operation form open in it (plain POST). */
export type RenderPatient = (
  c: Context<AuthedEnv>,
  deps: AppDeps,
  patientId: string,
  options: { operation?: OperationFormState; status?: 409 | 422 },
) => Promise<Response>;

const reason = text().trim().min(1, 'fieldRequired').max(500);

const transferForm = z.object({
  patient_id: blankAsMissing(uuid).pipe(uuid),
  cancel_future: z.literal('on').optional(),
  reason,
});

const cancelRemainingForm = z.object({ reason });

const rescheduleAllForm = z.object({
  offset_days: z.coerce
    .number('offsetDaysInvalid')
    .int('offsetDaysInvalid')
    .min(-365, 'offsetDaysInvalid')
    .max(365, 'offsetDaysInvalid')
    .refine((days) => days !== 0, 'offsetDaysInvalid'),
  reason,
});

const params = validated('param', z.object({ id: uuid, purchaseId: uuid }));

type Params = { id: string; purchaseId: string };

/** The purchase must be this patient's, of this tenant: else 404, as if it did not exist. */
async function checkPurchase(c: Context<AuthedEnv>, db: Database, ids: Params) {
  if (!(await purchaseOfPatient(db, c.var.auth.tenant.id, ids.id, ids.purchaseId))) {
    throw new NotFound('purchaseNotFound');
  }
}

const FORMS = {
  transfer: TransferForm,
  'cancel-remaining': CancelRemainingForm,
  reschedule: RescheduleAllForm,
} as const;

/**
 * A refused form, in place: htmx swaps the form's own disclosure (with its keyed errors and
 * the conflicting sessions); a plain POST gets the patient page with the form open.
 */
async function refused(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  renderPatient: RenderPatient,
  ids: Params,
  state: Omit<OperationFormState, 'purchaseId'>,
  status: 409 | 422,
) {
  const operation = {
    ...state,
    purchaseId: ids.purchaseId,
    recipient: await chosenRecipient(c, deps.db, state),
  };
  if (!c.req.header('hx-request')) {
    return renderPatient(c, deps, ids.id, { operation, status });
  }
  const { tenant } = c.var.auth;
  const today = localDate(tenant.timezone, deps.clock());
  const [purchases, appointments] = await Promise.all([
    listPurchaseHistory(deps.db, tenant.id, ids.id, today),
    listPatientAppointments(deps.db, tenant.id, ids.id),
  ]);
  const purchase = purchases.find((p) => p.id === ids.purchaseId);
  if (!purchase) throw new NotFound('purchaseNotFound');
  const now = deps.clock();
  const props: OperationProps = {
    locale: c.get('locale'),
    timezone: tenant.timezone,
    patientId: ids.id,
    purchase,
    future: appointments
      .filter(
        (a) =>
          a.package_purchase_id === purchase.id &&
          CANCELLABLE.includes(a.status) &&
          a.starts_at > now,
      )
      .reverse(),
    csrfToken: c.var.auth.session.csrfToken,
    form: operation,
  };
  const View = FORMS[state.kind];
  c.status(status);
  return renderFragment(c, <View {...props} />);
}

/** The patient a refused transfer was going to, when its id names one of the centre's. */
async function chosenRecipient(
  c: Context<AuthedEnv>,
  db: Database,
  state: Omit<OperationFormState, 'purchaseId'>,
) {
  const chosen = uuid.safeParse(state.values.patient_id);
  if (state.kind !== 'transfer' || !chosen.success) return undefined;
  return findPatient(db, c.var.auth.tenant.id, chosen.data);
}

/** Done: htmx follows to the patient page (with its notice), a plain form is redirected. */
function done(c: Context<AuthedEnv>, patientId: string, what: PatientPageDone) {
  const page = `/patients/${patientId}?done=${what}`;
  if (!c.req.header('hx-request')) return c.redirect(page, 303);
  c.header('HX-Redirect', page);
  return c.body(null, 204);
}

/** A refusal of the service as the form shows it: a field, the form, or the sessions. */
function refusalOf(
  c: Context<AuthedEnv>,
  error: DomainError,
): {
  errors: FieldErrors;
  message?: string;
  conflicts?: { start: string }[];
} {
  const t = translator(c.get('locale'));
  if (error.fields) return { errors: error.fields };
  if (error.key === 'patientNotFound') return { errors: { patient_id: 'patientNotFound' } };
  // The sessions blocking a transfer are the form's own list of those still to come: said once.
  if (error.key === 'purchaseHasFutureAppointments') {
    return { errors: {}, message: t('futureSessionsBlockTransfer') };
  }
  if (error instanceof Conflicts) {
    const conflicts = error.conflicts.map((conflict) => ({ start: String(conflict.start) }));
    return { errors: {}, conflicts };
  }
  const values = Object.fromEntries(
    Object.entries(error.params ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? formatDate(value, c.get('locale'))
        : value,
    ]),
  );
  return { errors: {}, message: t(error.key, values) };
}

/** Runs an operation; a refusal it can explain comes back in its form, anything else is thrown. */
async function runOperation(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  renderPatient: RenderPatient,
  kind: OperationKind,
  ids: Params,
  run: () => Promise<unknown>,
  success: PatientPageDone,
) {
  await checkPurchase(c, deps.db, ids);
  try {
    await run();
  } catch (error) {
    if (!(error instanceof DomainError) || (error.status !== 409 && error.status !== 422)) {
      throw error;
    }
    const values = submittedValues(await c.req.parseBody());
    const refusal = refusalOf(c, error);
    return refused(c, deps, renderPatient, ids, { kind, values, ...refusal }, error.status);
  }
  return done(c, ids.id, success);
}

/**
 * A form its schema refused: shown again in place with every field's error (once the purchase
 * is known to be this patient's: else 404, and no page of the patient shown).
 */
function invalidForm(kind: OperationKind, deps: AppDeps, renderPatient: RenderPatient) {
  return async (c: Context<AuthedEnv>, fields: FieldErrors, submitted: Submitted) => {
    const ids = c.req.param() as Params;
    await checkPurchase(c, deps.db, ids);
    return refused(
      c,
      deps,
      renderPatient,
      ids,
      { kind, values: submittedValues(submitted), errors: fields },
      422,
    );
  };
}

/**
 * The patient page's package operations (SPEC §2, §7) as forms: transfer and cancel remaining
 * for ADMIN, reschedule all for ADMIN and the front desk; each posts to the service the JSON
 * API uses (one transaction, audited, published live).
 */
export function packageOperationRoutes(deps: AppDeps, renderPatient: RenderPatient) {
  const { db, clock } = deps;
  const routes = new Hono<AuthedEnv>();
  const path = (kind: OperationKind) => `/:id/packages/:purchaseId/${kind}`;
  const form = <T extends z.ZodType>(kind: OperationKind, schema: T) =>
    validatedForm(schema, (c, fields, submitted) =>
      invalidForm(kind, deps, renderPatient)(c as unknown as Context<AuthedEnv>, fields, submitted),
    );

  routes.get(
    '/:id/packages/:purchaseId/recipients',
    requireRole('ADMIN'),
    params,
    validated('query', z.object({ q: text().trim().max(100).default('') })),
    async (c) => {
      const ids = c.req.valid('param');
      await checkPurchase(c, db, ids);
      const { q } = c.req.valid('query');
      const found = q.length >= 2 ? await searchPatients(db, c.var.auth.tenant.id, q) : null;
      return renderFragment(
        c,
        <RecipientChoices
          locale={c.get('locale')}
          purchaseId={ids.purchaseId}
          patients={found && found.filter((patient) => patient.id !== ids.id)}
        />,
      );
    },
  );

  routes.post(
    path('transfer'),
    requireRole('ADMIN'),
    params,
    form('transfer', transferForm),
    (c) => {
      const ids = c.req.valid('param');
      const body = c.req.valid('form');
      return runOperation(
        c,
        deps,
        renderPatient,
        'transfer',
        ids,
        () =>
          transferRemaining(
            db,
            c.var.auth.tenant,
            actorOf(c),
            {
              purchaseId: ids.purchaseId,
              patientId: body.patient_id,
              reason: body.reason,
              cancelFuture: body.cancel_future === 'on',
            },
            clock(),
          ),
        'transferred',
      );
    },
  );

  routes.post(
    path('cancel-remaining'),
    requireRole('ADMIN'),
    params,
    form('cancel-remaining', cancelRemainingForm),
    (c) => {
      const ids = c.req.valid('param');
      return runOperation(
        c,
        deps,
        renderPatient,
        'cancel-remaining',
        ids,
        () =>
          cancelRemaining(
            db,
            c.var.auth.tenant,
            actorOf(c),
            { purchaseId: ids.purchaseId, reason: c.req.valid('form').reason },
            clock(),
          ),
        'cancelled',
      );
    },
  );

  routes.post(
    path('reschedule'),
    requireRole(...BOOKING_ROLES),
    params,
    form('reschedule', rescheduleAllForm),
    (c) => {
      const ids = c.req.valid('param');
      const body = c.req.valid('form');
      return runOperation(
        c,
        deps,
        renderPatient,
        'reschedule',
        ids,
        () =>
          rescheduleAll(
            db,
            c.var.auth.tenant,
            actorOf(c),
            { purchaseId: ids.purchaseId, offsetDays: body.offset_days, reason: body.reason },
            clock(),
          ),
        'rescheduled',
      );
    },
  );

  return routes;
}
