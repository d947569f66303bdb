import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES } from '../auth/roles.js';
import { clinicsForPackage, clinicsForPurchase } from '../db/clinics.js';
import { findPackage, totalSessions } from '../db/packages.js';
import { loadPatientPackages } from '../db/patient-packages.js';
import { assignPackage, findPurchase } from '../db/purchases.js';
import { todayIn } from '../domain/dates.js';
import { BadRequest, Conflict, NotFound } from '../domain/errors.js';
import { isExpired, sessionsRemaining } from '../domain/purchases.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { clientIp } from './request.js';
import { validated } from './validation.js';

/**
 * The JSON API of SPEC §4, for the existing front-ends and integrations: URLs and shapes are
 * fixed. Names are the English ones; dates 'YYYY-MM-DD'; prices JSON numbers.
 */

const uuid = z.uuid({ version: 'v4' });

export function appointmentsApi({ db, clock }: AppDeps) {
  const api = new Hono<AuthedEnv>();
  api.use(requireAuth());

  api.get('/packages-for-patient/', validated('query', z.object({ patient: uuid })), async (c) => {
    const { tenant } = c.var.auth;
    const today = todayIn(tenant.timezone, clock());
    const data = await loadPatientPackages(db, tenant.id, c.req.valid('query').patient, today);
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
  });

  api.post(
    '/assign-package/',
    requireRole(...BOOKING_ROLES),
    validated(
      'json',
      z.object({
        package_id: uuid,
        patient_id: uuid,
        idempotency_key: z.string().min(8).max(100).optional(),
      }),
    ),
    async (c) => {
      const { auth } = c.var;
      const body = c.req.valid('json');
      const { purchase } = await assignPackage(db, {
        tenantId: auth.tenant.id,
        patientId: body.patient_id,
        packageId: body.package_id,
        assignedBy: auth.user.id,
        today: todayIn(auth.tenant.timezone, clock()),
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
    },
  );

  api.get(
    '/package-clinics/',
    validated(
      'query',
      z.object({ package_purchase_id: uuid.optional(), package_id: uuid.optional() }),
    ),
    async (c) => {
      const { package_purchase_id, package_id } = c.req.valid('query');
      const { tenant } = c.var.auth;
      if (Boolean(package_purchase_id) === Boolean(package_id)) {
        throw new BadRequest('Give either package_purchase_id or package_id.');
      }
      if (package_purchase_id) {
        const purchase = await findPurchase(db, tenant.id, package_purchase_id);
        if (!purchase) throw new NotFound('Package purchase not found.');
        const clinics = await clinicsForPurchase(db, tenant.id, purchase.id);
        return c.json({ success: true, clinics, package_name: purchase.name_en });
      }
      const pkg = await findPackage(db, tenant.id, package_id!);
      if (!pkg) throw new NotFound('Package not found.');
      if (!pkg.active) throw new Conflict('This package is no longer sold.');
      const clinics = await clinicsForPackage(db, tenant.id, pkg.id);
      return c.json({ success: true, clinics, package_name: pkg.name_en });
    },
  );

  return api;
}
