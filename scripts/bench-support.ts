import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../src/db/client.js';
import { SCALE_FRONT_DESK_EMAIL, SCALE_PASSWORD } from '../src/db/seed/scale.js';
import { addDays, localDate } from '../src/domain/dates.js';

/** What the benches share: the scale data they drive, the server they start, the sign-in. */

/** Bench rows carry this prefix in their idempotency keys, and are removed afterwards. */
export const KEY_PREFIX = 'bench-';

export const SEED_HINT =
  'seed it first, e.g. `npm run seed:scale -- --database-url <url> --patients 100000 ' +
  '--appointments 1000000` (10000 appointments for raseed_scale_10k).';

export interface Fixture {
  tenantId: string;
  timezone: string;
  today: string;
  /** Patients whose packages the read routes show. */
  readers: { patientId: string; purchaseId: string; providerId: string }[];
  /** Other patients, each with their home provider and package: assign and book use them. */
  buyers: {
    patientId: string;
    packageId: string;
    providerId: string;
    clinicId: string;
    minutes: number;
  }[];
  clinicIds: string[];
}

/** The bench's next request: a new path or body each time, so it reads and writes many rows. */
export type NextRequest = (n: number) => { path: string; body?: unknown };

export async function loadFixture(db: Database): Promise<Fixture> {
  const tenant = await db
    .selectFrom('users')
    .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
    .select(['tenants.id', 'tenants.timezone'])
    .where('users.email', '=', SCALE_FRONT_DESK_EMAIL)
    .executeTakeFirst();
  if (!tenant) throw new Error(`No scale data: ${SEED_HINT}`);
  const today = localDate(tenant.timezone, new Date());
  // A patient's home provider and service: those of their latest appointment.
  const { rows } = await sql<{
    patient_id: string;
    purchase_id: string | null;
    package_id: string;
    provider_id: string;
    clinic_id: string;
    minutes: number;
  }>`
    select distinct on (a.patient_id) a.patient_id, a.provider_id, a.clinic_id,
      s.default_duration_minutes as minutes, ps.package_id,
      (select id from package_purchases p where p.tenant_id = a.tenant_id
        and p.patient_id = a.patient_id and p.status = 'ACTIVE'
        and p.sessions_used < p.total_sessions limit 1) as purchase_id
    from appointments a
    join services s on s.tenant_id = a.tenant_id and s.id = a.service_id
    join package_services ps on ps.tenant_id = a.tenant_id and ps.service_id = a.service_id
    where a.tenant_id = ${tenant.id}
      and a.patient_id in
        (select id from patients where tenant_id = ${tenant.id} order by random() limit 4000)
    order by a.patient_id, a.starts_at desc`.execute(db);
  const readers = rows
    .filter((row) => row.purchase_id)
    .map((row) => ({
      patientId: row.patient_id,
      purchaseId: row.purchase_id!,
      providerId: row.provider_id,
    }));
  const buyers = rows
    .filter((row) => !row.purchase_id)
    .map((row) => ({
      patientId: row.patient_id,
      packageId: row.package_id,
      providerId: row.provider_id,
      clinicId: row.clinic_id,
      minutes: row.minutes,
    }));
  if (readers.length === 0 || buyers.length === 0) throw new Error('Too few patients to bench.');
  const clinics = await db
    .selectFrom('clinics')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .execute();
  return {
    tenantId: tenant.id,
    timezone: tenant.timezone,
    today,
    readers,
    buyers,
    clinicIds: clinics.map((c) => c.id),
  };
}

/** A buyer's assignment of their home package, under a bench idempotency key. */
export function assignRequest(f: Fixture, n: number): { path: string; body: unknown } {
  const target = f.buyers[n % f.buyers.length]!;
  return {
    path: '/appointments/api/assign-package/',
    body: {
      patient_id: target.patientId,
      package_id: target.packageId,
      idempotency_key: `${KEY_PREFIX}${randomUUID()}`,
    },
  };
}

/** The purchases a bench's assign run made (assignRequest), with their buyers. */
async function benchPurchases(db: Database, f: Fixture) {
  const { rows } = await sql<{ id: string; patient_id: string }>`
    select id, patient_id from package_purchases
    where tenant_id = ${f.tenantId} and idempotency_key like ${`${KEY_PREFIX}%`}
    order by created_at`.execute(db);
  const buyers = new Map(f.buyers.map((b) => [b.patientId, b]));
  const purchases = rows.map((row) => ({ id: row.id, buyer: buyers.get(row.patient_id)! }));
  if (purchases.length === 0) throw new Error('Assign packages (the assign route) first.');
  return purchases;
}

/**
 * Hours no one holds yet: each provider's own counter walks its working hours beyond the
 * seeded three months (and before the new purchases expire, 180 days), so every booking is a
 * real one. Book and series share one, so they never meet each other's appointments.
 */
export function freeHours(f: Fixture): (providerId: string) => string {
  const dates = workdays(addDays(f.today, 100), 60);
  const used = new Map<string, number>();
  return (providerId) => {
    const slot = used.get(providerId) ?? 0;
    used.set(providerId, slot + 1);
    // A fast run can use up a provider's 60 days of hours: later requests then meet taken
    // slots and show in the table as refusals (409) rather than stop the bench.
    const date = dates[Math.floor(slot / 8) % dates.length]!;
    const hour = String(8 + (slot % 8)).padStart(2, '0');
    return DateTime.fromISO(`${date}T${hour}:00`, { zone: f.timezone }).toISO({
      suppressMilliseconds: true,
    })!;
  };
}

