import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../auth/middleware.js';
import { recordPatientPackagesView } from '../db/audit.js';
import { loadPatientHistory } from '../db/patient-history.js';
import { localName } from '../views/format.js';
import { localDate } from '../domain/dates.js';
import { NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { translator } from '../views/i18n.js';
import { PatientPage } from '../views/patients/patient-page.js';
import { clientIp } from './request.js';
import { uuid, validated } from './validation.js';

/** A patient's record: details, every package purchase, every appointment. All roles. */
export function patientRoutes({ db, clock }: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth());

  routes.get('/:id', validated('param', z.object({ id: uuid })), async (c) => {
    const { tenant, user } = c.var.auth;
    const today = localDate(tenant.timezone, clock());
    const history = await loadPatientHistory(db, tenant.id, c.req.valid('param').id, today);
    if (!history) throw new NotFound('Patient not found.');
    await recordPatientPackagesView(
      db,
      { tenantId: tenant.id, actorId: user.id, ip: clientIp(c) },
      history.patient.id,
      'patient_page',
    );
    const locale = c.get('locale');
    const t = translator(locale);
    return c.render(
      <PatientPage
        t={t}
        locale={locale}
        timezone={tenant.timezone}
        today={today}
        history={history}
      />,
      { title: localName(history.patient, locale) },
    );
  });

  return routes;
}
