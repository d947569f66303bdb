import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES } from '../auth/roles.js';
import { findAppointmentRows } from '../db/appointment-rows.js';
import { findPatient } from '../db/patients.js';
import { lastProviderFor } from '../db/provider-days.js';
import { findCourseBooking, findCoursePurchase, listCourseServices } from '../db/series.js';
import { localDate } from '../domain/dates.js';
import { Conflicts, NotFound } from '../domain/errors.js';
import { checkBookable } from '../domain/purchases.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { translator } from '../i18n/index.js';
import { bookCourse, previewCourse } from '../services/package-operations.js';
import {
  COURSE_ERROR_ID,
  CourseBooked,
  CourseForm,
  CoursePage,
  type CourseChoices,
  type CourseFormProps,
  type CourseRow,
} from '../views/appointments/course-booking.js';
import { renderFragment } from '../views/renderer.js';
import {
  freshCourse,
  readCourse,
  type CourseContext,
  type CoursePlan,
  type RawForm,
  type ReadCourse,
} from './course-form.js';
import { showErrorsIn } from './errors.js';
import { actorOf } from './request.js';
import { uuid, validated } from './validation.js';

/**
 * Booking a course (SPEC §7 series) from the booking page's package section: a weekly pattern,
 * the sessions it proposes as booking them would go, and "Book all" — the series of the JSON
 * API (services/package-operations.ts), all or nothing. ADMIN and FRONT_DESK.
 */

const purchaseParam = validated('param', z.object({ purchaseId: uuid }));

/**
 * The purchase (the tenant's, else 404; one that cannot take a booking now, 409 with the
 * reason), its patient, services and providers.
 */
async function loadChoices(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  purchaseId: string,
): Promise<{ choices: CourseChoices; context: CourseContext }> {
  const { tenant } = c.var.auth;
  const now = clock();
  const today = localDate(tenant.timezone, now);
  const purchase = await findCoursePurchase(db, tenant.id, purchaseId, today);
  if (!purchase) throw new NotFound('purchaseNotFound');
  checkBookable(purchase, purchase.patient_id, today);
  const [patient, { services, providers }] = await Promise.all([
    findPatient(db, tenant.id, purchase.patient_id),
    listCourseServices(db, tenant.id, purchaseId),
  ]);
  if (!patient || services.length === 0) throw new NotFound('purchaseNotFound');
  const first = services[0]!;
  const last = await lastProviderFor(
    db,
    tenant.id,
    { patientId: patient.id, serviceId: first.id },
    now,
  );
  const context: CourseContext = {
    services,
    providers,
    remaining: purchase.total_sessions - purchase.sessions_used,
    today,
    expiry: purchase.expiry_date,
    timezone: tenant.timezone,
    defaultProvider: (service) =>
      providers[service.clinic_id]?.find((p) => service.id === first.id && p.id === last)?.id,
  };
  return { choices: { purchase, patient, services, providers }, context };
}

/** Each proposed session as booking it would go (rolled back): free, or refused and why. */
async function previewRows(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  choices: CourseChoices,
  plan: CoursePlan,
): Promise<CourseRow[]> {
  const sessions = await previewCourse(
    db,
    c.var.auth.tenant,
    actorOf(c),
    seriesOf(choices, plan, null),
    { patientId: choices.patient.id, time: plan.time, expiry: choices.purchase.expiry_date },
    clock(),
  );
  return plan.sessions.map((planned, i) => ({
    patternDate: planned.patternDate,
    moved: planned.moved,
    session: sessions[i]!,
  }));
}

/** The plan as the series of the JSON API books it. */
function seriesOf(choices: CourseChoices, plan: CoursePlan, idempotencyKey: string | null) {
  return {
    purchaseId: choices.purchase.id,
    clinicId: plan.service.clinic_id,
    serviceId: plan.service.id,
    durationMinutes: plan.service.default_duration_minutes,
    sessions: plan.sessions.map((s) => ({ providerId: s.providerId, start: s.start })),
    idempotencyKey,
  };
}

