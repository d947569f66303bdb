import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES, canBook } from '../auth/roles.js';
import { findAppointmentRow } from '../db/appointment-rows.js';
import { cancelAppointment, changeAppointmentStatus } from '../services/appointments.js';
import { CANCELLABLE, nextStatuses, STEP_STATUSES } from '../domain/appointments.js';
import { NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import {
  APPOINTMENT_ERROR_ID,
  AppointmentSection,
} from '../views/appointments/appointment-page.js';
import { renderFragment } from '../views/renderer.js';
import { Announcement } from '../views/announcer.js';
import { translator } from '../views/i18n.js';
import { showErrorsIn } from './errors.js';
import { clientIp } from './request.js';
import { text, uuid, validated } from './validation.js';

const idParam = z.object({ id: uuid });

/** One appointment's page, its cancellation and its state changes. */
export function appointmentRoutes({ db, clock }: AppDeps) {
  const routes = new Hono<AuthedEnv>();

  /** The section for this user: htmx swaps it in place, a plain form gets the whole page. */
  const renderAppointment = async (c: Context<AuthedEnv>, id: string, message?: string) => {
    const { auth } = c.var;
    const details = await findAppointmentRow(db, auth.tenant.id, id);
    if (!details) throw new NotFound('appointmentNotFound');
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
        actions={{
          canCancel: canBook(auth.user.role) && CANCELLABLE.includes(details.status),
          nextStatuses: nextStatuses(details.status, actor),
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
  };

  /** After a change: htmx gets the new section; a plain form is redirected to the page. */
  const afterChange = (c: Context<AuthedEnv>, id: string, message: string) =>
    c.req.header('hx-request')
      ? renderAppointment(c, id, message)
      : c.redirect(`/appointments/${id}`, 303);

  routes.get('/:id', requireAuth(), validated('param', idParam), (c) =>
    renderAppointment(c, c.req.valid('param').id),
  );

  routes.post(
    '/:id/cancel',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', z.object({ reason: text().trim().min(1).max(500) })),
    async (c) => {
      const { auth } = c.var;
      const { id } = c.req.valid('param');
      const { status, sessionReturned } = await cancelAppointment(
        db,
        auth.tenant,
        { id: auth.user.id, ip: clientIp(c) },
        id,
        c.req.valid('form').reason,
        clock(),
      );
      const t = translator(c.get('locale'));
      return afterChange(
        c,
        id,
        sessionReturned ? t('cancelledSessionReturned') : t(`status_${status}`),
      );
    },
  );

  routes.post(
    '/:id/status',
    requireAuth(),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', z.object({ status: z.enum(STEP_STATUSES) })),
    async (c) => {
      const { auth } = c.var;
      const { id } = c.req.valid('param');
      const { status } = c.req.valid('form');
      await changeAppointmentStatus(
        db,
        auth.tenant,
        { id: auth.user.id, role: auth.user.role, ip: clientIp(c) },
        id,
        status,
        null,
        clock(),
      );
      return afterChange(c, id, translator(c.get('locale'))(`status_${status}`));
    },
  );

  return routes;
}
