import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES, canBook } from '../auth/roles.js';
import { findAppointmentRow } from '../db/appointment-rows.js';
import { listAppointmentMessages } from '../db/messages.js';
import { findClinicProviders } from '../db/providers.js';
import { findFreeSlots } from '../db/schedule.js';
import {
  cancelAppointment,
  changeAppointmentStatus,
  revertAppointmentStatus,
  rescheduleAppointment,
} from '../services/appointments.js';
import {
  CANCELLABLE,
  cancellationOutcome,
  nextStatuses,
  revertRefusal,
  STEP_STATUSES,
  type StepStatus,
} from '../domain/appointments.js';
import { localDate } from '../domain/dates.js';
import { Conflict, NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import {
  APPOINTMENT_ERROR_ID,
  AppointmentSection,
} from '../views/appointments/appointment-page.js';
import {
  RESCHEDULE_ERROR_ID,
  RESCHEDULE_FORM_ID,
  ReschedulePage,
  rescheduleSlotsUrl,
} from '../views/appointments/reschedule-page.js';
import { SlotList } from '../views/appointments/schedule-fields.js';
import { renderFragment } from '../views/renderer.js';
import { Announcement } from '../views/announcer.js';
import { translator } from '../i18n/index.js';
import { showErrorsIn } from './errors.js';
import { actorOf, roleActorOf } from './request.js';
import { calendarDate, instant, text, uuid, validated } from './validation.js';

const idParam = z.object({ id: uuid });

const reason = text().trim().min(1).max(500);

const cancelForm = z.object({
  reason,
  waive: z.literal('on').optional(),
});

const rescheduleSlotsQuery = z.object({
  provider_id: uuid,
  date: calendarDate,
  duration: z.coerce.number().int().min(5).max(480),
});

const rescheduleForm = rescheduleSlotsQuery.extend({
  start: instant,
  reason,
});

/** A movable appointment of this tenant, or the refusal a move would answer with. */
async function movableAppointment(c: Context<AuthedEnv>, { db, clock }: AppDeps, id: string) {
  const details = await findAppointmentRow(db, c.var.auth.tenant.id, id);
  if (!details) throw new NotFound('appointmentNotFound');
  if (
    details.kind === 'GROUP' ||
    !CANCELLABLE.includes(details.status) ||
    details.starts_at <= clock()
  ) {
    throw new Conflict('appointmentNotMovable', { status: details.status.toLowerCase() });
  }
  return details;
}

/** The slot picker prefilled: the appointment's provider, day and length. */
async function renderReschedule(c: Context<AuthedEnv>, deps: AppDeps, id: string) {
  const { auth } = c.var;
  const details = await movableAppointment(c, deps, id);
  const { timezone } = auth.tenant;
  const state = {
    providerId: details.provider_id,
    date: localDate(timezone, details.starts_at),
    duration: (details.ends_at.getTime() - details.starts_at.getTime()) / 60_000,
    minDate: localDate(timezone, deps.clock()),
  };
  const [clinic, slots] = await Promise.all([
    findClinicProviders(deps.db, auth.tenant.id, details.clinic_id, null),
    freeSlotsFor(c, deps, details, state),
  ]);
  const locale = c.get('locale');
  return c.render(
    <ReschedulePage
      locale={locale}
      timezone={timezone}
      details={details}
      providers={clinic?.providers ?? []}
      state={state}
      slots={slots}
      csrfToken={auth.session.csrfToken}
    />,
    { title: translator(locale)('rescheduleTitle') },
  );
}

/** Free times of the provider and the patient, the appointment's own time counted free. */
function freeSlotsFor(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  details: { id: string; patient_id: string },
  query: { providerId: string; date: string; duration: number },
) {
  return findFreeSlots(
    db,
    c.var.auth.tenant,
    {
      providerId: query.providerId,
      patientId: details.patient_id,
      date: query.date,
      durationMinutes: query.duration,
      moving: details.id,
    },
    clock(),
  );
}

async function rescheduleSlots(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  id: string,
  query: z.infer<typeof rescheduleSlotsQuery>,
) {
  const details = await movableAppointment(c, deps, id);
  const slots = await freeSlotsFor(c, deps, details, {
    providerId: query.provider_id,
    date: query.date,
    duration: query.duration,
  });
  return renderFragment(
    c,
    <SlotList
      locale={c.get('locale')}
      source={{ url: rescheduleSlotsUrl(id), form: `#${RESCHEDULE_FORM_ID}` }}
      choices={{ kind: 'slots', slots, timezone: c.var.auth.tenant.timezone }}
    />,
  );
}

/** Moves the appointment; htmx follows to its page, a plain form is redirected there. */
async function rescheduleFromForm(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  id: string,
  form: z.infer<typeof rescheduleForm>,
) {
  await rescheduleAppointment(
    db,
    c.var.auth.tenant,
    actorOf(c),
    id,
    {
      start: new Date(form.start),
      providerId: form.provider_id,
      durationMinutes: form.duration,
      reason: form.reason,
    },
    clock(),
  );
  const page = `/appointments/${id}?done=moved`;
  if (!c.req.header('hx-request')) return c.redirect(page, 303);
  c.header('HX-Redirect', page);
  return c.body(null, 204);
}

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
  const now = clock();
  const when = { startsAt: details.starts_at, now, timezone: auth.tenant.timezone };
  const open = canBook(auth.user.role) && CANCELLABLE.includes(details.status);
  const late =
    cancellationOutcome(details.starts_at, now, auth.tenant.cancellationWindowHours) ===
    'LATE_CANCELLED';
  const section = (
    <AppointmentSection
      locale={locale}
      timezone={auth.tenant.timezone}
      details={details}
      messages={messages}
      actions={{
        canCancel: open,
        canReschedule: open && details.kind !== 'GROUP' && details.starts_at > now,
        lateCancellation:
          late && details.kind === 'PACKAGE' ? auth.tenant.cancellationWindowHours : null,
        canWaive: auth.user.role === 'ADMIN',
        nextStatuses: nextStatuses(details.status, actor, when),
        canRevert: !revertRefusal(details.status, auth.user.role, when),
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
  return c.render(
    <>
      {message && (
        <p class="alert alert-ok" role="status" id="appointment-notice">
          {message}
        </p>
      )}
      {section}
    </>,
    { title: t('appointment') },
  );
}

/** After a change: htmx gets the new section; a plain form is redirected to the page. */
function afterChange(c: Context<AuthedEnv>, deps: AppDeps, id: string, message: string) {
  return c.req.header('hx-request')
    ? renderAppointment(c, deps, id, message)
    : c.redirect(`/appointments/${id}`, 303);
}

/** Cancels with the desk's reason; the message says whether the session returned. */
async function cancelWithReason(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  id: string,
  form: z.infer<typeof cancelForm>,
) {
  const { auth } = c.var;
  const { status, sessionReturned } = await cancelAppointment(
    deps.db,
    auth.tenant,
    roleActorOf(c),
    id,
    { reason: form.reason, waive: form.waive === 'on' },
    deps.clock(),
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
  const { auth } = c.var;
  await changeAppointmentStatus(
    deps.db,
    auth.tenant,
    roleActorOf(c),
    id,
    status,
    null,
    deps.clock(),
  );
  return afterChange(c, deps, id, translator(c.get('locale'))(`status_${status}`));
}

/** A status marked by mistake, set back to booked with the desk's reason. */
async function revertStatus(c: Context<AuthedEnv>, deps: AppDeps, id: string, reason: string) {
  await revertAppointmentStatus(
    deps.db,
    c.var.auth.tenant,
    roleActorOf(c),
    id,
    reason,
    deps.clock(),
  );
  return afterChange(c, deps, id, translator(c.get('locale'))('statusReverted'));
}

/** One appointment's page, its cancellation and its state changes. */
export function appointmentRoutes(deps: AppDeps) {
  const routes = new Hono<AuthedEnv>();

  routes.get(
    '/:id',
    requireAuth(),
    validated('param', idParam),
    validated('query', z.object({ done: z.literal('moved').optional() })),
    (c) =>
      renderAppointment(
        c,
        deps,
        c.req.valid('param').id,
        c.req.valid('query').done && translator(c.get('locale'))('appointmentMoved'),
      ),
  );

  routes.post(
    '/:id/cancel',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', cancelForm),
    (c) => cancelWithReason(c, deps, c.req.valid('param').id, c.req.valid('form')),
  );

  routes.get(
    '/:id/reschedule',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    validated('param', idParam),
    (c) => renderReschedule(c, deps, c.req.valid('param').id),
  );

  routes.get(
    '/:id/reschedule/slots',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    validated('param', idParam),
    validated('query', rescheduleSlotsQuery),
    (c) => rescheduleSlots(c, deps, c.req.valid('param').id, c.req.valid('query')),
  );

  routes.post(
    '/:id/reschedule',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    showErrorsIn(`#${RESCHEDULE_ERROR_ID}`),
    validated('param', idParam),
    validated('form', rescheduleForm),
    (c) => rescheduleFromForm(c, deps, c.req.valid('param').id, c.req.valid('form')),
  );

  routes.post(
    '/:id/status',
    requireAuth(),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', z.object({ status: z.enum(STEP_STATUSES) })),
    (c) => changeStatus(c, deps, c.req.valid('param').id, c.req.valid('form').status),
  );

  routes.post(
    '/:id/revert',
    requireAuth(),
    requireRole(...BOOKING_ROLES),
    showErrorsIn(`#${APPOINTMENT_ERROR_ID}`),
    validated('param', idParam),
    validated('form', z.object({ reason })),
    (c) => revertStatus(c, deps, c.req.valid('param').id, c.req.valid('form').reason),
  );

  return routes;
}
