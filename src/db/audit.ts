import { sql, type RawBuilder } from 'kysely';
import type { Database } from './client.js';

/** Who makes a change, for its audit row. */
export interface Actor {
  id: string;
  ip: string | null;
}

/** The same, with the tenant the change happens in (patients, users, tenant settings). */
export interface StaffActor {
  tenantId: string;
  userId: string;
  ip: string | null;
}

export interface AuditEntry {
  tenantId: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

/** Runs inside the caller's transaction, so an audit row exists exactly when the change does. */
export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      actor_id: entry.actorId,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      ip: entry.ip ?? null,
    })
    .execute();
}

/**
 * An audit row per row of `from`, as the body of a data-modifying CTE: a write that makes its
 * change and records it in one statement (`audit as (${auditRowsFrom(...)})`). `entityId`,
 * `after` and `where` are SQL over the rows of `from`; the rest are values.
 */
export function auditRowsFrom(
  from: RawBuilder<unknown>,
  row: {
    tenantId: string;
    actorId: string | null;
    action: string;
    entity: string;
    entityId: RawBuilder<string>;
    after: RawBuilder<unknown>;
    ip: string | null;
  },
  where: RawBuilder<boolean> = sql<boolean>`true`,
): RawBuilder<Record<string, never>> {
  return sql`insert into audit_log (tenant_id, actor_id, action, entity, entity_id, after, ip)
    select ${row.tenantId}::uuid, ${row.actorId}::uuid, ${row.action}, ${row.entity},
      ${row.entityId}, ${row.after}, ${row.ip}
    from ${from}
    where ${where}`;
}

/** Who saw a patient's packages, and where: the audit row of the view. */
export interface PackagesView {
  actorId: string;
  ip: string | null;
  screen: 'package_modal' | 'packages_api' | 'patient_page';
}

/**
 * Opening a patient's packages is audited too, by the statement that reads them: this insert
 * goes into it as a data-modifying CTE (`view_audit`), so a view costs no statement of its own.
 * The row is selected from the tenant's patient, so it is written exactly when the statement
 * finds the patient, and so shows their data.
 *
 * Nor does the view wait for the disk: the same row sets `synchronous_commit` off for the
 * statement's own transaction, so its commit returns before the WAL is flushed. A crash can
 * lose the view rows of the last moments (at most three times `wal_writer_delay`, 600 ms by
 * default), never a change: that is why the statement must not run inside a transaction.
 */
export function withPackagesViewAudit(
  db: Database,
  tenantId: string,
  patientId: string,
  view: PackagesView,
) {
  if (db.isTransaction) {
    throw new Error('A view is audited in a statement of its own, outside any transaction.');
  }
  // Kysely puts a raw CTE body as it is: the parentheses are ours.
  return db.with(
    'view_audit',
    () =>
      sql<Record<string, never>>`(${auditRowsFrom(
        sql`patients`,
        {
          tenantId,
          actorId: view.actorId,
          action: 'patient.packages_viewed',
          entity: 'patient',
          entityId: sql<string>`patients.id`,
          after: sql`jsonb_build_object('screen', ${view.screen}::text)`,
          ip: view.ip,
        },
        sql`patients.tenant_id = ${tenantId} and patients.id = ${patientId}
          and set_config('synchronous_commit', 'off', true) = 'off'`,
      )})`,
  );
}

/** Every action the code records, for the audit page's filter. */
export const AUDIT_ACTIONS = [
  'appointment.book',
  'appointment.cancel',
  'appointment.reschedule',
  'appointment.reverted',
  'appointment.status',
  'calendar_feed.create',
  'calendar_feed.revoke',
  'clinic.create',
  'clinic.update',
  'group_session.cancel',
  'group_session.create',
  'group_session.update',
  'package.assign',
  'package.cancel_remaining',
  'package.create',
  'package.extend',
  'package.payment',
  'package.refund',
  'package.reschedule',
  'package.transfer',
  'package.update',
  'patient.packages_viewed',
  'patient.register',
  'patient.update',
  'provider.create',
  'provider.schedule',
  'provider.time_off.add',
  'provider.time_off.remove',
  'provider.update',
  'service.create',
  'service.update',
  'tenant.create',
  'tenant.update_settings',
  'user.activate',
  'user.create',
  'user.deactivate',
  'user.locale',
  'user.password_change',
  'user.password_reset',
  'user.sign_in',
  'user.sign_in_refused',
  'user.sign_in_unlock',
  'user.update',
] as const;

export const AUDIT_ENTITIES = [
  'appointment',
  'calendar_feed',
  'clinic',
  'group_session',
  'package',
  'package_purchase',
  'patient',
  'provider',
  'service',
  'tenant',
  'time_off',
  'user',
] as const;

