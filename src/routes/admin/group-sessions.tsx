import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import {
  findAdminGroupSession,
  listUpcomingGroupSessions,
  providersForService,
  type AdminGroupSession,
} from '../../db/group-sessions.js';
import { listServicesByClinic } from '../../db/services.js';
import { localDate } from '../../domain/dates.js';
import { Conflict, NotFound } from '../../domain/errors.js';
import { wallClockInstant } from '../../domain/slots.js';
import type { AppDeps, AppEnv, AuthedEnv, Clock } from '../../env.js';
import { translator } from '../../i18n/index.js';
import {
  cancelGroupSession,
  createGroupSession,
  updateGroupSession,
} from '../../services/group-sessions.js';
import { formatDateAt, formatTime, localName } from '../../views/format.js';
import {
  submittedFormToken,
  submittedText,
  submittedValues,
  type FieldErrors,
  type FormValues,
  type Submitted,
} from '../../views/forms.js';
import {
  CancelGroupSessionPage,
  GroupProviderField,
  GroupSessionFormPage,
  GroupSessionsPage,
} from '../../views/admin/group-sessions.js';
import { renderFragment } from '../../views/renderer.js';
import { actorOf, authed } from '../request.js';
import {
  blankAsMissing,
  calendarDate,
  text,
  uuid,
  validated,
  validatedForm,
} from '../validation.js';
import {
  adminRoutes,
  existingRow,
  fieldsOfRefusal,
  formPage,
  formTokenField,
  idParam,
  wholeNumberField,
} from './admin.js';

const LIST = '/admin/group-sessions';

/** The start as the form sends it: a day and a time of the centre's clock. */
const startFields = {
  provider_id: z.uuid('providerRequired'),
  date: text().refine((date) => calendarDate.safeParse(date).success, 'dateInvalid'),
  time: text().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'groupTimeInvalid'),
  capacity: wholeNumberField(1, 100, 'capacityInvalid'),
};
const editForm = z.object(startFields);
const newForm = editForm.extend({
  service_id: z.uuid('serviceChoiceInvalid'),
  form_token: formTokenField,
});
const cancelForm = z.object({ reason: text().trim().min(1, 'fieldRequired').max(500) });

function startOf(c: Context<AuthedEnv>, form: { date: string; time: string }): Date {
  return wallClockInstant(form.date, form.time, c.var.auth.tenant.timezone);
}

/** A session's fields as its edit form shows them (the centre's day and time). */
function valuesOf(c: Context<AuthedEnv>, session: AdminGroupSession): FormValues {
  const { timezone } = c.var.auth.tenant;
  return {
    provider_id: session.provider_id,
    date: localDate(timezone, session.starts_at),
    time: formatTime(session.starts_at, timezone, 'en'),
    capacity: String(session.capacity),
  };
}

async function renderList(c: Context<AuthedEnv>, db: Database, clock: Clock) {
  const locale = c.get('locale');
  const { tenant } = c.var.auth;
  const sessions = await listUpcomingGroupSessions(db, tenant.id, clock());
  return c.render(
    <GroupSessionsPage locale={locale} timezone={tenant.timezone} sessions={sessions} />,
    { title: translator(locale)('groupSessionsTitle') },
  );
}

/** The choices of the service: a service that is not ours lists every provider. */
async function providersFor(db: Database, tenantId: string, serviceId: string | undefined) {
  const providers = await providersForService(db, tenantId, serviceId ?? null);
  return providers ?? (await providersForService(db, tenantId, null))!;
}

async function renderNewForm(
  c: Context<AuthedEnv>,
  db: Database,
  form: { values: FormValues; errors: FieldErrors; formToken?: string },
) {
  const locale = c.get('locale');
  const { tenant } = c.var.auth;
  const title = translator(locale)('newGroupSession');
  const serviceId = uuid.safeParse(form.values.service_id).data;
  return c.render(
    <GroupSessionFormPage
      locale={locale}
      timezone={tenant.timezone}
      title={title}
      {...formPage(c, { action: LIST, ...form })}
      values={form.values}
      services={await listServicesByClinic(db, tenant.id)}
      providers={await providersFor(db, tenant.id, serviceId)}
    />,
    { title },
  );
}

/** The session of the address, still to come and not cancelled: else 404 or 409. */
async function changeableSession(c: Context<AuthedEnv>, db: Database, clock: Clock) {
  const session = await existingRow(c, db, findAdminGroupSession, 'groupSessionNotFound');
  if (session.status === 'CANCELLED') throw new Conflict('groupSessionCancelled');
  if (session.starts_at.getTime() <= clock().getTime()) throw new Conflict('groupSessionStarted');
  return session;
}

async function renderEditForm(
  c: Context<AuthedEnv>,
  db: Database,
  session: AdminGroupSession,
  form: { values: FormValues; errors: FieldErrors },
) {
  const locale = c.get('locale');
  const { tenant } = c.var.auth;
  const title = translator(locale)('editGroupSession', {
    service: localName({ name_en: session.service_en, name_ar: session.service_ar }, locale),
    date: formatDateAt(session.starts_at, tenant.timezone, locale),
  });
  return c.render(
    <GroupSessionFormPage
      locale={locale}
      timezone={tenant.timezone}
      title={title}
      {...formPage(c, { action: LIST, id: session.id, ...form })}
      values={form.values}
      session={session}
      providers={await providersFor(db, tenant.id, session.service_id)}
    />,
    { title },
  );
}

