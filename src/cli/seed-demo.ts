import { connect } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import { PGLITE_DIR } from '../db/paths.js';
import { databaseSettingsFrom } from '../env.js';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from '../db/seed/demo.js';

// `npm run seed:demo`: the database the server uses (DATABASE_URL, reached directly through
// LISTEN_DATABASE_URL when that is set; else the embedded PGlite under ./data/pglite),
// migrated, then the demo data of SPEC §5 unless it is already there.
const db = connect({ ...databaseSettingsFrom(process.env), pgliteDir: PGLITE_DIR });
try {
  await migrateToLatest(db);
  const { seeded } = await seedDemo(db, new Date());
  console.log(seeded ? 'Demo data loaded.' : 'Demo data already present; nothing changed.');
  console.log(`Logins (password "${DEMO_PASSWORD}"):`);
  for (const { email, role } of DEMO_LOGINS) console.log(`  ${email.padEnd(24)}${role}`);
} finally {
  await db.destroy();
}
