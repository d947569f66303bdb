import { sql } from 'kysely';
import type { Database } from '../../src/db/client.js';
import type { DB } from '../../src/db/schema.js';

/** Every table that carries a tenant's rows: all of them but `tenants` (keyed by `id`). */
const TENANT_TABLES = [
  'users',
  'sessions',
  'clinics',
  'services',
  'providers',
  'provider_clinics',
  'provider_schedules',
  'provider_time_off',
  'packages',
  'package_services',
  'patients',
  'package_purchases',
  'purchase_services',
  'group_sessions',
  'appointments',
  'audit_log',
  'form_submissions',
  'patient_mrn_counters',
  'messages',
  'calendar_feeds',
  'payments',
  'invoice_counters',
] as const satisfies readonly Exclude<keyof DB, 'tenants'>[];

/** A new table with a tenant_id belongs above: this fails to compile until it is there. */
type Unsummed = Exclude<keyof DB, 'tenants' | 'login_throttles' | (typeof TENANT_TABLES)[number]>;
const everyTenantTable: [Unsummed] extends [never] ? true : Unsummed = true;
void everyTenantTable;

/**
 * An md5 of each of the tenant's tables (its rows as text, in order): equal before and after
 * a request exactly when the request changed none of the tenant's data.
 */
export async function tenantChecksum(
  db: Database,
  tenantId: string,
): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  const tenant = await sql<{ sum: string }>`
    select md5(t::text) as sum from tenants t where id = ${tenantId}`.execute(db);
  sums.tenants = tenant.rows[0]!.sum;
  for (const table of TENANT_TABLES) {
    const result = await sql<{ sum: string | null; rows: number }>`
      select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum,
             count(*)::int as rows
      from ${sql.table(table)} t where tenant_id = ${tenantId}`.execute(db);
    const { sum, rows } = result.rows[0]!;
    sums[table] = `${rows}:${sum}`;
  }
  return sums;
}
