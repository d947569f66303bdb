import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITIES,
  listAuditActors,
  listAuditEntries,
  type AuditFilter,
} from '../db/audit.js';
import type { Database } from '../db/client.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { AuditPage } from '../views/audit/audit-page.js';
import { translator } from '../i18n/index.js';
import { blankAsMissing, calendarDate, uuid, validated } from './validation.js';

const PAGE_SIZE = 50;

const auditQuery = z.object({
  action: blankAsMissing(z.enum(AUDIT_ACTIONS)),
  entity: blankAsMissing(z.enum(AUDIT_ENTITIES)),
  actor: blankAsMissing(uuid),
  entity_id: blankAsMissing(uuid),
  from: blankAsMissing(calendarDate),
  to: blankAsMissing(calendarDate),
  before: blankAsMissing(uuid),
});

/** The filters as the form sends them, for the link to the next page. */
function olderUrl(query: z.infer<typeof auditQuery>, lastId: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...query, before: lastId })) {
    if (value) params.set(name, value);
  }
  return `/admin/audit?${params.toString()}`;
}

async function renderAuditLog(
  c: Context<AuthedEnv>,
  db: Database,
  query: z.infer<typeof auditQuery>,
) {
  const { tenant } = c.var.auth;
  const filter: AuditFilter = {
    action: query.action,
    entity: query.entity,
    actorId: query.actor,
    entityId: query.entity_id,
    from: query.from,
    to: query.to,
    before: query.before,
  };
  const { entries, hasMore } = await listAuditEntries(db, tenant, filter, PAGE_SIZE);
  const actors = await listAuditActors(db, tenant.id);
  const locale = c.get('locale');
  const t = translator(locale);
  const last = entries.at(-1);
  return c.render(
    <AuditPage
      locale={locale}
      timezone={tenant.timezone}
      filter={filter}
      actors={actors}
      entries={entries}
      olderUrl={hasMore && last ? olderUrl(query, last.id) : null}
    />,
    { title: t('auditLog') },
  );
}

/** `GET /admin/audit`: the tenant's audit log, filtered and paged. Administrators only. */
export function auditRoutes({ db }: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole('ADMIN'));

  routes.get('/', validated('query', auditQuery), (c) =>
    renderAuditLog(c, db, c.req.valid('query')),
  );

  return routes;
}
