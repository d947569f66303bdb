import { z } from 'zod';
import { listDeadMessages, retryDeadMessage } from '../../db/messages.js';
import { NotFound } from '../../domain/errors.js';
import type { AppDeps } from '../../env.js';
import { translator } from '../../i18n/index.js';
import { DeadLettersPage } from '../../views/admin/dead-letters.js';
import { validated } from '../validation.js';
import { adminRoutes, idParam } from './admin.js';

/** The dead letters: messages that failed every attempt, and sending one again (ADMIN). */
export function adminMessageRoutes({ db, clock }: AppDeps) {
  const routes = adminRoutes();

  routes.get(
    '/',
    validated('query', z.object({ requeued: z.literal('1').optional() })),
    async (c) => {
      const { tenant, session } = c.var.auth;
      const messages = await listDeadMessages(db, tenant.id);
      return c.render(
        <DeadLettersPage
          messages={messages}
          locale={c.get('locale')}
          timezone={tenant.timezone}
          csrfToken={session.csrfToken}
          requeued={c.req.valid('query').requeued === '1'}
        />,
        { title: translator(c.get('locale'))('deadLettersTitle') },
      );
    },
  );

  routes.post('/:id/retry', validated('param', idParam), async (c) => {
    const requeued = await retryDeadMessage(
      db,
      c.var.auth.tenant.id,
      c.req.valid('param').id,
      clock(),
    );
    if (!requeued) throw new NotFound('messageNotFound');
    return c.redirect('/admin/messages?requeued=1', 303);
  });

  return routes;
}
