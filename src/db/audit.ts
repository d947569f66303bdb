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
 * goes into it as a data-modifying CTE (`db.with('view_audit', …)`), so a view costs no statement and
 * no commit of its own. The row is selected from the tenant's patient, so it is written exactly
 * when the statement finds the patient, and so shows their data.
 */
export function auditPackagesView(tenantId: string, patientId: string, view: PackagesView) {
  // Kysely puts a raw CTE body as it is: the parentheses are ours.
  return sql<Record<string, never>>`(${auditRowsFrom(
    sql`patients`,
    {
      tenantId,
      actorId: view.actorId,
      action: 'patient.packages_viewed',
      entity: 'patient',
      entityId: sql<string>`patients.id`,
      after: sql`${JSON.stringify({ screen: view.screen })}::jsonb`,
      ip: view.ip,
    },
    sql`patients.tenant_id = ${tenantId} and patients.id = ${patientId}`,
  )})`;
}

/** Every action the code records, for the audit page's filter. */
export const AUDIT_ACTIONS = [
  'appointment.book',
  'appointment.cancel',
  'appointment.status',
  'package.assign',
  'package.payment',
  'package.refund',
  'patient.packages_viewed',
  'user.locale',
  'user.sign_in',
  'user.sign_in_refused',
  'user.sign_in_unlock',
] as const;

export const AUDIT_ENTITIES = ['appointment', 'package_purchase', 'patient', 'user'] as const;

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
  before: unknown;
  after: unknown;
  ip: string | null;
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