/** One session each on the purchases the assign run made, at free hours. */
export async function bookingRequests(
  db: Database,
  f: Fixture,
  hours: (providerId: string) => string,
): Promise<NextRequest> {
  const purchases = await benchPurchases(db, f);
  return (n) => {
    const { id, buyer } = purchases[n % purchases.length]!;
    return {
      path: '/appointments/api/book/',
      body: {
        patient_id: buyer.patientId,
        appointment_type: 'package',
        package_purchase_id: id,
        clinic_id: buyer.clinicId,
        provider_id: buyer.providerId,
        start: hours(buyer.providerId),
        duration_minutes: buyer.minutes,
        idempotency_key: `${KEY_PREFIX}${randomUUID()}`,
      },
    };
  };
}

/** Sessions a series request books (SPEC §7): fewer than a package's 8, so none runs out. */
const SERIES_SESSIONS = 3;

/** A course of sessions on the purchases the assign run made, at the provider's next free hours. */
export async function seriesRequests(
  db: Database,
  f: Fixture,
  hours: (providerId: string) => string,
): Promise<NextRequest> {
  const purchases = await benchPurchases(db, f);
  return (n) => {
    // Backwards through the purchases, so book (forwards) and series rarely share one.
    const { id, buyer } = purchases[purchases.length - 1 - (n % purchases.length)]!;
    const sessions = Array.from({ length: SERIES_SESSIONS }, () => ({
      provider_id: buyer.providerId,
      start: hours(buyer.providerId),
    }));
    return {
      path: '/appointments/api/series/',
      body: {
        package_purchase_id: id,
        clinic_id: buyer.clinicId,
        duration_minutes: buyer.minutes,
        sessions,
        idempotency_key: `${KEY_PREFIX}${randomUUID()}`,
      },
    };
  };
}

/** A payment of 0.01 on a purchase the assign run made (none is paid in full by a run). */
export async function paymentRequests(db: Database, f: Fixture): Promise<NextRequest> {
  const purchases = await benchPurchases(db, f);
  return (n) => ({
    path: `/appointments/api/purchases/${purchases[n % purchases.length]!.id}/payments/`,
    body: { amount: '0.01', method: 'CASH', idempotency_key: `${KEY_PREFIX}${randomUUID()}` },
  });
}

/** `count` Sunday-to-Thursday dates (the seeded working days) from `first` on. */
export function workdays(first: string, count: number): string[] {
  const dates: string[] = [];
  for (let date = first; dates.length < count; date = addDays(date, 1)) {
    if (new Date(`${date}T00:00:00Z`).getUTCDay() <= 4) dates.push(date);
  }
  return dates;
}

export interface Session {
  cookie: string;
  csrfToken: string;
}

/** Signs a scale user (the front desk unless said) in through the real login form. */
export async function login(origin: string, email = SCALE_FRONT_DESK_EMAIL): Promise<Session> {
  const response = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ email, password: SCALE_PASSWORD }),
  });
  if (response.status !== 303) throw new Error(`Login failed: ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const home = await (await fetch(`${origin}/`, { headers: { cookie } })).text();
  const csrfToken = /name="csrf-token" content="([^"]+)"/.exec(home)?.[1];
  if (!csrfToken) throw new Error('No CSRF token on the home page.');
  return { cookie, csrfToken };
}

/** One line on the database a bench runs on. */
export async function describeDatabase(db: Database, url: string): Promise<string> {
  const { rows } = await sql<{ patients: number; appointments: number; purchases: number }>`
    select (select count(*)::int from patients) as patients,
      (select count(*)::int from appointments) as appointments,
      (select count(*)::int from package_purchases) as purchases`.execute(db);
  const { patients, appointments, purchases } = rows[0]!;
  const name = new URL(url).pathname.slice(1);
  return `${name}: ${patients} patients, ${purchases} purchases, ${appointments} appointments`;
}

/** The rows a bench wrote (an interrupted run leaves them behind); tells a missing database. */
export async function removeBenchRows(db: Database, url: string): Promise<void> {
  const bench = `${KEY_PREFIX}%`;
  try {
    await db.transaction().execute(async (trx) => {
      // The reminders a booking queues (db/messages.ts) go with it.
      await sql`delete from messages where (tenant_id, appointment_id) in
        (select tenant_id, id from appointments where idempotency_key like ${bench})`.execute(trx);
      // Book keys its appointments with the bench's prefix, series with the prefix and `#n`.
      await sql`delete from appointments where idempotency_key like ${bench}`.execute(trx);
      await sql`delete from payments where idempotency_key like ${bench}`.execute(trx);
      await sql`delete from purchase_services where (tenant_id, purchase_id) in
        (select tenant_id, id from package_purchases where idempotency_key like ${bench})`.execute(
        trx,
      );
      await sql`delete from package_purchases where idempotency_key like ${bench}`.execute(trx);
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '3D000' && code !== '42P01') throw error;
    throw new Error(`${new URL(url).pathname.slice(1)} is missing: ${SEED_HINT}`);
  }
}

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0);
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/**
 * scripts/bench-server.ts in a child process: the load generator must not share the server's
 * event loop. `database`: its DATABASE_URL (and LISTEN_DATABASE_URL, DATABASE_POOLER when
 * behind a pooler); `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startServer(
  database: NodeJS.ProcessEnv,
  port: number,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'scripts/bench-server.ts'],
    {
      env: { ...process.env, ...database, PORT: String(port), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The bench server stopped (${code}).`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
  return child;
}

/** Stops a child started here and waits for it to go. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
