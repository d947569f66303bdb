import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.js';
import type { Database } from '../../src/db/client.js';
import {
  SCALE_FRONT_DESK_EMAIL,
  SCALE_PASSWORD,
  scalePlan,
  seedScale,
  type ScaleCounts,
} from '../../src/db/seed/scale.js';
import { addDays } from '../../src/domain/dates.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const NOW = new Date('2026-11-25T09:00:00Z');
const TODAY = '2026-11-25';
const SIZE = { patients: 300, appointments: 3000 };

let testDb: TestDatabase;
let db: Database;
let counts: ScaleCounts;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  counts = await seedScale(db, { ...SIZE, now: NOW });
});

afterAll(async () => {
  await testDb?.close();
});

async function count(query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const { rows } = await query.execute(db);
  return rows[0]!.n;
}

describe('seedScale', () => {
  it('loads the asked number of patients and appointments', async () => {
    expect(counts).toMatchObject({ ...SIZE, tenants: 1, providers: 6 });
    expect(await count(sql`select count(*)::int as n from patients`)).toBe(SIZE.patients);
    expect(await count(sql`select count(*)::int as n from appointments`)).toBe(SIZE.appointments);
    expect(await count(sql`select count(*)::int as n from package_purchases`)).toBe(
      counts.purchases,
    );
  });

  it('keeps sessions_used equal to the appointments that consume a session', async () => {
    const mismatched = sql<{ n: number }>`
      select count(*)::int as n from package_purchases p
      join purchase_services ps on ps.tenant_id = p.tenant_id and ps.purchase_id = p.id
      where p.sessions_used <> ps.sessions_used or p.sessions_used <> (
        select count(*) from appointments a
        where a.tenant_id = p.tenant_id and a.package_purchase_id = p.id
          and a.status <> 'CANCELLED')`;
    expect(await count(mismatched)).toBe(0);
    // Session numbers run 1…sessions_used with no gap.
    const gaps = sql<{ n: number }>`
      select count(*)::int as n from package_purchases p
      where p.sessions_used <> coalesce((select max(session_number_in_package)
        from appointments a where a.tenant_id = p.tenant_id and a.package_purchase_id = p.id), 0)`;
    expect(await count(gaps)).toBe(0);
  });

  it('has purchases at every stage, each status matching its sessions and dates', async () => {
    const { rows } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from package_purchases group by status`.execute(db);
    expect(rows.map((row) => row.status).sort()).toEqual(['ACTIVE', 'COMPLETED', 'EXPIRED']);
    const wrong = sql<{ n: number }>`
      select count(*)::int as n from package_purchases where status <> case
        when sessions_used = total_sessions then 'COMPLETED'
        when expiry_date < ${TODAY}::date then 'EXPIRED' else 'ACTIVE' end`;
    expect(await count(wrong)).toBe(0);
  });

  it('spreads appointments from two years back to three months ahead, in working hours', async () => {
    const { rows } = await sql<{ first: Date; last: Date }>`
      select min(starts_at) as first, max(starts_at) as last from appointments`.execute(db);
    expect(rows[0]!.first.toISOString().slice(0, 10) >= addDays(TODAY, -730)).toBe(true);
    expect(rows[0]!.last.toISOString().slice(0, 10) <= addDays(TODAY, 90)).toBe(true);
    const outside = sql<{ n: number }>`
      select count(*)::int as n from appointments a
      join tenants t on t.id = a.tenant_id
      where not exists (select 1 from provider_schedules s
        where s.tenant_id = a.tenant_id and s.provider_id = a.provider_id
          and s.weekday = extract(dow from a.starts_at at time zone t.timezone)
          and (a.starts_at at time zone t.timezone)::time >= s.start_time
          and (a.ends_at at time zone t.timezone)::time <= s.end_time)`;
    expect(await count(outside)).toBe(0);
    const futureDone = sql<{ n: number }>`
      select count(*)::int as n from appointments
      where starts_at > ${NOW} and status in ('COMPLETED', 'NO_SHOW', 'LATE_CANCELLED')`;
    expect(await count(futureDone)).toBe(0);
  });

  it('books no provider and no patient twice at once', async () => {
    const overlaps = sql<{ n: number }>`
      select count(*)::int as n from appointments a join appointments b
        on b.tenant_id = a.tenant_id and b.id > a.id
        and (b.provider_id = a.provider_id or b.patient_id = a.patient_id)
        and b.starts_at < a.ends_at and b.ends_at > a.starts_at`;
    expect(await count(overlaps)).toBe(0);
  });

  it('lets the front desk sign in with the scale password', async () => {
    const user = await db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', SCALE_FRONT_DESK_EMAIL)
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(user.password_hash, SCALE_PASSWORD)).toBe(true);
  });

  it('empties the database before refilling it', async () => {
    const again = await seedScale(db, { ...SIZE, now: NOW });
    expect(again.appointments).toBe(SIZE.appointments);
    expect(await count(sql`select count(*)::int as n from tenants`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from appointments`)).toBe(SIZE.appointments);
  });
});

describe('scalePlan', () => {
  it('grows providers with appointments, tenants with patients', () => {
    expect(scalePlan(100_000, 1_000_000)).toEqual({ tenants: 4, providers: 355 });
    expect(scalePlan(2_000, 1_000)).toEqual({ tenants: 2, providers: 12 });
  });

  it('refuses fewer patients than providers, and fractions', () => {
    expect(() => scalePlan(5, 100)).toThrow('at least 6 patients');
    expect(() => scalePlan(100.5, 100)).toThrow('whole numbers');
  });
});
