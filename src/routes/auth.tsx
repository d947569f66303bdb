import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { z } from 'zod';
import { isLocale, LANGUAGE_COOKIE, requireAuth } from '../auth/middleware.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../auth/password.js';
import {
  createSession,
  deleteSessionCookie,
  endingOf,
  generateSessionToken,
  invalidateSession,
  setSessionCookie,
} from '../auth/session.js';
import { recordAudit } from '../db/audit.js';
import type { Database } from '../db/client.js';
import { attemptKeys, pruneThrottles } from '../db/login-throttles.js';
import { findUserByEmail, passwordHashOf } from '../db/users.js';
import { acceptSignInAttempt, reserveSignInAttempt } from '../services/sign-in-attempts.js';
import { setUserLocale, setUserPassword } from '../services/users.js';
import type { AppEnv, AuthedEnv, RouteDeps } from '../env.js';
import { LoginPage, type LoginFormState } from '../views/auth/login-page.js';
import { PasswordPage } from '../views/auth/password-page.js';
import { submittedText, type FieldErrors, type FormState } from '../views/forms.js';
import { translator } from '../i18n/index.js';
import { authed, clientIp, staffActorOf } from './request.js';
import { newPassword, validated, validatedForm } from './validation.js';

/** Only paths of this site: never `//evil.example`, an absolute URL or a control character. */
function safeNextPath(next: unknown): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  return typeof next === 'string' && /^\/(?![/\\])[^\u0000-\u001f\u007f]*$/.test(next) ? next : '/';
}

const loginForm = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254).pipe(z.email()),
  password: z.string().min(1).max(1024),
  next: z.string().max(2048).optional(),
});

const passwordForm = z.object({
  current_password: z.string({ error: 'fieldRequired' }).min(1, 'fieldRequired').max(1024),
  new_password: newPassword,
  confirm_password: z.string({ error: 'fieldRequired' }).min(1, 'fieldRequired').max(1024),
});

/** Passwords never go back into the page: a form with errors comes back empty. */
function renderPassword(
  c: Context<AuthedEnv>,
  status: 200 | 422,
  errors?: FormState['errors'],
  changed = false,
) {
  c.status(status);
  const t = translator(c.get('locale'));
  return c.render(
    <PasswordPage
      form={{ values: {}, errors }}
      csrfToken={c.var.auth.session.csrfToken}
      changed={changed}
    />,
    { title: t('changePassword') },
  );
}

function renderLogin(c: Context<AppEnv>, status: 200 | 401 | 422 | 429, form: LoginFormState) {
  c.status(status);
  const t = translator(c.get('locale'));
  return c.render(<LoginPage form={form} />, { title: t('signIn') });
}

/**
 * A refused sign-in: audited when the email is a user's, then the login page again with the
 * same answer whether it is or not.
 */
async function refuseSignIn(
  c: Context<AppEnv>,
  db: Database,
  user: { tenant_id: string; id: string } | undefined,
  refusal: { status: 401 | 429; reason: string },
  form: { email: string; next?: string },
) {
  const t = translator(c.get('locale'));
  if (user) {
    await recordAudit(db, {
      tenantId: user.tenant_id,
      actorId: null,
      action: 'user.sign_in_refused',
      entity: 'user',
      entityId: user.id,
      after: { reason: refusal.reason },
      ip: clientIp(c),
    });
  }
  const error = refusal.status === 429 ? t('tooManyAttempts') : t('badCredentials');
  return renderLogin(c, refusal.status, {
    email: form.email,
    next: safeNextPath(form.next),
    error,
  });
}

async function signIn(
  c: Context<AppEnv>,
  { db, clock, sessions }: RouteDeps,
  form: z.infer<typeof loginForm>,
) {
  const { email, password, next } = form;
  const ip = clientIp(c);
  const keys = attemptKeys(email, ip);
  const user = await findUserByEmail(db, email);
  // Known or unknown email, locked or not: the same answers, so nothing tells them apart.
  // Counted before the slow hash: of attempts sent at once, at most the limit are checked.
  if (!(await reserveSignInAttempt(db, keys, clock()))) {
    return refuseSignIn(c, db, user, { status: 429, reason: 'throttled' }, form);
  }
  const valid =
    user && user.active
      ? await verifyPassword(user.password_hash, password)
      : await verifyAgainstDummy(password);
  if (!user || !valid) {
    await pruneThrottles(db, clock());
    const reason = user?.active === false ? 'inactive' : 'wrong_password';
    return refuseSignIn(c, db, user, { status: 401, reason }, form);
  }
  await acceptSignInAttempt(db, keys);
  // A fresh session (and CSRF token) at every sign-in; an earlier one on this browser ends.
  const previous = c.get('auth');
  if (previous) await invalidateSession(db, sessions, endingOf(previous));
  const token = generateSessionToken();
  const session = await createSession(
    db,
    token,
    { tenantId: user.tenant_id, userId: user.id },
    clock(),
  );
  await recordAudit(db, {
    tenantId: user.tenant_id,
    actorId: user.id,
    action: 'user.sign_in',
    entity: 'user',
    entityId: user.id,
    ip,
  });
  setSessionCookie(c, token, session.expiresAt);
  return c.redirect(safeNextPath(next), 303);
}

