import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import type { AppointmentRow } from '../db/appointment-rows.js';
import { findProviderOfUser, loadProviderAppointments } from '../db/provider-days.js';
import { nextStatuses } from '../domain/appointments.js';
import { addDays, localDate, weekStart } from '../domain/dates.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { translator } from '../i18n/index.js';
import { renderFragment } from '../views/renderer.js';
import {
  MyDayList,
  MyDayPage,
  MyWeekDays,
  MyWeekPage,
  type MyAppointment,
} from '../views/appointments/my-day.js';
import { blankAsMissing, calendarDate, validated } from './validation.js';

const dayQuery = z.object({ date: blankAsMissing(calendarDate) });

/** The signed-in provider, today, and each appointment with the steps they may take now. */
async function providerContext(c: Context<AuthedEnv>, { db, clock }: AppDeps) {
  const { tenant, user, session } = c.var.auth;
  const now = clock();
  const provider = (await findProviderOfUser(db, tenant.id, user.id)) ?? null;
  const withActions = (row: AppointmentRow): MyAppointment => ({
    row,
    nextStatuses: nextStatuses(
      row.status,
      { role: user.role, ownsAppointment: row.provider_user_id === user.id },
      { startsAt: row.starts_at, now, timezone: tenant.timezone },
    ),
  });
  const common = {
    locale: c.get('locale'),
    timezone: tenant.timezone,
    today: localDate(tenant.timezone, now),
    provider,
    csrfToken: session.csrfToken,
  };
  const load = async (from: string, to: string) =>
    provider
      ? (
          await loadProviderAppointments(db, tenant.id, provider.id, {
            from,
            to,
            timezone: tenant.timezone,
          })
        ).map(withActions)
      : [];
  return { common, load };
}

async function renderMyDay(c: Context<AuthedEnv>, deps: AppDeps, date: string | undefined) {
  const { common, load } = await providerContext(c, deps);
  const day = date ?? common.today;
  const props = { ...common, date: day, appointments: await load(day, day) };
  if (c.req.header('hx-request')) return renderFragment(c, <MyDayList {...props} />);
  return c.render(<MyDayPage {...props} />, { title: translator(common.locale)('myDay') });
}

async function renderMyWeek(c: Context<AuthedEnv>, deps: AppDeps, date: string | undefined) {
  const { common, load } = await providerContext(c, deps);
  const from = weekStart(date ?? common.today);
  const appointments = await load(from, addDays(from, 6));
  const days = Array.from({ length: 7 }, (_, index) => {
    const day = addDays(from, index);
    return {
      date: day,
      appointments: appointments.filter((a) => localDate(common.timezone, a.row.starts_at) === day),
    };
  });
  const props = { ...common, from, days };
  if (c.req.header('hx-request')) return renderFragment(c, <MyWeekDays {...props} />);
  return c.render(<MyWeekPage {...props} />, { title: translator(common.locale)('myWeek') });
}

/**
 * A provider's own day and week across clinics: where a PROVIDER lands after signing in. Only
 * the signed-in provider's appointments (the desk has the calendar for everyone's).
 */
export function myDayRoutes(deps: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.get('/', requireAuth(), requireRole('PROVIDER'), validated('query', dayQuery), (c) =>
    renderMyDay(c, deps, c.req.valid('query').date),
  );
  routes.get('/week', requireAuth(), requireRole('PROVIDER'), validated('query', dayQuery), (c) =>
    renderMyWeek(c, deps, c.req.valid('query').date),
  );
  return routes;
}
