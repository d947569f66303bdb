import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES } from '../auth/roles.js';
import {
  bookAppointment,
  cancelAppointment,
  rescheduleAppointment,
} from '../services/appointments.js';
import {
  bookCourse,
  cancelRemaining,
  rescheduleAll,
  transferRemaining,
} from '../services/package-operations.js';
import type { Database } from '../db/client.js';
import { findPackageClinics, findPurchaseClinics } from '../db/clinics.js';
import { totalSessions } from '../db/packages.js';
import { loadPatientPackages } from '../db/patient-packages.js';
import { findClinicProviders } from '../db/providers.js';
import { assignPackage } from '../db/purchases.js';
import { localDate } from '../domain/dates.js';
import { BadRequest, Conflict, NotFound } from '../domain/errors.js';
import { isExpired, sessionsRemaining } from '../domain/purchases.js';
import { formatInstant } from '../domain/slots.js';
import type { AppDeps, AuthedEnv, RouteDeps } from '../env.js';
import { actorOf, clientIp, roleActorOf } from './request.js';
import { findSlotsFor, slotQuery } from './slots.js';
import { instant, text, uuid, validated } from './validation.js';

const assignBody = z.object({
  package_id: uuid,
  patient_id: uuid,
  idempotency_key: text().min(8).max(100).optional(),
});

const packageClinicsQuery = z.object({
  package_purchase_id: uuid.optional(),
  package_id: uuid.optional(),
});

const bookingBody = z.object({
  patient_id: uuid,
  appointment_type: z.enum(['single', 'package', 'group']),
  package_purchase_id: uuid.optional(),
  service_id: uuid.optional(),
  clinic_id: uuid,
  provider_id: uuid,
  start: instant,
  duration_minutes: z.number().int().min(5).max(480),
  group_session_id: uuid.optional(),
  idempotency_key: text().min(8).max(100).optional(),
});

const reason = text().trim().min(1).max(500);

/** `waive` (ADMIN only): a late cancellation returns the session all the same. */
const cancelBody = z.object({ reason, waive: z.boolean().optional() });

const rescheduleBody = z.object({
  start: instant,
  provider_id: uuid.optional(),
  duration_minutes: z.number().int().min(5).max(480).optional(),
  reason,
});

const transferBody = z.object({ patient_id: uuid, reason, cancel_future: z.boolean().optional() });

const rescheduleAllBody = z.object({
  offset_days: z
    .number()
    .int()
    .min(-365)
    .max(365)
    .refine((days) => days !== 0),
  reason,
});

const seriesBody = z.object({
  package_purchase_id: uuid,
  clinic_id: uuid,
  service_id: uuid.optional(),
  duration_minutes: z.number().int().min(5).max(480),
  sessions: z
    .array(z.object({ provider_id: uuid, start: instant }))
    .min(1)
    .max(60),
  idempotency_key: text().min(8).max(100).optional(),
});

/** The patient's purchases and the packages on sale (a view of patient data, audited). */
async function packagesForPatient(
  c: Context<AuthedEnv>,
  { db, clock, catalogues }: RouteDeps,
  patientId: string,
) {
  const { tenant, user } = c.var.auth;
  const today = localDate(tenant.timezone, clock());
  const data = await loadPatientPackages(db, catalogues, tenant.id, patientId, today, {
    actorId: user.id,
    ip: clientIp(c),
    screen: 'packages_api',
  });
  return c.json({
    success: true,
    patient_id: data.patient.id,
    patient_name: data.patient.name_en,
    assigned_packages: data.purchases.map((purchase) => ({
      id: purchase.id,
      type: 'purchase',
      name: purchase.name_en,
      total_sessions: purchase.total_sessions,
      sessions_used: purchase.sessions_used,
      sessions_remaining: sessionsRemaining(purchase),
      purchase_date: purchase.purchase_date,
      expiry_date: purchase.expiry_date,
      is_expired: isExpired(purchase, today),
    })),
    available_packages: data.catalogue.map((entry) => ({
      id: entry.id,
      type: 'package',
      name: entry.name_en,
      total_sessions: totalSessions(entry),
      price: Number(entry.price),
      validity_days: entry.validity_days,
      services: entry.services.map((service) => ({
        name: service.name_en,
        sessions: service.sessions,
        clinic: service.clinic_en,
        clinic_id: service.clinic_id,
      })),
    })),
  });
}

/** Sells a package to the patient (once per idempotency key). */
async function assignFromJson(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  body: z.infer<typeof assignBody>,
) {
  const { auth } = c.var;
  const { purchase } = await assignPackage(db, {
    tenantId: auth.tenant.id,
    patientId: body.patient_id,
    packageId: body.package_id,
    assignedBy: auth.user.id,
    today: localDate(auth.tenant.timezone, clock()),
    idempotencyKey: body.idempotency_key ?? null,
    ip: clientIp(c),
  });
  return c.json({
    success: true,
    package_purchase_id: purchase.id,
    message: 'Package assigned to patient successfully',
    package_name: purchase.name_en,
    total_sessions: purchase.total_sessions,
    expiry_date: purchase.expiry_date,
  });
}

