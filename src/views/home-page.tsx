import type { AuthContext } from '../auth/session.js';
import type { Locale } from '../db/schema.js';
import { currencyName, timeZoneName } from './format.js';
import { roleKey } from '../i18n/index.js';
import { useT } from './request-context.js';

/** The home page's link to the reports (ADMIN and FINANCE). */
export const HOME_REPORTS_LINK_ID = 'reports-link';

export function HomePage({
  locale,
  auth,
  canBook,
  canReadReports,
}: {
  locale: Locale;
  auth: AuthContext;
  canBook: boolean;
  canReadReports: boolean;
}) {
  const t = useT();
  const { user, tenant } = auth;
  return (
    <section class="card" aria-labelledby="home-title">
      <h1 id="home-title">{t('welcome', { name: user.name })}</h1>
      <dl class="facts" id="home-facts">
        <dt>{t('signedInAs')}</dt>
        <dd>
          <span dir="ltr" translate="no">
            {user.email}
          </span>
        </dd>
        <dt>{t('role')}</dt>
        <dd>{t(roleKey(user.role))}</dd>
        <dt>{t('centre')}</dt>
        <dd translate="no">{tenant.name}</dd>
        <dt>{t('timezone')}</dt>
        <dd>{timeZoneName(tenant.timezone, locale)}</dd>
        <dt>{t('currency')}</dt>
        <dd>{currencyName(tenant.currency, locale)}</dd>
      </dl>
      <p class="home-links">
        {canBook && (
          <a class="button primary" href="/appointments/new" id="book-link">
            {t('bookAppointment')}
          </a>
        )}
        <a class="button" href="/appointments" id="day-view-link">
          {t('dayView')}
        </a>
        {canReadReports && (
          <a class="button" href="/reports" id={HOME_REPORTS_LINK_ID}>
            {t('reports')}
          </a>
        )}
      </p>
    </section>
  );
}
