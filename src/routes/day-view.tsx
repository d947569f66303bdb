import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { canBook } from '../auth/roles.js';
import { requireAuth } from '../auth/middleware.js';
import { listClinics } from '../db/clinics.js';
import { loadClinicDay } from '../db/clinic-day.js';
import { localDate } from '../domain/dates.js';
import { NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { renderFragment } from '../views/renderer.js';
import { DayGrid, DayViewPage } from '../views/appointments/day-view.js';
import { translator } from '../i18n/index.js';
import { blankAsMissing, calendarDate, uuid, validated } from './validation.js';

const dayViewQuery = z.object({
  date: blankAsMissing(calendarDate),
  clinic: blankAsMissing(uuid),
});

/** The chosen clinic's day (the first clinic, today, unless the query says otherwise). */
async function renderDayView(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  query: z.infer<typeof dayViewQuery>,
) {
  const { tenant } = c.var.auth;
  const today = localDate(tenant.timezone, clock());
  const date = query.date ?? today;
  const clinics = await listClinics(db, tenant.id);
  const clinic = query.clinic ? clinics.find((option) => option.id === query.clinic) : clinics[0];
  if (!clinic) throw new NotFound('clinicNotFound');

  const day = await loadClinicDay(db, tenant.id, clinic.id, { date, timezone: tenant.timezone });
  const locale = c.get('locale');
  const t = translator(locale);
  const props = {
    t,
    locale,
    timezone: tenant.timezone,
    date,
    today,
    clinics,
    clinic,
    day,
    canReschedule: canBook(c.var.auth.user.role),
    now: clock(),
  };
  if (c.req.header('hx-request')) return renderFragment(c, <DayGrid {...props} />);
  return c.render(<DayViewPage {...props} />, { title: t('dayView') });
}

/**
 * The day view: a clinic's appointments of one tenant-local day, one column per provider.
 * Every signed-in role may read it. Mounted at /appointments, it answers that path only.
 */
export function dayViewRoutes(deps: AppDeps) {
  const routes = new Hono<AuthedEnv>();

  routes.get('/', requireAuth(), validated('query', dayViewQuery), (c) =>
    renderDayView(c, deps, c.req.valid('query')),
  );

  return routes;
}
