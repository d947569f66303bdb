import { parseArgs } from 'node:util';
import { connect } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import { PGLITE_DIR } from '../db/paths.js';
import { databaseSettingsFrom } from '../env.js';
import { createTenantWithAdmin } from '../services/tenants.js';

// `npm run tenant:create -- --name … --timezone … --currency … --admin-email … --admin-password …`:
// a new, empty centre with one administrator, in the database the server uses (DATABASE_URL,
// else the embedded PGlite under ./data/pglite).
const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    timezone: { type: 'string' },
    currency: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-password': { type: 'string' },
    'admin-name': { type: 'string' },
  },
});

const required = ['name', 'timezone', 'currency', 'admin-email', 'admin-password'] as const;
const missing = required.filter((option) => !values[option]);
if (missing.length > 0) {
  console.error(`Missing: ${missing.map((option) => `--${option}`).join(', ')}`);
  process.exit(2);
}

const db = connect({ ...databaseSettingsFrom(process.env), pgliteDir: PGLITE_DIR });
try {
  await migrateToLatest(db);
  const { tenantId } = await createTenantWithAdmin(db, {
    name: values.name!,
    timezone: values.timezone!,
    currency: values.currency!,
    adminEmail: values['admin-email']!,
    adminPassword: values['admin-password']!,
    adminName: values['admin-name'],
  });
  console.log(
    `Centre "${values.name}" created (${tenantId}); sign in as ${values['admin-email']}.`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