/** A new password ends the user's other sessions; this one continues under a new token. */
async function changePassword(
  c: Context<AuthedEnv>,
  deps: RouteDeps,
  form: z.infer<typeof passwordForm>,
) {
  const { db, clock, sessions } = deps;
  const { auth } = c.var;
  if (form.new_password !== form.confirm_password) {
    return renderPassword(c, 422, { confirm_password: 'passwordsDiffer' });
  }
  const storedHash = await passwordHashOf(db, auth.tenant.id, auth.user.id);
  if (!storedHash || !(await verifyPassword(storedHash, form.current_password))) {
    return renderPassword(c, 422, { current_password: 'currentPasswordWrong' });
  }
  await setUserPassword(
    deps,
    staffActorOf(c),
    auth.user.id,
    await hashPassword(form.new_password),
    {
      sessionId: auth.session.id,
    },
  );
  await invalidateSession(db, sessions, endingOf(auth));
  const token = generateSessionToken();
  const session = await createSession(
    db,
    token,
    { tenantId: auth.tenant.id, userId: auth.user.id },
    clock(),
  );
  setSessionCookie(c, token, session.expiresAt);
  return c.redirect('/account/password?changed=1', 303);
}

export function authRoutes(deps: RouteDeps) {
  const { db } = deps;
  const routes = new Hono<AppEnv>();

  routes.get('/login', (c) => {
    const next = safeNextPath(c.req.query('next'));
    if (c.get('auth')) return c.redirect(next, 303);
    const lang = c.req.query('lang');
    if (isLocale(lang)) {
      setCookie(c, LANGUAGE_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: 31536000 });
      c.set('locale', lang);
    }
    return renderLogin(c, 200, { email: '', next });
  });

  routes.post(
    '/login',
    validatedForm(loginForm, (c, fields, submitted) => {
      const email = submittedText(submitted, 'email');
      const fieldErrors: FieldErrors = {};
      if (fields.email) fieldErrors.email = email.trim() ? 'emailInvalid' : 'fieldRequired';
      if (fields.password) fieldErrors.password = 'fieldRequired';
      return renderLogin(c, 422, { email, next: safeNextPath(submitted.next), fieldErrors });
    }),
    (c) => signIn(c, deps, c.req.valid('form')),
  );

  routes.post('/logout', async (c) => {
    const auth = c.get('auth');
    if (auth) await invalidateSession(db, deps.sessions, endingOf(auth));
    deleteSessionCookie(c);
    return c.redirect('/login', 303);
  });

  const account = new Hono<AuthedEnv>();
  account.use(requireAuth());
  account.post(
    '/locale',
    validated('form', z.object({ locale: z.enum(['en', 'ar']) })),
    async (c) => {
      const { auth } = c.var;
      await setUserLocale(
        deps,
        { tenantId: auth.tenant.id, id: auth.user.id, locale: auth.user.locale },
        c.req.valid('form').locale,
        clientIp(c),
      );
      return c.redirect(sameSiteReferrerPath(c) ?? '/', 303);
    },
  );

  account.get(
    '/password',
    validated('query', z.object({ changed: z.literal('1').optional() })),
    (c) => renderPassword(c, 200, undefined, c.req.valid('query').changed === '1'),
  );

  account.post(
    '/password',
    validatedForm(passwordForm, (c, errors) => renderPassword(authed(c), 422, errors)),
    (c) => changePassword(c, deps, c.req.valid('form')),
  );
  routes.route('/account', account);

  return routes;
}

/** Back to the page the switch was pressed on, if it is one of ours. */
function sameSiteReferrerPath(c: Context): string | null {
  const referrer = c.req.header('referer');
  if (!referrer) return null;
  try {
    const url = new URL(referrer);
    if (url.host !== new URL(c.req.url).host) return null;
    return safeNextPath(url.pathname + url.search);
  } catch {
    return null;
  }
}
