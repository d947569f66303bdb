import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { connect, connectWithEvents } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { PGLITE_DIR } from './db/paths.js';
import { databaseSettingsFrom, trustedProxiesFrom } from './env.js';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './db/seed/demo.js';
import { channelsFromEnv } from './messages/server-channels.js';
import { createMessageWorker } from './messages/worker.js';

const port = Number(process.env.PORT ?? 3000);
const database = databaseSettingsFrom(process.env);
const { databaseUrl } = database;
const trustedProxies = trustedProxiesFrom(process.env.TRUST_PROXY);

const { db, bus } = connectWithEvents({ ...database, pgliteDir: PGLITE_DIR });
if (database.listenDatabaseUrl) {
  // DDL and the migrator's lock on PostgreSQL itself, on a connection of their own.
  const direct = connect(database);
  await migrateToLatest(direct).finally(() => direct.destroy());
} else {
  await migrateToLatest(db);
}
if (!databaseUrl) {
  // The embedded database is for trying Raseed out: it always has the demo centre.
  const { seeded } = await seedDemo(db, new Date());
  console.log(seeded ? 'Demo data loaded.' : 'Demo data already present.');
}

const clock = () => new Date();
const stopping = new AbortController();
const app = createApp({ db, clock, bus, trustedProxies, stopping: stopping.signal });
// Every instance delivers the outbox; the claim keeps them from sending a message twice.
const worker = createMessageWorker({ db, clock, channels: channelsFromEnv(process.env) });
worker.start();
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Raseed is listening on http://localhost:${info.port}`);
  console.log(
    databaseUrl
      ? `Database: PostgreSQL (DATABASE_URL${database.pooler ? ', through a transaction pooler' : ''})`
      : `Database: PGlite in ${PGLITE_DIR}`,
  );
  if (!databaseUrl) {
    console.log(`Demo logins (password "${DEMO_PASSWORD}"):`);
    for (const login of DEMO_LOGINS) console.log(`  ${login.email.padEnd(22)} ${login.role}`);
  }
});

/** How long requests in flight may take to finish once the server is asked to stop. */
const DRAIN_MS = 10_000;

/**
 * Stops accepting connections, ends the event streams, lets the requests in flight finish
 * (for DRAIN_MS at most, then cuts what is left), and resolves once no connection is left.
 */
function drain(): Promise<void> {
  const http = server as Server;
  return new Promise((resolve) => {
    // A keep-alive connection would otherwise stay open until it times out (5 s): close each
    // one as soon as it has no request in flight.
    const idle = setInterval(() => http.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      console.warn(`Requests still running after ${DRAIN_MS} ms: closing their connections.`);
      http.closeAllConnections();
    }, DRAIN_MS);
    http.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve();
    });
    stopping.abort();
  });
}

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${signal}: finishing the requests in flight, then stopping.`);
  await drain();
  // PGlite writes its files on close: wait for it before leaving. The worker and the bus use
  // the database, so they go first.
  await worker
    .stop()
    .catch((error: unknown) => console.error('Stopping the message worker:', error));
  await bus.close().catch((error: unknown) => console.error('Closing the event bus:', error));
  await db.destroy().catch((error: unknown) => console.error('Closing the database:', error));
  process.exit(0);
}
process.once('SIGINT', (signal) => void shutdown(signal));
process.once('SIGTERM', (signal) => void shutdown(signal));
