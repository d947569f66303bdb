import { connect } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import { PGLITE_DIR } from '../db/paths.js';

const db = connect({ databaseUrl: process.env.DATABASE_URL, pgliteDir: PGLITE_DIR });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
} finally {
  await db.destroy();
}
