import { Hono } from 'hono';
import { requireAuth } from '../auth/middleware.js';
import { canBook } from '../auth/roles.js';
import type { AuthedEnv } from '../env.js';
import { HomePage } from '../views/home-page.js';
import { translator } from '../i18n/index.js';

export function homeRoutes() {
  const routes = new Hono<AuthedEnv>();
  routes.get('/', requireAuth(), (c) => {
    const locale = c.get('locale');
    const t = translator(locale);
    const { auth } = c.var;
    // A provider's home is their own day (routes/my-day.tsx).
    if (auth.user.role === 'PROVIDER') return c.redirect('/my-day', 303);
    return c.render(<HomePage locale={locale} auth={auth} canBook={canBook(auth.user.role)} />, {
      title: t('home'),
    });
  });
  return routes;
}
