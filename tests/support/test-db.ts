import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { connectPgliteWithEvents, connectPostgres, type Database } from '../../src/db/client.js';
import { listenPostgres, type EventBus } from '../../src/events/bus.js';
import {
  prepareTemplate,
  type DatabaseTemplates,
  type TemplateName,
} from './database-templates.js';

export interface TestDatabase {
  db: Database;
  /** Listening (ready) when createTestDatabase returns, as a server's bus would be. */
  bus: EventBus;
  kind: 'postgres' | 'pglite';
  /** The database's address on PostgreSQL (null on PGlite), e.g. for a second bus. */
  url: string | null;
  close(): Promise<void>;
}

/** Real PostgreSQL when TEST_DATABASE_URL is set (CI), else the embedded PGlite. */
export const onRealPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * A fresh, migrated database for one test file, copied from the template the global set-up
 * made (support/database-templates.ts): 'empty', or 'demo' with the demo centre seeded at
 * DEMO_NOW. On PostgreSQL a database of its own on the TEST_DATABASE_URL server (dropped on
 * close), so test files can run in parallel.
 */
export async function createTestDatabase(template: TemplateName = 'empty'): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const templates = templatesOfThisRun();
  if (templates?.kind !== 'postgres' && !serverUrl) {
    const tarball = templates && new Blob([readFileSync(templates.files[template])]);
    const { db, bus } = connectPgliteWithEvents(undefined, tarball);
    if (!templates) await prepareTemplate(db, template);
    await bus.ready();
    return {
      db,
      bus,
      kind: 'pglite',
      url: null,
      async close() {
        await bus.close();
        await db.destroy();
      },
    };
  }
  if (!serverUrl)
    throw new Error('The templates are on PostgreSQL but TEST_DATABASE_URL is unset.');
  const name = `raseed_test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const source = templates?.kind === 'postgres' ? templates.databases[template] : undefined;
  await onServer(serverUrl, (admin) =>
    source
      ? sql`create database ${sql.id(name)} template ${sql.id(source)}`.execute(admin)
      : sql`create database ${sql.id(name)}`.execute(admin),
  );
  const url = databaseOn(serverUrl, name);
  const pooler = templates?.kind === 'postgres' ? templates.pooler : null;
  // Behind a transaction pooler as DATABASE_POOLER=transaction runs: unnamed statements.
  const db = pooler
    ? connectPostgres(databaseOn(pooler, name), 20, { pooler: 'transaction' })
    : connectPostgres(url, 20);
  if (!source) await prepareTemplate(db, template);
  // Always on PostgreSQL itself, as LISTEN_DATABASE_URL.
  const bus = listenPostgres(url);
  await bus.ready();
  return {
    db,
    bus,
    kind: 'postgres',
    url,
    async close() {
      await bus.close();
      await db.destroy();
      // The pooler keeps its server connections to the database open: nothing to wait for.
      await onServer(serverUrl, (admin) => dropDatabase(admin, name, { force: Boolean(pooler) }));
    },
  };
}

function databaseOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The templates the global set-up made; none outside Vitest (tests/bench). */
function templatesOfThisRun(): DatabaseTemplates | undefined {
  return process.env.VITEST ? inject('databaseTemplates') : undefined;
}

async function onServer(url: string, run: (admin: Database) => Promise<unknown>): Promise<void> {
  const admin = connectPostgres(url, 1);
  try {
    await run(admin);
  } finally {
    await admin.destroy();
  }
}

/**
 * The pool's connections may still be closing when destroy() returns: wait for them rather
 * than terminate them (which would make them report errors), and force only as a last resort
 * (or at once, when what holds them is a pooler's idle server connections).
 */
async function dropDatabase(
  admin: Database,
  name: string,
  { force }: { force: boolean },
): Promise<void> {
  for (let attempt = 0; attempt < 20 && !force; attempt++) {
    try {
      await sql`drop database if exists ${sql.id(name)}`.execute(admin);
      return;
    } catch (error) {
      const objectInUse = (error as { code?: string }).code === '55006';
      if (!objectInUse) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
}
