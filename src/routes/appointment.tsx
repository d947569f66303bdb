import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES, canBook } from '../auth/roles.js';
import { findAppointmentRow } from '../db/appointment-rows.js';
import type { Database } from '../db/client.js';
import { listAppointmentMessages } from '../db/messages.js';
import { cancelAppointment, changeAppointmentStatus } from '../services/appointments.js';
import {
  CANCELLABLE,
  nextStatuses,
  STEP_STATUSES,
  type StepStatus,
} from '../domain/appointments.js';
import { NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import {
  APPOINTMENT_ERROR_ID,
  AppointmentSection,
} from '../views/appointments/appointment-page.js';
import { renderFragment } from '../views/renderer.js';
import { Announcement } from '../views/announcer.js';
import { translator } from '../i18n/index.js';
import { showErrorsIn } from './errors.js';
import { actorOf, clientIp } from './request.js';
import { text, uuid, validated } from './validation.js';

const idParam = z.object({ id: uuid });

/** The section for this user: htmx swaps it in place, a plain form gets the whole page. */
async function renderAppointment(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  id: string,
  message?: string,
) {
  const { auth } = c.var;
  const details = await findAppointmentRow(db, auth.tenant.id, id);
  if (!details) throw new NotFound('appointmentNotFound');
  const messages = await listAppointmentMessages(db, auth.tenant.id, id);
  const locale = c.get('locale');
  const t = translator(locale);
  const actor = {
    role: auth.user.role,
    ownsAppointment: details.provider_user_id === auth.user.id,
  };
  const section = (
    <AppointmentSection
      locale={locale}
      timezone={auth.tenant.timezone}
      details={details}
      messages={messages}
      actions={{
        canCancel: canBook(auth.user.role) && CANCELLABLE.includes(details.status),
        nextStatuses: nextStatuses(details.status, actor, {
          startsAt: details.starts_at,
          now: clock(),
          timezone: auth.tenant.timezone,
        }),
        csrfToken: auth.session.csrfToken,
      }}
    />
  );
  if (c.req.header('hx-request')) {
    return renderFragment(
      c,
      <>
        {section}
        {message && <Announcement message={message} />}
      </>,
    );
  }
  return c.render(section, { title: t('appointment') });
}

/** After a change: htmx gets the new section; a plain form is redirected to the page. */
function afterChange(c: Context<AuthedEnv>, deps: AppDeps, id: string, message: string) {
  return c.req.header('hx-request')
    ? renderAppointment(c, deps, id, message)
    : c.redirect(`/appointments/${id}`, 303);
}

/** Cancels with the desk's reason; the message says whether the session returned. */
async function cancelWithReason(c: Context<AuthedEnv>, deps: AppDeps, id: string, reason: string) {
  const { db, clock } = deps;
  const { auth } = c.var;
  const { status, sessionReturned } = await cancelAppointment(
    db,
    auth.tenant,
    actorOf(c),
    id,
    reason,
    clock(),
  );
  const t = translator(c.get('locale'));
  return afterChange(
    c,
    deps,
    id,
    sessionReturned ? t('cancelledSessionReturned') : t(`status_${status}`),
  );
}

/** One step of the appointment's status (arrived, completed…), as this user may take it. */
async function changeStatus(c: Context<AuthedEnv>, deps: AppDeps, id: string, status: StepStatus) {
  const { db, clock } = deps;
  const { auth } = c.var;
  await changeAppointmentStatus(
    db,
    auth.tenant,
    { id: auth.user.id, role: auth.user.role, ip: clientIp(c) },
    id,
    status,
    null,
    clock(),
  );
  return afterChange(c, deps, id, translator(c.get('locale'))(`status_${status}`));
}

/** One appointment's page, its cancellation and its state changes. */
export function appointmentRoutes(deps: AppDeps) {
  const routes = new Hono<AuthedEnv>();

  routes.get('/:id', requireAuth(), validated('param', idParam), (c) =>
    renderAppointment(c, deps, c.req.valid('param').id),
  );

  routes.post(
    '/:id/cancel',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', z.object({ reason: text().trim().min(1).max(500) })),
    (c) => cancelWithReason(c, deps, c.req.valid('param').id, c.req.valid('form').reason),
  );

  routes.post(
    '/:id/status',
    requireAuth(),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', z.object({ status: z.enum(STEP_STATUSES) })),
    (c) => changeStatus(c, deps, c.req.valid('param').id, c.req.valid('form').status),
  );

  return routes;
}
