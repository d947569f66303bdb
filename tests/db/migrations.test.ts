import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, NO_MIGRATIONS, sql, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPglite, connectPostgres, type Database } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/**
 * The migrations, run on an empty database (not the harness's, which arrives migrated):
 * an in-memory PGlite, or a database of its own on the TEST_DATABASE_URL server.
 */

const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

/** Every table of SPEC §3. */
const SPEC_TABLES = [
  'tenants',
  'users',
  'sessions',
  'patients',
  'clinics',
  'services',
  'providers',
  'provider_clinics',
  'provider_schedules',
  'provider_time_off',
  'packages',
  'package_services',
  'package_purchases',
  'purchase_services',
  'group_sessions',
  'appointments',
  'audit_log',
  'payments', // SPEC §7: payments and refunds are rows of their own
];
/** Bookkeeping of the app beyond the SPEC's model: MRN and invoice counters, the tokens of submitted create forms, the outbox of messages and the calendar feeds. */
const APP_TABLES = [
  'form_submissions',
  'invoice_counters',
  'patient_mrn_counters',
  'messages',
  'calendar_feeds',
];
/** The app's tables with a uuid `id` of their own. */
const APP_TABLES_WITH_ID = ['messages', 'calendar_feeds'];
const KYSELY_TABLES = ['kysely_migration', 'kysely_migration_lock'];
/** Tables outside any tenant: failed sign-ins come before a tenant is known. */
const GLOBAL_TABLES = ['login_throttles'];

