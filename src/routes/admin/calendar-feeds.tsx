import type { Context } from 'hono';
import { z } from 'zod';
import { endCalendarFeed, listFeedOwners, openCalendarFeed } from '../../db/calendar-feeds.js';
import type { Database } from '../../db/client.js';
import { submitOnce } from '../../db/form-submissions.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import { translator } from '../../i18n/index.js';
import { CalendarFeedsPage, type FeedNotice } from '../../views/admin/calendar-feeds.js';
import { uuid, validated } from '../validation.js';
import { adminRoutes, formTokenField, idParam } from './admin.js';
import { staffActorOf } from '../request.js';

const LIST = '/admin/calendar-feeds';

const createForm = z.object({
  owner_type: z.enum(['provider', 'clinic']),
  owner_id: uuid,
  form_token: formTokenField,
});

const noticeQuery = z.object({ done: z.enum(['revoked', 'alreadyCreated']).optional() });

async function renderFeeds(c: Context<AuthedEnv>, db: Database, notice?: FeedNotice) {
  const { tenant, session } = c.var.auth;
  const owners = await listFeedOwners(db, tenant.id);
  return c.render(
    <CalendarFeedsPage
      owners={owners}
      locale={c.get('locale')}
      timezone={tenant.timezone}
      csrfToken={session.csrfToken}
      notice={notice}
    />,
    { title: translator(c.get('locale'))('calendarFeedsTitle') },
  );
}

/** The address a calendar app subscribes to, on the host and scheme this page was served on. */
function feedUrl(c: Context<AuthedEnv>, token: string): string {
  const host = new URL(c.req.url).host;
  return `${c.var.client.https ? 'https' : 'http'}://${host}/calendar/${token}.ics`;
}

/**
 * Private calendar links of providers and clinics (ADMIN). A new link's address is in the
 * answer to its POST and nowhere else (only its hash is stored): a second submit of the same
 * form creates nothing and cannot show it again.
 */
export function adminCalendarFeedRoutes({ db, clock }: AppDeps) {
  const routes = adminRoutes();

  routes.get('/', validated('query', noticeQuery), (c) => {
    const { done } = c.req.valid('query');
    return renderFeeds(c, db, done ? { kind: done } : undefined);
  });

  routes.post('/', validated('form', createForm), async (c) => {
    const form = c.req.valid('form');
    const actor = staffActorOf(c);
    const owner =
      form.owner_type === 'provider' ? { providerId: form.owner_id } : { clinicId: form.owner_id };
    let token: string | null = null;
    await db.transaction().execute((trx) =>
      submitOnce(
        trx,
        { tenantId: actor.tenantId, token: form.form_token, entity: 'calendar_feed' },
        async () => {
          const feed = await openCalendarFeed(trx, actor, owner);
          token = feed.token;
          return feed.id;
        },
      ),
    );
    if (token === null) return c.redirect(`${LIST}?done=alreadyCreated`, 303);
    c.status(201);
    return renderFeeds(c, db, { kind: 'created', ownerId: form.owner_id, url: feedUrl(c, token) });
  });

  routes.post('/:id/revoke', validated('param', idParam), async (c) => {
    const actor = staffActorOf(c);
    await db
      .transaction()
      .execute((trx) => endCalendarFeed(trx, actor, c.req.valid('param').id, clock()));
    return c.redirect(`${LIST}?done=revoked`, 303);
  });

  return routes;
}
