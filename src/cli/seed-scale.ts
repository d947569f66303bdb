import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { connectPostgres } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import { SCALE_FRONT_DESK_EMAIL, SCALE_PASSWORD, seedScale } from '../db/seed/scale.js';

// `npm run seed:scale -- --patients 100000 --appointments 1000000 [--database-url …]`:
// creates the database when missing, migrates it, empties it and fills it at that size.
const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    patients: { type: 'string', default: '100000' },
    appointments: { type: 'string', default: '1000000' },
  },
});
const databaseUrl =
  values['database-url'] ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/raseed_scale';

await createDatabaseIfMissing(databaseUrl);
const db = connectPostgres(databaseUrl, 2);
try {
  const started = performance.now();
  await migrateToLatest(db);
  console.log(`Seeding ${new URL(databaseUrl).pathname.slice(1)}:`);
  const counts = await seedScale(
    db,
    {
      patients: Number(values.patients),
      appointments: Number(values.appointments),
      now: new Date(),
    },
    console.log,
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Done in ${seconds} s: ${counts.tenants} tenants, ${counts.providers} providers, ` +
      `${counts.patients} patients, ${counts.purchases} purchases, ${counts.appointments} appointments.`,
  );
  console.log(`Sign in as ${SCALE_FRONT_DESK_EMAIL} / ${SCALE_PASSWORD}.`);
} finally {
  await db.destroy();
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const serverUrl = new URL(url);
  serverUrl.pathname = '/postgres';
  const admin = connectPostgres(serverUrl.toString(), 1);
  try {
    const { rows } = await sql`select 1 from pg_database where datname = ${name}`.execute(admin);
    if (rows.length === 0) await sql`create database ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
}