async function createEmptyDatabase(): Promise<{ db: Database; close(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = connectPglite();
    return { db, close: () => db.destroy() };
  }
  const name = `raseed_migrations_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await onServer(serverUrl, (admin) => sql`create database ${sql.id(name)}`.execute(admin));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = connectPostgres(url.toString(), 2);
  return {
    db,
    async close() {
      await db.destroy();
      await onServer(serverUrl, (admin) =>
        sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin),
      );
    },
  };
}

async function onServer(url: string, run: (admin: Database) => Promise<unknown>): Promise<void> {
  const admin = connectPostgres(url, 1);
  try {
    await run(admin);
  } finally {
    await admin.destroy();
  }
}

/** Migration names as files in src/db/migrations: the name is the file name without '.ts'. */
async function migrationFiles(): Promise<string[]> {
  const files = await readdir(MIGRATIONS_DIR);
  return files.filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3));
}

async function tablesIn(db: Database): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  return rows.map((row) => row.table_name);
}

let empty: Awaited<ReturnType<typeof createEmptyDatabase>>;
let db: Database;
let firstRun: string[];

beforeAll(async () => {
  empty = await createEmptyDatabase();
  db = empty.db;
  firstRun = await migrateToLatest(db);
});

afterAll(async () => {
  await empty?.close();
});

describe('migrateToLatest', () => {
  it('applies every migration file, in name order, on an empty database', async () => {
    const files = await migrationFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(firstRun).toEqual([...files].sort());
    expect(firstRun).toEqual([...firstRun].sort());
  });

  it('records what it applied, in order', async () => {
    const { rows } = await sql<{ name: string }>`
      select name from kysely_migration order by timestamp, name`.execute(db);
    expect(rows.map((row) => row.name)).toEqual(firstRun);
  });

  it('applies nothing on a second run', async () => {
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await tablesIn(db)).toEqual(
      [...SPEC_TABLES, ...APP_TABLES, ...GLOBAL_TABLES, ...KYSELY_TABLES].sort(),
    );
  });

  it('installs btree_gist and pg_trgm', async () => {
    const { rows } = await sql<{ extname: string }>`
      select extname from pg_extension where extname in ('btree_gist', 'pg_trgm')
      order by extname`.execute(db);
    expect(rows.map((row) => row.extname)).toEqual(['btree_gist', 'pg_trgm']);
  });
});

describe('the migrated schema', () => {
  it('has exactly the tables of SPEC §3 (and the app’s bookkeeping, the sign-in throttle, Kysely’s)', async () => {
    expect(await tablesIn(db)).toEqual(
      [...SPEC_TABLES, ...APP_TABLES, ...GLOBAL_TABLES, ...KYSELY_TABLES].sort(),
    );
  });

  it('gives every tenant-owned table a non-null uuid tenant_id', async () => {
    const { rows } = await sql<{ table_name: string; data_type: string; is_nullable: string }>`
      select table_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and column_name = 'tenant_id'
      order by table_name`.execute(db);
    const tenantOwned = [...SPEC_TABLES, ...APP_TABLES].filter((t) => t !== 'tenants').sort();
    expect(rows.map((row) => row.table_name)).toEqual(tenantOwned);
    for (const row of rows) {
      expect([row.table_name, row.data_type, row.is_nullable]).toEqual([
        row.table_name,
        'uuid',
        'NO',
      ]);
    }
  });

  it('points every foreign key into another tenant-owned table through tenant_id', async () => {
    const { rows } = await sql<{ name: string; referenced: string; columns: string; keys: string }>`
      select c.conname as name, c.confrelid::regclass::text as referenced,
        (select string_agg(a.attname, ',' order by k.ord)
         from unnest(c.conkey) with ordinality as k (attnum, ord)
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns,
        (select string_agg(a.attname, ',' order by k.ord)
         from unnest(c.confkey) with ordinality as k (attnum, ord)
         join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum) as keys
      from pg_constraint c
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
      order by c.conname`.execute(db);
    expect(rows.length).toBeGreaterThan(20);
    for (const fk of rows) {
      const shape = `${fk.name}: (${fk.columns}) -> ${fk.referenced} (${fk.keys})`;
      if (fk.referenced === 'tenants') {
        expect(shape).toBe(`${fk.name}: (tenant_id) -> tenants (id)`);
      } else {
        // (tenant_id, x[, y]) -> (tenant_id, id[, y]): the key always leads with the tenant.
        expect(fk.columns.split(',')[0], shape).toBe('tenant_id');
        expect(fk.keys.split(',').slice(0, 2).join(','), shape).toBe('tenant_id,id');
      }
    }
  });

  it('keys rows by uuid ids, and sessions by the hash of their token', async () => {
    const { rows } = await sql<{ table_name: string; data_type: string }>`
      select table_name, data_type from information_schema.columns
      where table_schema = 'public' and column_name = 'id' and table_name not like 'kysely%'
      order by table_name`.execute(db);
    const idTypes = Object.fromEntries(rows.map((row) => [row.table_name, row.data_type]));
    const withId = SPEC_TABLES.filter(
      (table) => !['provider_clinics', 'package_services', 'purchase_services'].includes(table),
    );
    expect(Object.keys(idTypes).sort()).toEqual([...withId, ...APP_TABLES_WITH_ID].sort());
    for (const table of [...withId, ...APP_TABLES_WITH_ID]) {
      expect([table, idTypes[table]]).toEqual([table, table === 'sessions' ? 'text' : 'uuid']);
    }
  });

  it('keeps money as numeric(12,2) and has no floating-point column', async () => {
    const { rows } = await sql<{
      table_name: string;
      data_type: string;
      numeric_precision: number | null;
      numeric_scale: number | null;
    }>`
      select table_name || '.' || column_name as table_name, data_type, numeric_precision,
        numeric_scale
      from information_schema.columns
      where table_schema = 'public'
        and (column_name in ('price', 'discount', 'amount_paid', 'amount', 'vat_amount')
          or data_type in ('real', 'double precision', 'money'))
      order by 1`.execute(db);
    expect(rows).toEqual(
      [
        'package_purchases.amount_paid',
        'package_purchases.discount',
        'package_purchases.price',
        'packages.price',
        'payments.amount',
        'payments.vat_amount',
        'services.price',
      ].map((table_name) => ({
        table_name,
        data_type: 'numeric',
        numeric_precision: 12,
        numeric_scale: 2,
      })),
    );
  });

  it('stores appointment and group-session times as timestamptz', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' and column_name in ('starts_at', 'ends_at')
      order by table_name, column_name`.execute(db);
    expect(rows.length).toBe(6);
    for (const row of rows) expect(row.data_type).toBe('timestamp with time zone');
  });
});

describe('down migrations', () => {
  it('undo everything, and migrateToLatest rebuilds the same schema', async () => {
    const names = await migrationFiles();
    const modules: Record<string, Migration> = {};
    for (const name of names) {
      modules[name] = (await import(
        pathToFileURL(`${MIGRATIONS_DIR}${name}.ts`).href
      )) as Migration;
    }
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(modules) },
    });

    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    expect(down.results?.map((result) => result.migrationName)).toEqual(
      [...names].sort().reverse(),
    );
    expect(await tablesIn(db)).toEqual(KYSELY_TABLES);

    expect(await migrateToLatest(db)).toEqual(firstRun);
    expect(await tablesIn(db)).toEqual(
      [...SPEC_TABLES, ...APP_TABLES, ...GLOBAL_TABLES, ...KYSELY_TABLES].sort(),
    );
  });
});
