import { sql, type Kysely } from 'kysely';

/**
 * Reports (SPEC §7) read ranges of a tenant's rows: purchases by purchase date (sales,
 * completion), the active ones by expiry (liability, the expiring worklist), and appointments
 * by start over every clinic and provider (usage, no-shows, utilisation). The appointments'
 * index carries the columns those reports group and filter on, so they read the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index package_purchases_purchase_date_idx
    on package_purchases (tenant_id, purchase_date)`.execute(db);
  await sql`
    create index package_purchases_active_expiry_idx
    on package_purchases (tenant_id, expiry_date) where status = 'ACTIVE'`.execute(db);
  await sql`
    create index appointments_starts_idx on appointments (tenant_id, starts_at)
    include (ends_at, clinic_id, provider_id, status, kind, package_purchase_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index appointments_starts_idx`.execute(db);
  await sql`drop index package_purchases_active_expiry_idx`.execute(db);
  await sql`drop index package_purchases_purchase_date_idx`.execute(db);
}
