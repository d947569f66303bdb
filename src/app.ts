import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { csrfProtection } from './auth/csrf.js';
import { loadSession } from './auth/middleware.js';
import { SessionCache } from './auth/session-cache.js';
import { CatalogueCache } from './db/catalogue-cache.js';
import type { AppDeps, AppEnv, RouteDeps } from './env.js';
import { adminClinicRoutes } from './routes/admin/clinics.js';
import { adminGroupSessionRoutes } from './routes/admin/group-sessions.js';
import { adminMessageRoutes } from './routes/admin/messages.js';
import { adminCalendarFeedRoutes } from './routes/admin/calendar-feeds.js';
import { adminPackageRoutes } from './routes/admin/packages.js';
import { adminProviderRoutes } from './routes/admin/providers.js';
import { adminServiceRoutes } from './routes/admin/services.js';
import { settingsRoutes } from './routes/admin/settings.js';
import { userAdminRoutes } from './routes/admin/users.js';
import { appointmentRoutes } from './routes/appointment.js';
import { appointmentsApi } from './routes/appointments-api.js';
import { purchasesApi } from './routes/purchases-api.js';
import { bookingRoutes } from './routes/appointments.js';
import { courseRoutes } from './routes/course-booking.js';
import { calendarFeedRoutes } from './routes/calendar-feed.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { myDayRoutes } from './routes/my-day.js';
import { dayViewRoutes } from './routes/day-view.js';
import { renderError, renderNotFound } from './routes/errors.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { patientRoutes } from './routes/patients.js';
import { receiptRoutes } from './routes/receipts.js';
import { reportRoutes } from './routes/reports.js';
import { identifyClient } from './routes/request.js';
import { compressBodies } from './routes/compression.js';
import { dynamicResponseHeaders, securityHeaders } from './routes/response-headers.js';
import { STATIC_DIR } from './views/assets.js';
import { pageRenderer } from './views/renderer.js';

const MAX_BODY_BYTES = 64 * 1024;

/** renderError answers a 413 as `too_large`. */
const tooLarge = () => {
  throw new HTTPException(413);
};
const limitBody = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });

/**
 * GET and HEAD carry no body (fetch refuses one), and a body that announces its length is
 * judged by it (Node's parser never reads past it); only the rest (chunked) is counted by
 * bodyLimit, which reads `c.req.raw.body` — that makes @hono/node-server build a full web
 * Request, 12 % of a small route's CPU.
 */
const limitRequestBody = createMiddleware(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const length = c.req.header('content-length');
  if (length === undefined || c.req.header('transfer-encoding')) return limitBody(c, next);
  return Number(length) > MAX_BODY_BYTES ? tooLarge() : next();
});

/** Asset URLs carry a content hash (views/assets.ts), so they never change under a browser. */
const staticFiles = createMiddleware(async (c, next) => {
  await next();
  if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable');
});

export function createApp(appDeps: AppDeps) {
  const app = new Hono<AppEnv>();
  // Each instance caches sessions; every instance's changes to them arrive over the bus.
  const sessions = new SessionCache();
  appDeps.bus.onSessionChange((change) => sessions.forget(change));
  appDeps.bus.onResumed(() => sessions.forgetAll());
  const deps: RouteDeps = { ...appDeps, sessions, catalogues: new CatalogueCache() };

  app.use(identifyClient(deps.trustedProxies ?? 0));
  app.use(securityHeaders);
  app.use(
    '/static/*',
    compress(),
    staticFiles,
    serveStatic({ root: STATIC_DIR, rewriteRequestPath: (path) => path.slice('/static'.length) }),
  );
  app.use(limitRequestBody);
  app.use(dynamicResponseHeaders);
  app.use(compressBodies);
  // Probes answer before the session is read: no sign-in, no cookie, no session query.
  app.route('/', healthRoutes(deps));
  // Before loadSession: an error page for a failed session lookup has the layout too.
  app.use(pageRenderer);
  app.use(loadSession(deps));
  app.use(csrfProtection());

  app.route('/', authRoutes(deps));
  app.route('/', homeRoutes(deps));
  app.route('/appointments/new/course', courseRoutes(deps));
  app.route('/appointments/new', bookingRoutes(deps));
  app.route('/appointments/api/purchases', purchasesApi(deps));
  app.route('/appointments/api', appointmentsApi(deps));
  app.route('/appointments', dayViewRoutes(deps));
  app.route('/my-day', myDayRoutes(deps));
  app.route('/appointments', appointmentRoutes(deps));
  app.route('/patients', patientRoutes(deps));
  app.route('/receipts', receiptRoutes(deps));
  app.route('/reports', reportRoutes(deps));
  app.route('/admin/clinics', adminClinicRoutes(deps));
  app.route('/admin/services', adminServiceRoutes(deps));
  app.route('/admin/packages', adminPackageRoutes(deps));
  app.route('/admin/providers', adminProviderRoutes(deps));
  app.route('/admin/group-sessions', adminGroupSessionRoutes(deps));
  app.route('/admin/audit', auditRoutes(deps));
  app.route('/admin/users', userAdminRoutes(deps));
  app.route('/admin/settings', settingsRoutes(deps));
  app.route('/admin/messages', adminMessageRoutes(deps));
  app.route('/admin/calendar-feeds', adminCalendarFeedRoutes(deps));
  app.route('/', eventRoutes(deps));
  app.route('/calendar', calendarFeedRoutes(deps));

  app.notFound(renderNotFound);
  app.onError(renderError);
  return app;
}
