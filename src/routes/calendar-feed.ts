import ical from 'ical-generator';
import { Hono } from 'hono';
import { z } from 'zod';
import { findFeed, type Feed } from '../db/calendar-feeds.js';
import { NotFound } from '../domain/errors.js';
import type { AppDeps, AppEnv } from '../env.js';
import { validated } from './validation.js';

/**
 * A feed shows on phone lock screens and in shared calendars: the patient by first name only
 * (the desk's records have the rest).
 */
export function feedPatientName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? '';
}

/**
 * Times go out in UTC (`…Z`): every calendar app shows them in its own zone, correct across
 * DST, without a VTIMEZONE block to get wrong; X-WR-TIMEZONE names the centre's zone.
 */
function calendarOf(feed: Feed): string {
  const owner = feed.provider_name ?? feed.clinic_name ?? '';
  const calendar = ical({ name: `${owner} – ${feed.centre}`, timezone: null });
  calendar.x([{ key: 'X-WR-TIMEZONE', value: feed.timezone }]);
  for (const appointment of feed.appointments) {
    const session = appointment.session_number_in_package
      ? ` (${appointment.session_number_in_package})`
      : '';
    calendar.createEvent({
      id: `${appointment.id}@raseed`,
      start: appointment.starts_at,
      end: appointment.ends_at,
      stamp: appointment.updated_at,
      summary: `${appointment.service}${session} – ${feedPatientName(appointment.patient)}`,
      location: appointment.clinic,
      description: appointment.provider,
    });
  }
  return calendar.toString();
}

/**
 * A provider's or a clinic's private calendar (iCalendar), for a calendar app to subscribe to:
 * the long token in the address is the credential; an unknown or revoked one is a 404.
 */
export function calendarFeedRoutes({ db, clock }: AppDeps) {
  const routes = new Hono<AppEnv>();
  routes.get(
    '/:token{[A-Za-z0-9_-]{43}\\.ics}',
    validated('param', z.object({ token: z.string() })),
    async (c) => {
      const feed = await findFeed(db, c.req.valid('param').token.slice(0, -4), clock());
      if (!feed) throw new NotFound('notFound');
      return c.body(calendarOf(feed), 200, { 'Content-Type': 'text/calendar; charset=utf-8' });
    },
  );
  return routes;
}
