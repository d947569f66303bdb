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

/**
 * What every test file's database starts from, made once per `vitest run` (globalSetup):
 * migrated ("empty"), and migrated with the demo centre seeded at DEMO_NOW ("demo").
 * On PGlite a data-directory tarball each (a file then boots from it instead of running initdb
 * and the migrations, most of a file's set-up time); on PostgreSQL a template database each.
 */
export type TemplateName = 'empty' | 'demo';

export type DatabaseTemplates =
  | { kind: 'pglite'; files: Record<TemplateName, string> }
  | { kind: 'postgres'; databases: Record<TemplateName, string> };

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplates: DatabaseTemplates;
  }
}

export async function prepareTemplate(db: Database, template: TemplateName): Promise<void> {
  await migrateToLatest(db);
  if (template === 'demo') await seedDemo(db, DEMO_NOW);
}

const TEMPLATES: TemplateName[] = ['empty', 'demo'];

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const folder = mkdtempSync(join(tmpdir(), 'raseed-test-templates-'));
    const files = {} as Record<TemplateName, string>;
    for (const template of TEMPLATES) {
      const { db, pglite } = openPglite(undefined);
      await prepareTemplate(db, template);
      files[template] = join(folder, `${template}.tar`);
      const dump = await pglite.dumpDataDir('none');
      writeFileSync(files[template], Buffer.from(await dump.arrayBuffer()));
      await db.destroy();
    }
    project.provide('databaseTemplates', { kind: 'pglite', files });
    return () => (process.env.KEEP ? undefined : rmSync(folder, { recursive: true, force: true }));
  }

  const prefix = `raseed_template_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const databases = {} as Record<TemplateName, string>;
  const admin = connectPostgres(serverUrl, 1);
  try {
    for (const template of TEMPLATES) {
      const name = `${prefix}_${template}`;
      await sql`create database ${sql.id(name)}`.execute(admin);
      databases[template] = name;
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const db = connectPostgres(url.toString(), 1);
      try {
        await prepareTemplate(db, template);
      } finally {
        await db.destroy();
      }
    }
  } finally {
    await admin.destroy();
  }
  project.provide('databaseTemplates', { kind: 'postgres', databases });
  return async () => {
    const db = connectPostgres(serverUrl, 1);
    try {
      for (const name of Object.values(databases)) {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db);
      }
    } finally {
      await db.destroy();
    }
  };
}
