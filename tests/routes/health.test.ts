import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session.js';
import { connectPostgres, type Database } from '../../src/db/client.js';
import { createApp } from '../../src/app.js';
import { createTestApp, TestClock, unwiredBus } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * /healthz (the process answers) and /readyz (the database answers, with every migration),
 * outside sign-in: a stale session cookie is neither looked up nor deleted.
 */

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let database: TestDatabase;
let unreachable: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  unreachable = connectPostgres(`postgres://postgres@127.0.0.1:${await closedPort()}/raseed`);
});
afterAll(async () => {
  await unreachable.destroy();
  await database.close();
});

/** A probe that carries a session cookie no database knows: loadSession would delete it. */
async function probe(db: Database, path: '/healthz' | '/readyz') {
  const client = new TestClient(createTestApp(db).app);
  client.cookies.set(SESSION_COOKIE, 'a-stale-session-token');
  const response = await client.request(path);
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('/healthz', () => {
  it('answers 200 without the database, and sets no cookie', async () => {
    expect(await probe(database.db, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe(unreachable, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('/readyz', () => {
  it('answers 200 on a migrated database, and sets no cookie', async () => {
    expect(await probe(database.db, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('answers 503 while the database cannot be reached', async () => {
    expect(await probe(unreachable, '/readyz')).toEqual({
      status: 503,
      body: { status: 'unavailable', reason: 'database_unavailable' },
    });
  });

  it('answers 503 while a migration of this build has not run', async () => {
    const [latest] = await sql<{ name: string; timestamp: string }>`
      select name, timestamp from kysely_migration order by name desc limit 1`
      .execute(database.db)
      .then((result) => result.rows);
    await sql`delete from kysely_migration where name = ${latest!.name}`.execute(database.db);
    try {
      expect(await probe(database.db, '/readyz')).toEqual({
        status: 503,
        body: { status: 'unavailable', reason: 'migrations_pending' },
      });
    } finally {
      await sql`insert into kysely_migration (name, timestamp)
        values (${latest!.name}, ${latest!.timestamp})`.execute(database.db);
    }
  });

  it('answers 503 on a database no migration ran on', async () => {
    await sql`alter table kysely_migration rename to kysely_migration_aside`.execute(database.db);
    try {
      expect((await probe(database.db, '/readyz')).body).toEqual({
        status: 'unavailable',
        reason: 'migrations_pending',
      });
    } finally {
      await sql`alter table kysely_migration_aside rename to kysely_migration`.execute(database.db);
    }
  });

  it('answers 503 once the server is shutting down, the database still fine', async () => {
    const stopping = new AbortController();
    const { db } = database;
    const app = createApp({
      db,
      clock: new TestClock().now,
      bus: unwiredBus,
      stopping: stopping.signal,
    });
    expect((await app.request('/readyz')).status).toBe(200);
    stopping.abort();
    const response = await app.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', reason: 'shutting_down' });
  });
});
