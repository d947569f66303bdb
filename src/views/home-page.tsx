import type { AuthContext } from '../auth/session.js';
import { roleKey, type Translate } from './i18n.js';

export function HomePage({
  t,
  auth,
  canBook,
}: {
  t: Translate;
  auth: AuthContext;
  canBook: boolean;
}) {
  const { user, tenant } = auth;
  return (
    <section class="card" aria-labelledby="home-title">
      <h1 id="home-title">{t('welcome', { name: user.name })}</h1>
      <dl class="facts" id="home-facts">
        <dt>{t('signedInAs')}</dt>
        <dd>
          <span dir="ltr">{user.email}</span>
        </dd>
        <dt>{t('role')}</dt>
        <dd>{t(roleKey(user.role))}</dd>
        <dt>{t('centre')}</dt>
        <dd>{tenant.name}</dd>
        <dt>{t('timezone')}</dt>
        <dd>
          <span dir="ltr">{tenant.timezone}</span>
        </dd>
        <dt>{t('currency')}</dt>
        <dd>{tenant.currency}</dd>
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
      </p>
    </section>
  );
}
