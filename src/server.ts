import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { connectWithEvents } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { PGLITE_DIR } from './db/paths.js';
import { trustedProxiesFrom } from './env.js';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './db/seed/demo.js';

const port = Number(process.env.PORT ?? 3000);
const databaseUrl = process.env.DATABASE_URL;
const trustedProxies = trustedProxiesFrom(process.env.TRUST_PROXY);

const { db, bus } = connectWithEvents({ databaseUrl, pgliteDir: PGLITE_DIR });
await migrateToLatest(db);
if (!databaseUrl) {
  // The embedded database is for trying Raseed out: it always has the demo centre.
  const { seeded } = await seedDemo(db, new Date());
  console.log(seeded ? 'Demo data loaded.' : 'Demo data already present.');
}

const app = createApp({ db, clock: () => new Date(), bus, trustedProxies });
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Raseed is listening on http://localhost:${info.port}`);
  console.log(
    databaseUrl ? 'Database: PostgreSQL (DATABASE_URL)' : `Database: PGlite in ${PGLITE_DIR}`,
  );
  if (!databaseUrl) {
    console.log(`Demo logins (password "${DEMO_PASSWORD}"):`);
    for (const login of DEMO_LOGINS) console.log(`  ${login.email.padEnd(22)} ${login.role}`);
  }
});

function shutdown() {
  server.close();
  // PGlite writes its files on close: wait for it before leaving. The bus listens on the
  // database, so it goes first.
  void bus
    .close()
    .then(() => db.destroy())
    .finally(() => process.exit(0));
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
