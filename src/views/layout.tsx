import type { Child } from 'hono/jsx';
import { canBook } from '../auth/roles.js';
import type { AuthContext } from '../auth/session.js';
import { CSRF_FIELD, CSRF_HEADER } from '../auth/csrf.js';
import type { Locale } from '../db/schema.js';
import { AdminNav } from './admin/admin-nav.js';
import { Announcer } from './announcer.js';
import { assetUrl } from './assets.js';
import { SESSION_ENDED_EVENT } from './live.js';
import { otherLocale, translator } from '../i18n/index.js';

/**
 * Which answers htmx swaps, the first whose `code` pattern matches the status: 409/422 like
 * successes (they carry the message to show), and 503 too (the database is unreachable: the
 * fragment says so where the answer was awaited, instead of nothing happening).
 */
export const HTMX_RESPONSE_HANDLING = [
  { code: '204', swap: false },
  { code: '[23]..', swap: true },
  { code: '409|422|503', swap: true, error: false },
  { code: '[45]..', swap: false, error: true },
];

/**
 * htmx without inline styles or eval (the CSP forbids both), no copies of pages in
 * localStorage. No settle delay: nothing here animates on settle, and on a slow link each of
 * the booking's steps would wait 20 ms more for nothing.
 */
const HTMX_CONFIG = JSON.stringify({
  defaultSettleDelay: 0,
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  selfRequestsOnly: true,
  responseHandling: HTMX_RESPONSE_HANDLING,
});

export interface LayoutProps {
  title: string;
  locale: Locale;
  auth: AuthContext | null;
  /** The request's path, to mark the current screen in the navigation. */
  path: string;
  children?: Child;
}

export function Layout({ title, locale, auth, path, children }: LayoutProps) {
  const t = translator(locale);
  const csrfToken = auth?.session.csrfToken;
  return (
    <html lang={locale} dir={locale === 'ar' ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('appName')}`}</title>
        {csrfToken && <meta name="csrf-token" content={csrfToken} />}
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script src={assetUrl('vendor/htmx.min.js')} defer></script>
        <script src={assetUrl('vendor/sse.min.js')} defer></script>
        <script src={assetUrl('app.js')} defer></script>
      </head>
      {/* Signed in, the page listens to the tenant's changes (fragments re-fetch on them). */}
      <body
        hx-headers={csrfToken ? JSON.stringify({ [CSRF_HEADER]: csrfToken }) : undefined}
        hx-ext={auth ? 'sse' : undefined}
        sse-connect={auth ? '/events' : undefined}
        sse-close={auth ? SESSION_ENDED_EVENT : undefined}
      >
        <a class="skip-link" href="#main">
          {t('skipToContent')}
        </a>
        <header class="topbar">
          <a class="brand" href="/">
            {t('appName')}
          </a>
          {auth && (
            <nav class="main-nav" aria-label={t('mainNavigation')}>
              {canBook(auth.user.role) && <a href="/appointments/new">{t('bookAppointment')}</a>}
              {auth.user.role === 'PROVIDER' && <a href="/my-day">{t('myDay')}</a>}
              <a href="/appointments">{t('dayView')}</a>
              <a href="/patients">{t('patients')}</a>
            </nav>
          )}
          {auth ? (
            <nav class="topbar-user" aria-label={t('signedInAs')}>
              <span>
                {auth.user.name} · {auth.tenant.name}
              </span>
              <a href="/account/password">{t('changePassword')}</a>
              <form method="post" action="/account/locale">
                <input type="hidden" name={CSRF_FIELD} value={csrfToken} />
                <input type="hidden" name="locale" value={otherLocale(locale)} />
                <button type="submit" class="link-button" lang={otherLocale(locale)}>
                  {t('switchLanguage')}
                </button>
              </form>
              <form method="post" action="/logout">
                <input type="hidden" name={CSRF_FIELD} value={csrfToken} />
                <button type="submit" class="link-button">
                  {t('signOut')}
                </button>
              </form>
            </nav>
          ) : (
            <nav class="topbar-user" aria-label={t('language')}>
              <a href={`/login?lang=${otherLocale(locale)}`} lang={otherLocale(locale)}>
                {t('switchLanguage')}
              </a>
            </nav>
          )}
        </header>
        {auth?.user.role === 'ADMIN' && <AdminNav path={path} />}
        <main id="main" tabindex={-1}>
          {children}
        </main>
        <Announcer />
      </body>
    </html>
  );
}
