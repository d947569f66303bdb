import { connect } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import { PGLITE_DIR } from '../db/paths.js';
import { databaseSettingsFrom } from '../env.js';

const db = connect({ ...databaseSettingsFrom(process.env), pgliteDir: PGLITE_DIR });
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
} finally {
  await db.destroy();
}