export interface AuditFilter {
  action?: string;
  entity?: string;
  actorId?: string;
  entityId?: string;
  /** Tenant-local calendar dates, both included. */
  from?: string;
  to?: string;
  /** Keyset: entries older than the entry with this id (its exact `at`, not a rounded copy). */
  before?: string;
}

export interface AuditEntryRow {
  id: string;
  at: Date;
  action: string;
  entity: string;
  entity_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  /** What the entry is about, by name (a patient's for an appointment); null when gone. */
  entity_name_en: string | null;
  entity_name_ar: string | null;
  /** The patient whose page shows a purchase or appointment. */
  entity_patient_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** One column of the row the entry is about (`x`), in the entry's tenant. */
function ownRow(table: string, column: string) {
  return sql`select ${sql.raw(column)} from ${sql.table(table)} x
    where x.tenant_id = audit_log.tenant_id and x.id = audit_log.entity_id`;
}

/** The name of what an entry is about, so the page shows words instead of an id. */
function entityName(locale: 'en' | 'ar') {
  const name = sql.raw(locale === 'ar' ? 'coalesce(x.name_ar, x.name_en)' : 'x.name_en');
  const named = (table: string) => sql`(select ${name} from ${sql.table(table)} x
    where x.tenant_id = audit_log.tenant_id and x.id = audit_log.entity_id)`;
  return sql<string | null>`case audit_log.entity
    when 'patient' then ${named('patients')}
    when 'package_purchase' then ${named('package_purchases')}
    when 'clinic' then ${named('clinics')}
    when 'service' then ${named('services')}
    when 'provider' then ${named('providers')}
    when 'package' then ${named('packages')}
    when 'user' then (${ownRow('users', 'x.name')})
    when 'appointment' then (select ${name} from appointments a join patients x
      on x.tenant_id = a.tenant_id and x.id = a.patient_id
      where a.tenant_id = audit_log.tenant_id and a.id = audit_log.entity_id)
  end`;
}

/**
 * A page of the tenant's audit log, newest first, by keyset on (at, id) so that every page
 * costs the same; `limit + 1` rows are read to know whether there is an older page.
 */
export async function listAuditEntries(
  db: Database,
  tenant: { id: string; timezone: string },
  filter: AuditFilter,
  limit: number,
): Promise<{ entries: AuditEntryRow[]; hasMore: boolean }> {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', (join) =>
      join
        .onRef('users.tenant_id', '=', 'audit_log.tenant_id')
        .onRef('users.id', '=', 'audit_log.actor_id'),
    )
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.entity',
      'audit_log.entity_id',
      'audit_log.before',
      'audit_log.after',
      'audit_log.ip',
      'users.name as actor_name',
      'users.email as actor_email',
      entityName('en').as('entity_name_en'),
      entityName('ar').as('entity_name_ar'),
      sql<string | null>`case audit_log.entity
        when 'package_purchase' then (${ownRow('package_purchases', 'x.patient_id')})
        when 'appointment' then (${ownRow('appointments', 'x.patient_id')}) end`.as(
        'entity_patient_id',
      ),
    ])
    .where('audit_log.tenant_id', '=', tenant.id);
  if (filter.action) query = query.where('audit_log.action', '=', filter.action);
  if (filter.entity) query = query.where('audit_log.entity', '=', filter.entity);
  if (filter.actorId) query = query.where('audit_log.actor_id', '=', filter.actorId);
  if (filter.entityId) query = query.where('audit_log.entity_id', '=', filter.entityId);
  if (filter.from) {
    query = query.where(
      'audit_log.at',
      '>=',
      sql<Date>`(${filter.from}::date)::timestamp at time zone ${tenant.timezone}`,
    );
  }
  if (filter.to) {
    query = query.where(
      'audit_log.at',
      '<',
      sql<Date>`(${filter.to}::date + 1)::timestamp at time zone ${tenant.timezone}`,
    );
  }
  if (filter.before) {
    query = query.where(
      sql<boolean>`(audit_log.at, audit_log.id) < (
        select cursor.at, cursor.id from audit_log cursor
        where cursor.tenant_id = ${tenant.id} and cursor.id = ${filter.before})`,
    );
  }
  const rows = await query
    .orderBy('audit_log.at', 'desc')
    .orderBy('audit_log.id', 'desc')
    .limit(limit + 1)
    .execute();
  return { entries: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** Who may appear as the actor of an entry: the tenant's users, by name. */
export function listAuditActors(db: Database, tenantId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .orderBy('email')
    .execute();
}
