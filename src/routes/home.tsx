import { Hono } from 'hono';
import { requireAuth } from '../auth/middleware.js';
import type { AuthedEnv } from '../env.js';
import { HomePage } from '../views/home-page.js';
import { translator } from '../views/i18n.js';

export function homeRoutes() {
  const routes = new Hono<AuthedEnv>();
  routes.get('/', requireAuth(), (c) => {
    const t = translator(c.get('locale'));
    return c.render(<HomePage t={t} auth={c.var.auth} />, { title: t('home') });
  });
  return routes;
}