/** The clinics of a purchase or of a package on sale: exactly one of the two is asked for. */
async function packageClinics(
  c: Context<AuthedEnv>,
  db: Database,
  { package_purchase_id, package_id }: z.infer<typeof packageClinicsQuery>,
) {
  const { tenant } = c.var.auth;
  if (Boolean(package_purchase_id) === Boolean(package_id)) {
    throw new BadRequest('packageOrPurchase');
  }
  if (package_purchase_id) {
    const purchase = await findPurchaseClinics(db, tenant.id, package_purchase_id);
    if (!purchase) throw new NotFound('purchaseNotFound');
    return c.json({ success: true, clinics: purchase.clinics, package_name: purchase.name_en });
  }
  const pkg = await findPackageClinics(db, tenant.id, package_id!);
  if (!pkg) throw new NotFound('packageNotFound');
  if (!pkg.active) throw new Conflict('packageNotSold');
  return c.json({ success: true, clinics: pkg.clinics, package_name: pkg.name_en });
}

/** Books and answers 201 with the session count, and a warning near the package's expiry. */
async function bookFromJson(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  body: z.infer<typeof bookingBody>,
) {
  const { auth } = c.var;
  const booking = await bookAppointment(
    db,
    auth.tenant,
    actorOf(c),
    {
      patientId: body.patient_id,
      type: body.appointment_type,
      clinicId: body.clinic_id,
      providerId: body.provider_id,
      serviceId: body.service_id ?? null,
      purchaseId: body.package_purchase_id ?? null,
      groupSessionId: body.group_session_id ?? null,
      start: new Date(body.start),
      durationMinutes: body.duration_minutes,
      idempotencyKey: body.idempotency_key ?? null,
    },
    clock(),
  );
  const { appointment, purchase } = booking;
  return c.json(
    {
      success: true,
      appointment_id: appointment.id,
      status: appointment.status,
      start: formatInstant(appointment.starts_at, auth.tenant.timezone),
      end: formatInstant(appointment.ends_at, auth.tenant.timezone),
      session_number_in_package: appointment.session_number_in_package,
      sessions_used: purchase?.sessions_used ?? null,
      sessions_remaining: purchase ? purchase.total_sessions - purchase.sessions_used : null,
      ...(booking.nearExpiry && {
        warning: `This package expires on ${purchase!.expiry_date}: the session falls in its last week.`,
      }),
    },
    201,
  );
}

/** Moves one appointment: same session of the same package, its number in date order. */
async function rescheduleFromJson(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  id: string,
  body: z.infer<typeof rescheduleBody>,
) {
  const { timezone } = c.var.auth.tenant;
  const moved = await rescheduleAppointment(
    db,
    c.var.auth.tenant,
    actorOf(c),
    id,
    {
      start: new Date(body.start),
      providerId: body.provider_id ?? null,
      durationMinutes: body.duration_minutes ?? null,
      reason: body.reason,
    },
    clock(),
  );
  return c.json({
    success: true,
    appointment_id: moved.id,
    start: formatInstant(moved.start, timezone),
    end: formatInstant(moved.end, timezone),
    session_number_in_package: moved.session_number_in_package,
  });
}

/** SPEC §7: a course of sessions on one purchase, all or nothing (201, or 409 `conflicts`). */
async function seriesFromJson(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  body: z.infer<typeof seriesBody>,
) {
  const { tenant } = c.var.auth;
  const course = await bookCourse(
    db,
    tenant,
    actorOf(c),
    {
      purchaseId: body.package_purchase_id,
      clinicId: body.clinic_id,
      serviceId: body.service_id ?? null,
      durationMinutes: body.duration_minutes,
      sessions: body.sessions.map((s) => ({ providerId: s.provider_id, start: new Date(s.start) })),
      idempotencyKey: body.idempotency_key ?? null,
    },
    clock(),
  );
  return c.json(
    {
      success: true,
      appointments: course.appointments.map((a) => ({
        appointment_id: a.id,
        start: formatInstant(a.start, tenant.timezone),
        end: formatInstant(a.end, tenant.timezone),
        provider_id: a.providerId,
        session_number_in_package: a.sessionNumber,
      })),
      sessions_used: course.sessionsUsed,
      sessions_remaining: course.sessionsRemaining,
    },
    201,
  );
}

