import { sql, type Kysely } from 'kysely';

/**
 * A number that moves whenever a centre's catalogue (packages, their services, the services'
 * and clinics' names) changes, by triggers, so no writer can forget it. The package modal's
 * statement reads it with the data (db/patient-packages.ts): an instance that holds the
 * catalogue of that version (db/catalogue-cache.ts) is not sent it again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tenants add column catalogue_version integer not null default 1`.execute(
    db,
  );
  await sql`
    create function bump_catalogue_version() returns trigger
    language plpgsql as $$
    begin
      update tenants set catalogue_version = catalogue_version + 1
      where id = case when tg_op = 'DELETE' then old.tenant_id else new.tenant_id end;
      return null;
    end
    $$`.execute(db);
  for (const table of ['packages', 'package_services', 'services', 'clinics']) {
    await sql`
      create trigger ${sql.raw(`${table}_catalogue_version`)}
      after insert or update or delete on ${sql.table(table)}
      for each row execute function bump_catalogue_version()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['packages', 'package_services', 'services', 'clinics']) {
    await sql`drop trigger ${sql.raw(`${table}_catalogue_version`)} on ${sql.table(table)}`.execute(
      db,
    );
  }
  await sql`drop function bump_catalogue_version()`.execute(db);
  await sql`alter table tenants drop column catalogue_version`.execute(db);
}
