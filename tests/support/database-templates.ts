import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import { connectPostgres, openPglite, type Database } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { DEMO_NOW } from './demo.js';
import { startPgBouncer } from './pgbouncer.js';

/**
 * What every test file's database starts from, made once per `vitest run` (globalSetup):
 * migrated ("empty"), and migrated with the demo centre seeded at DEMO_NOW ("demo").
 * On PGlite a data-directory tarball each (a file then boots from it instead of running initdb
 * and the migrations, most of a file's set-up time); on PostgreSQL a template database each.
 */
export type TemplateName = 'empty' | 'demo';

export type DatabaseTemplates =
  | { kind: 'pglite'; files: Record<TemplateName, string> }
  | {
      kind: 'postgres';
      databases: Record<TemplateName, string>;
      /**
       * TEST_PGBOUNCER=1: a PgBouncer (transaction mode, 3 server connections a database) in
       * front of the server, e.g. postgres://postgres@127.0.0.1:6432/ — each file's queries
       * go through it, unnamed (DATABASE_POOLER=transaction); its bus LISTENs directly.
       */
      pooler: string | null;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates;
  }
}

export async function prepareTemplate(db: Database, template: TemplateName): Promise<void> {
  await migrateToLatest(db);
  if (template === 'demo') await seedDemo(db, DEMO_NOW);
}

/**
 * Both projects (app, browser) run this setup; the first makes the templates and the second
 * reuses them (they share the main process, not this module), the last teardown removes them.
 */
interface Shared {
  templates: Promise<{ templates: DatabaseTemplates; remove: () => Promise<void> }>;
  users: number;
}
const shared = globalThis as typeof globalThis & { raseedTemplates?: Shared };

export default async function setup(project: TestProject) {
  const entry = (shared.raseedTemplates ??= { templates: makeTemplates(), users: 0 });
  entry.users += 1;
  const { templates, remove } = await entry.templates;
  project.provide('databaseTemplates', templates);
  return async () => {
    entry.users -= 1;
    if (entry.users > 0) return;
    shared.raseedTemplates = undefined;
    await remove();
  };
}

async function makeTemplates() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (process.env.TEST_PGBOUNCER && !serverUrl) {
    throw new Error('TEST_PGBOUNCER needs TEST_DATABASE_URL: the PostgreSQL server behind it.');
  }
  return serverUrl ? makePostgresTemplates(serverUrl) : makePgliteTemplates();
}

/** One initdb: migrate, dump "empty", seed the same database, dump "demo". */
async function makePgliteTemplates() {
  const folder = mkdtempSync(join(tmpdir(), 'raseed-test-templates-'));
  const files: Record<TemplateName, string> = {
    empty: join(folder, 'empty.tar'),
    demo: join(folder, 'demo.tar'),
  };
  const { db, pglite } = openPglite(undefined);
  const dumpTo = async (file: string) =>
    writeFileSync(file, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  try {
    await prepareTemplate(db, 'empty');
    await dumpTo(files.empty);
    await seedDemo(db, DEMO_NOW);
    await dumpTo(files.demo);
  } finally {
    await db.destroy();
  }
  const templates: DatabaseTemplates = { kind: 'pglite', files };
  const remove = () => {
    if (!process.env.KEEP) rmSync(folder, { recursive: true, force: true });
    return Promise.resolve();
  };
  return { templates, remove };
}

/** "empty" migrated once; "demo" copied from it (CREATE DATABASE … TEMPLATE) and seeded. */
async function makePostgresTemplates(serverUrl: string) {
  const prefix = `raseed_template_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const databases: Record<TemplateName, string> = {
    empty: `${prefix}_empty`,
    demo: `${prefix}_demo`,
  };
  const admin = connectPostgres(serverUrl, 1);
  const connectTo = (name: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return connectPostgres(url.toString(), 1);
  };
  try {
    await sql`create database ${sql.id(databases.empty)}`.execute(admin);
    const empty = connectTo(databases.empty);
    try {
      await prepareTemplate(empty, 'empty');
    } finally {
      await empty.destroy();
    }
    await sql`create database ${sql.id(databases.demo)} template ${sql.id(databases.empty)}`.execute(
      admin,
    );
    const demo = connectTo(databases.demo);
    try {
      await seedDemo(demo, DEMO_NOW);
    } finally {
      await demo.destroy();
    }
  } finally {
    await admin.destroy();
  }
  const pgbouncer = process.env.TEST_PGBOUNCER
    ? await startPgBouncer(serverUrl, { poolSize: 3 })
    : undefined;
  const pooler = pgbouncer?.urlOf('') ?? null;
  const templates: DatabaseTemplates = { kind: 'postgres', databases, pooler };
  const remove = async () => {
    await pgbouncer?.stop();
    const db = connectPostgres(serverUrl, 1);
    try {
      for (const name of Object.values(databases)) {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db);
      }
    } finally {
      await db.destroy();
    }
  };
  return { templates, remove };
}