/** The package operations of SPEC §7 on one purchase (ADMIN; the desk may reschedule). */
function purchaseOperations(deps: AppDeps) {
  const { db, clock } = deps;
  const routes = new Hono<AuthedEnv>();
  const purchaseParam = validated('param', z.object({ id: uuid }));

  routes.post(
    '/:id/transfer/',
    requireRole('ADMIN'),
    purchaseParam,
    validated('json', transferBody),
    async (c) => {
      const body = c.req.valid('json');
      const transfer = await transferRemaining(
        db,
        c.var.auth.tenant,
        actorOf(c),
        {
          purchaseId: c.req.valid('param').id,
          patientId: body.patient_id,
          reason: body.reason,
          cancelFuture: body.cancel_future ?? false,
        },
        clock(),
      );
      return c.json(
        {
          success: true,
          package_purchase_id: transfer.purchaseId,
          sessions_transferred: transfer.sessionsTransferred,
        },
        201,
      );
    },
  );

  routes.post(
    '/:id/cancel-remaining/',
    requireRole('ADMIN'),
    purchaseParam,
    validated('json', z.object({ reason })),
    async (c) => {
      const done = await cancelRemaining(
        db,
        c.var.auth.tenant,
        actorOf(c),
        { purchaseId: c.req.valid('param').id, reason: c.req.valid('json').reason },
        clock(),
      );
      return c.json({
        success: true,
        status: 'CANCELLED',
        appointments_cancelled: done.appointmentsCancelled,
        sessions_cancelled: done.sessionsCancelled,
      });
    },
  );

  routes.post(
    '/:id/reschedule/',
    requireRole(...BOOKING_ROLES),
    purchaseParam,
    validated('json', rescheduleAllBody),
    async (c) => {
      const { timezone } = c.var.auth.tenant;
      const body = c.req.valid('json');
      const moved = await rescheduleAll(
        db,
        c.var.auth.tenant,
        actorOf(c),
        { purchaseId: c.req.valid('param').id, offsetDays: body.offset_days, reason: body.reason },
        clock(),
      );
      return c.json({
        success: true,
        moved: moved.map((m) => ({
          appointment_id: m.id,
          start: formatInstant(m.start, timezone),
          end: formatInstant(m.end, timezone),
        })),
      });
    },
  );
  return routes;
}

/**
 * The JSON API of SPEC §4, for the existing front-ends and integrations: URLs and shapes are
 * fixed. Names are the English ones; dates 'YYYY-MM-DD'; prices JSON numbers.
 */
export function appointmentsApi(deps: RouteDeps) {
  const { db, clock } = deps;
  const api = new Hono<AuthedEnv>();
  api.use(requireAuth());

  api.get('/packages-for-patient/', validated('query', z.object({ patient: uuid })), (c) =>
    packagesForPatient(c, deps, c.req.valid('query').patient),
  );

  api.post('/assign-package/', requireRole(...BOOKING_ROLES), validated('json', assignBody), (c) =>
    assignFromJson(c, deps, c.req.valid('json')),
  );

  api.get('/package-clinics/', validated('query', packageClinicsQuery), (c) =>
    packageClinics(c, db, c.req.valid('query')),
  );

  api.get(
    '/providers/',
    validated('query', z.object({ clinic_id: uuid, service_id: uuid.optional() })),
    async (c) => {
      const { clinic_id, service_id } = c.req.valid('query');
      const { tenant } = c.var.auth;
      const clinic = await findClinicProviders(db, tenant.id, clinic_id, service_id ?? null);
      if (!clinic) throw new NotFound('clinicNotFound');
      if (!clinic.service_found) throw new NotFound('serviceNotInClinic');
      return c.json({ success: true, providers: clinic.providers });
    },
  );

  api.get('/slots/', validated('query', slotQuery), async (c) => {
    const query = c.req.valid('query');
    const { tenant } = c.var.auth;
    const slots = await findSlotsFor(db, tenant, query, clock());
    return c.json({
      success: true,
      date: query.date,
      slots: slots.map((slot) => ({
        start: formatInstant(slot.start, tenant.timezone),
        end: formatInstant(slot.end, tenant.timezone),
      })),
    });
  });

  api.post('/book/', requireRole(...BOOKING_ROLES), validated('json', bookingBody), (c) =>
    bookFromJson(c, deps, c.req.valid('json')),
  );

  api.post(
    '/appointments/:id/cancel/',
    requireRole(...BOOKING_ROLES),
    validated('param', z.object({ id: uuid })),
    validated('json', cancelBody),
    async (c) => {
      const { reason, waive } = c.req.valid('json');
      const { status, sessionReturned } = await cancelAppointment(
        db,
        c.var.auth.tenant,
        roleActorOf(c),
        c.req.valid('param').id,
        { reason, waive: waive ?? false },
        clock(),
      );
      return c.json({ success: true, status, session_returned: sessionReturned });
    },
  );

  api.route('/purchases', purchaseOperations(deps));

  api.post('/series/', requireRole(...BOOKING_ROLES), validated('json', seriesBody), (c) =>
    seriesFromJson(c, deps, c.req.valid('json')),
  );

  api.post(
    '/appointments/:id/reschedule/',
    requireRole(...BOOKING_ROLES),
    validated('param', z.object({ id: uuid })),
    validated('json', rescheduleBody),
    (c) => rescheduleFromJson(c, deps, c.req.valid('param').id, c.req.valid('json')),
  );

  return api;
}
