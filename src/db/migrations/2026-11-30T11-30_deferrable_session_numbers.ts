import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One live appointment per (purchase, session number), as before, but checked at the end of
  // each statement instead of row by row: renumbering a purchase's future sessions in date
  // order (SPEC §1.9) permutes their numbers in one update. A partial unique index cannot be
  // deferred; an exclusion constraint with the same condition can.
  await sql`drop index appointments_purchase_session_number_key`.execute(db);
  await sql`
    alter table appointments add constraint appointments_purchase_session_number_key
    exclude using btree (
      tenant_id with =, package_purchase_id with =, session_number_in_package with =
    ) where (package_purchase_id is not null and status <> 'CANCELLED')
    deferrable initially immediate`.execute(db);

  // A transfer's new purchase points to the one its sessions came from (SPEC §7).
  await sql`
    alter table package_purchases add column transferred_from uuid,
    add foreign key (tenant_id, transferred_from) references package_purchases (tenant_id, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table package_purchases drop column transferred_from`.execute(db);
  await sql`
    alter table appointments drop constraint appointments_purchase_session_number_key`.execute(db);
  await sql`
    create unique index appointments_purchase_session_number_key
    on appointments (tenant_id, package_purchase_id, session_number_in_package)
    where package_purchase_id is not null and status <> 'CANCELLED'`.execute(db);
}