function renderCancelPage(
  c: Context<AuthedEnv>,
  session: AdminGroupSession,
  form: { reason: string; errors: FieldErrors },
) {
  const locale = c.get('locale');
  const title = translator(locale)('cancelGroupSessionTitle');
  if (Object.keys(form.errors).length > 0) c.status(422);
  return c.render(
    <CancelGroupSessionPage
      locale={locale}
      timezone={c.var.auth.tenant.timezone}
      title={title}
      action={`${LIST}/${session.id}/cancel`}
      csrfToken={c.var.auth.session.csrfToken}
      session={session}
      packageSeats={session.package_seats}
      reason={form.reason}
      errors={form.errors}
    />,
    { title },
  );
}

async function createFromForm(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  form: z.infer<typeof newForm>,
) {
  const values = {
    serviceId: form.service_id,
    providerId: form.provider_id,
    start: startOf(c, form),
    capacity: form.capacity,
  };
  try {
    await createGroupSession(db, c.var.auth.tenant, actorOf(c), form.form_token, values, clock());
  } catch (error) {
    const submitted = await c.req.parseBody();
    return renderNewForm(c, db, {
      values: submittedValues(submitted),
      errors: fieldsOfRefusal(error),
      formToken: form.form_token,
    });
  }
  return c.redirect(LIST, 303);
}

async function updateFromForm(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  form: z.infer<typeof editForm>,
) {
  const session = await changeableSession(c, db, clock);
  const change = { providerId: form.provider_id, start: startOf(c, form), capacity: form.capacity };
  try {
    await updateGroupSession(db, c.var.auth.tenant, actorOf(c), session.id, change, clock());
  } catch (error) {
    return renderEditForm(c, db, session, {
      values: submittedValues(await c.req.parseBody()),
      errors: fieldsOfRefusal(error),
    });
  }
  return c.redirect(LIST, 303);
}

/** A second click of the same form finds the session cancelled already: nothing again. */
async function cancelFromForm(c: Context<AuthedEnv>, { db, clock }: AppDeps, reason: string) {
  const session = await existingRow(c, db, findAdminGroupSession, 'groupSessionNotFound');
  await cancelGroupSession(db, c.var.auth.tenant, actorOf(c), session.id, reason, clock());
  return c.redirect(LIST, 303);
}

function refusedNew(db: Database) {
  return (c: Context<AppEnv>, errors: FieldErrors, submitted: Submitted) =>
    renderNewForm(authed(c), db, {
      values: submittedValues(submitted),
      errors,
      formToken: submittedFormToken(submitted),
    });
}

/** Group sessions (ADMIN): list, plan, move or resize, cancel with a reason. */
export function adminGroupSessionRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const routes = adminRoutes();

  routes.get('/', (c) => renderList(c, db, clock));

  routes.get('/new', (c) => renderNewForm(c, db, { values: { capacity: '6' }, errors: {} }));

  /** The provider field for the chosen service (its clinic's providers). */
  routes.get(
    '/providers',
    validated(
      'query',
      z.object({ service_id: blankAsMissing(uuid), provider_id: blankAsMissing(uuid) }),
    ),
    async (c) => {
      const { service_id, provider_id } = c.req.valid('query');
      const providers = await providersForService(db, c.var.auth.tenant.id, service_id ?? null);
      if (!providers) throw new NotFound('serviceNotFound');
      return renderFragment(
        c,
        <GroupProviderField
          locale={c.get('locale')}
          providers={providers}
          value={provider_id ?? ''}
          errors={{}}
        />,
      );
    },
  );

  routes.post('/', validatedForm(newForm, refusedNew(db)), (c) =>
    createFromForm(c, deps, c.req.valid('form')),
  );

  routes.get('/:id/edit', validated('param', idParam), async (c) => {
    const session = await changeableSession(c, db, clock);
    return renderEditForm(c, db, session, { values: valuesOf(c, session), errors: {} });
  });

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(editForm, async (c, errors, submitted) => {
      const session = await changeableSession(authed(c), db, clock);
      return renderEditForm(authed(c), db, session, {
        values: submittedValues(submitted),
        errors,
      });
    }),
    (c) => updateFromForm(c, deps, c.req.valid('form')),
  );

  routes.get('/:id/cancel', validated('param', idParam), async (c) =>
    renderCancelPage(c, await changeableSession(c, db, clock), { reason: '', errors: {} }),
  );

  routes.post(
    '/:id/cancel',
    validated('param', idParam),
    validatedForm(cancelForm, async (c, errors, submitted) => {
      const session = await changeableSession(authed(c), db, clock);
      return renderCancelPage(authed(c), session, {
        reason: submittedText(submitted, 'reason'),
        errors,
      });
    }),
    (c) => cancelFromForm(c, deps, c.req.valid('form').reason),
  );

  return routes;
}
