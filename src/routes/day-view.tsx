import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { canBook } from '../auth/roles.js';
import { requireAuth } from '../auth/middleware.js';
import {
  listWorkingProviders,
  loadCalendarAppointments,
  loadCalendarProviders,
  type CalendarAppointment,
  type CalendarProvider,
  type CalendarProviders,
} from '../db/calendar.js';
import type { Database } from '../db/client.js';
import { listClinics } from '../db/clinics.js';
import { calendarClinicOf, rememberCalendarClinic } from '../db/users.js';
import { nextStatuses } from '../domain/appointments.js';
import { gridRange, holdsTime, layoutColumn, type GridRange } from '../domain/calendar-grid.js';
import { addDays, localDate, weekStart } from '../domain/dates.js';
import { NotFound } from '../domain/errors.js';
import { dayBounds, type Interval } from '../domain/slots.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { renderFragment } from '../views/renderer.js';
import type { CalendarActions } from '../views/appointments/calendar-grid.js';
import {
  ALL_CLINICS,
  DAY_VIEW_ID,
  DayGrid,
  DayViewPage,
  PROVIDER_WEEK_ID,
  ProviderWeekGrid,
  ProviderWeekPage,
} from '../views/appointments/day-view.js';
import { translator } from '../i18n/index.js';
import { localName } from '../views/format.js';
import { blankAsMissing, calendarDate, text, uuid, validated } from './validation.js';

/** `v`: the version of the grid the browser shows (its re-fetch asks whether it changed). */
const version = blankAsMissing(text().max(40));

const dayViewQuery = z.object({
  date: blankAsMissing(calendarDate),
  clinic: blankAsMissing(z.union([uuid, z.literal(ALL_CLINICS)])),
  provider: blankAsMissing(uuid),
  v: version,
});

const weekQuery = z.object({
  provider: uuid,
  date: blankAsMissing(calendarDate),
  v: version,
});

/**
 * A digest of everything a grid shows: the reader's language and rights, the data, and (on
 * today's grid) the minute, past which free time and moves end. A re-fetch of a grid whose
 * version is unchanged answers 204 (htmx keeps what it has): most changes heard on the event
 * stream are elsewhere (another clinic, another day), and the re-fetch each stream open makes
 * would double the page's first load.
 */
function gridVersion(
  c: Context<AuthedEnv>,
  clock: { now: Date; showsToday: boolean },
  parts: unknown[],
): string {
  const { tenant, user } = c.var.auth;
  const minute = clock.showsToday ? Math.floor(clock.now.getTime() / 60_000) : null;
  return createHash('sha256')
    .update(JSON.stringify([c.get('locale'), user.role, tenant.timezone, minute, parts]))
    .digest('base64url')
    .slice(0, 16);
}

/** The grid's re-fetch when nothing it shows has changed. */
function unchanged(c: Context<AuthedEnv>, asked: string | undefined, current: string): boolean {
  return c.req.header('hx-request') !== undefined && asked === current;
}

/** What the signed-in reader may do on the calendar; `refresh`: the grid a check-in re-fetches. */
function calendarActions(c: Context<AuthedEnv>, now: Date, refresh: string): CalendarActions {
  const { tenant, user, session } = c.var.auth;
  const desk = canBook(user.role);
  return {
    locale: c.get('locale'),
    timezone: tenant.timezone,
    now,
    canBook: desk,
    // The desk checks patients in; a provider does it from their own day.
    canCheckIn: (a) =>
      desk &&
      nextStatuses(
        a.status,
        { role: user.role, ownsAppointment: false },
        { startsAt: a.starts_at, now, timezone: tenant.timezone },
      ).includes('ARRIVED'),
    csrfToken: session.csrfToken,
    refresh: `#${refresh}`,
  };
}

const intervals = (rows: { start: string; end: string }[]): Interval[] =>
  rows.map((row) => ({ start: new Date(row.start), end: new Date(row.end) }));

const timesOf = (appointments: CalendarAppointment[]): Interval[] =>
  appointments
    .filter((a) => holdsTime(a.status))
    .map((a) => ({ start: a.starts_at, end: a.ends_at }));

/** One provider's column on one day: null without rows (nobody works, nothing booked). */
function layoutOf(
  provider: CalendarProvider,
  day: { date: string; timezone: string; range: GridRange | null; now: Date },
  appointments: CalendarAppointment[],
) {
  if (!day.range) return null;
  return layoutColumn({
    date: day.date,
    timezone: day.timezone,
    range: day.range,
    hours: provider.hours,
    timeOff: intervals(provider.time_off),
    elsewhere: intervals(provider.elsewhere),
    appointments,
    now: day.now,
  });
}

/**
 * The providers of the day, plus anyone else with an appointment there that day (a provider
 * since moved or retired): nothing booked is hidden.
 */
function dayColumns(providers: CalendarProvider[], appointments: CalendarAppointment[]) {
  const columns = providers.map((provider) => ({
    provider,
    appointments: [] as typeof appointments,
  }));
  const byProvider = new Map(columns.map((column) => [column.provider.id, column]));
  for (const appointment of appointments) {
    let column = byProvider.get(appointment.provider_id);
    if (!column) {
      const provider: CalendarProvider = {
        id: appointment.provider_id,
        name_en: appointment.provider_name_en,
        name_ar: appointment.provider_name_ar,
        clinic_ids: [appointment.clinic_id],
        hours: [],
        time_off: [],
        elsewhere: [],
      };
      column = { provider, appointments: [] };
      columns.push(column);
      byProvider.set(provider.id, column);
    }
    column.appointments.push(appointment);
  }
  return columns;
}