/** The form (htmx) or the whole page, with its sessions; 422 while the pattern has errors. */
async function renderCourse(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  loaded: { choices: CourseChoices; context: CourseContext },
  read: ReadCourse,
  options: { raceLost?: number } = {},
) {
  const { choices, context } = loaded;
  const rows = read.plan ? await previewRows(c, deps, choices, read.plan) : null;
  const props: CourseFormProps = {
    locale: c.get('locale'),
    timezone: c.var.auth.tenant.timezone,
    today: context.today,
    choices,
    form: read.values,
    errors: read.errors,
    rows,
    raceLost: options.raceLost,
    csrfToken: c.var.auth.session.csrfToken,
  };
  const status = options.raceLost !== undefined ? 409 : read.plan ? 200 : 422;
  if (c.req.header('hx-request')) return renderFragment(c, <CourseForm {...props} />, status);
  c.status(status);
  return c.render(<CoursePage {...props} />, { title: translator(props.locale)('courseTitle') });
}

/** Every field as a list, from the query (htmx previews) or the body (plain posts, "Book all"). */
async function submitted(c: Context<AuthedEnv>): Promise<RawForm> {
  if (c.req.method === 'GET') return c.req.queries();
  const body = await c.req.parseBody({ all: true });
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [
      name,
      (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string'),
    ]),
  );
}

/** "Book all": booked (the sessions with their numbers), or the preview with what was taken. */
async function bookAll(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  loaded: { choices: CourseChoices; context: CourseContext },
  read: ReadCourse & { plan: CoursePlan },
) {
  const { db, clock } = deps;
  const { tenant } = c.var.auth;
  const { choices } = loaded;
  let course;
  try {
    course = await bookCourse(
      db,
      tenant,
      actorOf(c),
      seriesOf(choices, read.plan, read.values.idempotencyKey),
      clock(),
    );
  } catch (error) {
    if (!(error instanceof Conflicts)) throw error;
    // Nothing was booked: the preview shows which sessions were taken meanwhile.
    return renderCourse(c, deps, loaded, read, { raceLost: error.conflicts.length });
  }
  return booked(
    c,
    deps,
    course.appointments.map((a) => a.id),
  );
}

/** The booked course: in place of the form (htmx), else the patient page with its notice. */
async function booked(c: Context<AuthedEnv>, { db, clock }: AppDeps, appointmentIds: string[]) {
  const { tenant } = c.var.auth;
  const appointments = await findAppointmentRows(db, tenant.id, appointmentIds);
  const { patient_id: patientId, package_purchase_id: purchaseId } = appointments[0]!;
  if (!c.req.header('hx-request')) return c.redirect(`/patients/${patientId}?done=course`, 303);
  const today = localDate(tenant.timezone, clock());
  const purchase = await findCoursePurchase(db, tenant.id, purchaseId!, today);
  return renderFragment(
    c,
    <CourseBooked
      locale={c.get('locale')}
      timezone={tenant.timezone}
      patientId={patientId}
      appointments={appointments}
      purchase={purchase}
    />,
  );
}

export function courseRoutes(deps: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole(...BOOKING_ROLES), showErrorsIn(`#${COURSE_ERROR_ID}`));

  /** The page, or (htmx) the form again for a changed pattern: one request per change. */
  routes.get('/:purchaseId', purchaseParam, async (c) => {
    const loaded = await loadChoices(c, deps, c.req.valid('param').purchaseId);
    const raw = await submitted(c);
    const read =
      raw.time === undefined
        ? freshCourse(loaded.context, crypto.randomUUID())
        : readCourse(raw, loaded.context);
    return renderCourse(c, deps, loaded, read);
  });

  /** "Book all", or without script "Show the sessions" and "Take" (the same form, posted). */
  routes.post('/:purchaseId', purchaseParam, async (c) => {
    const { purchaseId } = c.req.valid('param');
    const raw = await submitted(c);
    const booking = raw.intent?.[0] === 'book' && raw.take === undefined;
    const key = raw.idempotency_key?.[0];
    // Submitted twice: the second finds the first's course (even once it used the last session).
    const earlierCourse = () =>
      booking && key ? findCourseBooking(deps.db, c.var.auth.tenant.id, purchaseId, key) : [];
    const earlier = await earlierCourse();
    if (earlier.length > 0) return booked(c, deps, earlier);
    let loaded;
    try {
      loaded = await loadChoices(c, deps, purchaseId);
    } catch (error) {
      // The first submit may have committed since: its course, not "no sessions left".
      const meanwhile = await earlierCourse();
      if (meanwhile.length > 0) return booked(c, deps, meanwhile);
      throw error;
    }
    const read = readCourse(raw, loaded.context);
    if (!booking || !read.plan) return renderCourse(c, deps, loaded, read);
    return bookAll(c, deps, loaded, { ...read, plan: read.plan });
  });

  return routes;
}
