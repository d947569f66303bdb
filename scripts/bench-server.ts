import cluster from 'node:cluster';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { createApp } from '../src/app.js';
import { connectWithEvents } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { databaseSettingsFrom } from '../src/env.js';

// The server `npm run bench` measures, in a process of its own: the app as src/server.ts
// serves it (migrated, same pool), plus the floor route the bench compares against (never
// in the app). With BENCH_WORKERS=N, N such processes share the port through node:cluster,
// as `npm run start:cluster` runs src/server.ts; "listening" is printed once all of them are.
const workers = Number(process.env.BENCH_WORKERS ?? 1);
const port = Number(process.env.PORT);

if (workers > 1 && cluster.isPrimary) {
  let listening = 0;
  for (let index = 0; index < workers; index++) {
    cluster.fork().once('listening', () => {
      listening += 1;
      if (listening === workers) console.log(`listening on ${port} with ${workers} workers`);
    });
  }
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  });
} else {
  await serveApp();
}

async function serveApp() {
  const database = databaseSettingsFrom(process.env);
  if (!database.databaseUrl) throw new Error('DATABASE_URL is required.');
  // DATABASE_POOLER=transaction (with LISTEN_DATABASE_URL): unnamed statements, as behind PgBouncer.
  const { db, bus } = connectWithEvents(database);
  await migrateToLatest(db);
  const app = new Hono();
  app.get('/bench/floor', async (c) => {
    await sql`select 1`.execute(db);
    return c.text('ok');
  });
  app.route('/', createApp({ db, clock: () => new Date(), bus }));

  const server = serve({ fetch: app.fetch, port }, (info) => {
    if (cluster.isPrimary) console.log(`listening on ${info.port}`);
  });
  // Requests still running when the bench moves on (a slow report) finish before the pool goes.
  process.once('SIGTERM', () => {
    server.close(() => {
      void bus
        .close()
        .then(() => db.destroy())
        .finally(() => process.exit(0));
    });
  });
}