/**
 * The clinic the calendar shows: the one asked for (remembered for this user on a page load,
 * not on the grid's own re-fetches), else the one remembered; null: every clinic.
 */
async function chosenClinic(
  c: Context<AuthedEnv>,
  db: Database,
  asked: string | undefined,
): Promise<string | null> {
  const { tenant, user } = c.var.auth;
  if (!asked) return calendarClinicOf(db, tenant.id, user.id);
  const clinicId = asked === ALL_CLINICS ? null : asked;
  if (!c.req.header('hx-request')) await rememberCalendarClinic(db, tenant.id, user.id, clinicId);
  return clinicId;
}

async function renderDayView(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  query: z.infer<typeof dayViewQuery>,
) {
  const { tenant } = c.var.auth;
  const now = clock();
  const today = localDate(tenant.timezone, now);
  const date = query.date ?? today;
  const clinics = await listClinics(db, tenant.id);
  if (query.clinic && query.clinic !== ALL_CLINICS && !clinics.some((c) => c.id === query.clinic)) {
    throw new NotFound('clinicNotFound');
  }
  const clinicId = await chosenClinic(c, db, query.clinic);
  // A remembered clinic since removed: every clinic.
  const clinic = clinics.find((option) => option.id === clinicId) ?? null;

  const bounds = dayBounds(date, tenant.timezone);
  const which: CalendarProviders = { clinicId: clinic?.id ?? null };
  const providers = await loadCalendarProviders(db, tenant.id, which, bounds);
  const appointments = await loadCalendarAppointments(db, tenant.id, which, bounds);
  const columns = dayColumns(providers, appointments);
  const range = gridRange(
    columns.map((column) => ({
      date,
      hours: column.provider.hours,
      booked: [...timesOf(column.appointments), ...intervals(column.provider.elsewhere)],
    })),
    tenant.timezone,
  );
  const day = { date, timezone: tenant.timezone, range, now };
  const current = query.provider ?? null;
  const v = gridVersion(c, { now, showsToday: date === today }, [
    clinic,
    current,
    date,
    today,
    providers,
    appointments,
  ]);
  if (unchanged(c, query.v, v)) return c.body(null, 204);
  const props = {
    version: v,
    date,
    today,
    clinics,
    clinic,
    current,
    range,
    columns: columns.map((column) => ({
      provider: column.provider,
      layout: layoutOf(column.provider, day, column.appointments),
      count: column.appointments.length,
    })),
    notHolding: appointments.filter((a) => !holdsTime(a.status)),
    actions: calendarActions(c, now, DAY_VIEW_ID),
  };
  if (c.req.header('hx-request')) return renderFragment(c, <DayGrid {...props} />);
  const t = translator(c.get('locale'));
  return c.render(<DayViewPage {...props} />, { title: t('dayView') });
}

async function renderProviderWeek(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  query: z.infer<typeof weekQuery>,
) {
  const { tenant } = c.var.auth;
  const now = clock();
  const today = localDate(tenant.timezone, now);
  const date = query.date ?? today;
  const from = weekStart(date);
  const dates = Array.from({ length: 7 }, (_, index) => addDays(from, index));
  const bounds = {
    start: dayBounds(from, tenant.timezone).start,
    end: dayBounds(dates[6]!, tenant.timezone).end,
  };
  const which = { providerId: query.provider };
  const [provider] = await loadCalendarProviders(db, tenant.id, which, bounds);
  if (!provider) throw new NotFound('providerNotFound');
  const appointments = await loadCalendarAppointments(db, tenant.id, which, bounds);
  const byDay = dates.map((day) => ({
    date: day,
    appointments: appointments.filter((a) => localDate(tenant.timezone, a.starts_at) === day),
  }));
  const elsewhere = intervals(provider.elsewhere);
  const range = gridRange(
    byDay.map((day) => ({
      date: day.date,
      hours: provider.hours,
      booked: [...timesOf(day.appointments), ...elsewhere],
    })),
    tenant.timezone,
  );
  const showsToday = dates.includes(today);
  const v = gridVersion(c, { now, showsToday }, [provider, date, today, appointments]);
  if (unchanged(c, query.v, v)) return c.body(null, 204);
  const props = {
    version: v,
    from,
    date,
    today,
    provider,
    providers: await listWorkingProviders(db, tenant.id),
    range,
    days: byDay.map((day) => ({
      date: day.date,
      layout: layoutOf(
        provider,
        { ...day, timezone: tenant.timezone, range, now },
        day.appointments,
      ),
      count: day.appointments.length,
    })),
    notHolding: appointments.filter((a) => !holdsTime(a.status)),
    actions: calendarActions(c, now, PROVIDER_WEEK_ID),
  };
  if (c.req.header('hx-request')) return renderFragment(c, <ProviderWeekGrid {...props} />);
  const locale = c.get('locale');
  const title = translator(locale)('providerWeekTitle', { name: localName(provider, locale) });
  return c.render(<ProviderWeekPage {...props} />, { title });
}

/**
 * The desk's calendar: a day as a time grid with a column per provider (of a clinic, or of
 * every clinic), and a provider's week with a column per day. Every signed-in role may read
 * it; free time books and blocks check in for the desk only. Mounted at /appointments.
 */
export function dayViewRoutes(deps: AppDeps) {
  const routes = new Hono<AuthedEnv>();

  routes.get('/', requireAuth(), validated('query', dayViewQuery), (c) =>
    renderDayView(c, deps, c.req.valid('query')),
  );

  routes.get('/week', requireAuth(), validated('query', weekQuery), (c) =>
    renderProviderWeek(c, deps, c.req.valid('query')),
  );

  return routes;
}
