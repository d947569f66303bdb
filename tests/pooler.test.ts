import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/db/seed/demo.js';
import { databaseSettingsFrom } from '../src/env.js';
import { createTestApp, TestClock } from './support/app.js';
import { TestClient } from './support/client.js';
import { pgbouncerInstalled, startPgBouncer, type PgBouncer } from './support/pgbouncer.js';
import { answers, exited, freePort } from './support/processes.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from './support/test-db.js';

/**
 * The server behind a transaction pooler, as README's configuration documents it: DATABASE_URL
 * at PgBouncer (transaction mode, 3 server connections), LISTEN_DATABASE_URL at PostgreSQL,
 * DATABASE_POOLER=transaction. Named statements live on the server connection that prepared
 * them, which the pooler hands to whichever transaction comes next: without the setting, a
 * burst of requests fails with `prepared statement "k_…" does not exist` / `already exists`.
 */

describe('DATABASE_POOLER and LISTEN_DATABASE_URL', () => {
  const pooled = {
    DATABASE_URL: 'postgres://app@pgbouncer:6432/raseed',
    LISTEN_DATABASE_URL: 'postgres://app@postgres:5432/raseed',
    DATABASE_POOLER: 'transaction',
  };

  it('are read together, unset on the embedded database', () => {
    expect(databaseSettingsFrom(pooled)).toEqual({
      databaseUrl: pooled.DATABASE_URL,
      listenDatabaseUrl: pooled.LISTEN_DATABASE_URL,
      pooler: 'transaction',
    });
    expect(
      databaseSettingsFrom({ DATABASE_URL: pooled.DATABASE_URL, DATABASE_POOLER: '' }),
    ).toEqual({
      databaseUrl: pooled.DATABASE_URL,
      listenDatabaseUrl: undefined,
      pooler: undefined,
    });
    expect(databaseSettingsFrom({})).toEqual({
      databaseUrl: undefined,
      listenDatabaseUrl: undefined,
      pooler: undefined,
    });
  });

  it('refuse to start when they would misbehave', () => {
    expect(() => databaseSettingsFrom({ ...pooled, DATABASE_POOLER: 'session' })).toThrow(
      'DATABASE_POOLER must be "transaction"',
    );
    // A LISTEN through a transaction pooler hears changes now and then, not always.
    expect(() => databaseSettingsFrom({ ...pooled, LISTEN_DATABASE_URL: undefined })).toThrow(
      'DATABASE_POOLER=transaction needs LISTEN_DATABASE_URL',
    );
    expect(() => databaseSettingsFrom({ ...pooled, DATABASE_URL: undefined })).toThrow(
      'need DATABASE_URL',
    );
  });
});

/** Requests at once: far more than the pool's 10 connections and the pooler's 3. */
const BURST = 200;

describe.skipIf(!onRealPostgres || !pgbouncerInstalled())(
  'the server behind PgBouncer in transaction mode (3 server connections)',
  () => {
    let database: TestDatabase;
    let pgbouncer: PgBouncer;
    let cookie: string;
    let patients: string[];

    beforeAll(async () => {
      database = await createTestDatabase('demo');
      pgbouncer = await startPgBouncer(database.url!, { poolSize: 3 });
      // Sessions live in the database: one made here (on the servers' clock) is good on them.
      const desk = new TestClient(createTestApp(database.db, new TestClock(new Date())).app);
      await desk.login('frontdesk@demo.test', DEMO_PASSWORD);
      cookie = [...desk.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const rows = await database.db
        .selectFrom('patients')
        .innerJoin('tenants', 'tenants.id', 'patients.tenant_id')
        .select('patients.id')
        .where('tenants.name', '=', 'Demo Therapy Centre')
        .execute();
      patients = rows.map((row) => row.id);
    });
    afterAll(async () => {
      await pgbouncer?.stop();
      await database?.close();
    });

    /** A patient's packages (the booking modal's hot read), BURST times at once: the statuses. */
    async function burst(origin: string): Promise<number[]> {
      return Promise.all(
        Array.from({ length: BURST }, async (_, n) => {
          const patient = patients[n % patients.length]!;
          const path = `/appointments/api/packages-for-patient/?patient=${patient}`;
          const response = await fetch(`${origin}${path}`, { headers: { cookie } });
          await response.arrayBuffer();
          return response.status;
        }),
      );
    }

    it('with DATABASE_POOLER=transaction: every request of a burst is answered', async () => {
      const server = await startServer({
        DATABASE_URL: pgbouncer.urlOf(databaseName()),
        LISTEN_DATABASE_URL: database.url!,
        DATABASE_POOLER: 'transaction',
      });
      try {
        expect(server.output()).toContain('through a transaction pooler');
        const statuses = await burst(server.origin);
        expect(tally(statuses)).toEqual({ 200: BURST });
        expect(server.output()).not.toContain('prepared statement');
      } finally {
        await server.stop();
      }
    });

    it('without it (named statements): the same burst fails on prepared statements', async () => {
      const server = await startServer({
        DATABASE_URL: pgbouncer.urlOf(databaseName()),
        LISTEN_DATABASE_URL: database.url!,
      });
      try {
        const statuses = await burst(server.origin);
        expect(statuses.filter((status) => status >= 500).length).toBeGreaterThan(0);
        expect(server.output()).toMatch(
          /prepared statement "k_[\w-]+" (does not exist|already exists)/,
        );
      } finally {
        await server.stop();
      }
    });

    function databaseName(): string {
      return new URL(database.url!).pathname.slice(1);
    }
  },
);

/** How many of each status, e.g. { 200: 180, 500: 20 }. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** src/server.ts in a process of its own, with these database settings; serving once it returns. */
async function startServer(settings: NodeJS.ProcessEnv) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  delete env.DATABASE_URL;
  delete env.LISTEN_DATABASE_URL;
  delete env.DATABASE_POOLER;
  Object.assign(env, settings);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited(child);
  };
  try {
    await expect
      .poll(() => (child.exitCode === null ? answers(`${origin}/login`) : `exited:\n${output}`), {
        timeout: 90_000,
        interval: 250,
      })
      .toBe(true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, output: () => output, stop };
}
