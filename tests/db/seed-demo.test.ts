import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.js';
import type { Database } from '../../src/db/client.js';
import { toHalalas } from '../../src/domain/money.js';
import { DEMO_LOGINS, DEMO_PASSWORD, DEMO_TENANT_NAME, seedDemo } from '../../src/db/seed/demo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const OTHER_TENANT_NAME = 'Other Clinic';
const RIYADH = 'Asia/Riyadh';

const SEEDED_TABLES = [
  'tenants',
  'users',
  'clinics',
  'services',
  'providers',
  'provider_clinics',
  'provider_schedules',
  'packages',
  'package_services',
  'patients',
  'package_purchases',
  'purchase_services',
  'appointments',
  'payments',
  'invoice_counters',
] as const;

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});

afterAll(async () => {
  await testDb?.close();
});

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEEDED_TABLES) {
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

async function tenantId(name: string): Promise<string> {
  const row = await db
    .selectFrom('tenants')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function patientByName(name: string) {
  return db
    .selectFrom('patients')
    .selectAll()
    .where('tenant_id', '=', await tenantId(DEMO_TENANT_NAME))
    .where('name_en', '=', name)
    .executeTakeFirstOrThrow();
}

/** The demo centre's purchases, grouped by patient. */
async function demoPurchasesByPatient() {
  const purchases = await db
    .selectFrom('package_purchases')
    .selectAll()
    .where('tenant_id', '=', await tenantId(DEMO_TENANT_NAME))
    .orderBy('purchase_date')
    .execute();
  const byPatient = new Map<string, typeof purchases>();
  for (const purchase of purchases) {
    byPatient.set(purchase.patient_id, [...(byPatient.get(purchase.patient_id) ?? []), purchase]);
  }
  return [...byPatient.values()];
}

function appointmentsOf(purchaseId: string) {
  return db
    .selectFrom('appointments')
    .innerJoin('services', (join) =>
      join
        .onRef('services.tenant_id', '=', 'appointments.tenant_id')
        .onRef('services.id', '=', 'appointments.service_id'),
    )
    .innerJoin('clinics', (join) =>
      join
        .onRef('clinics.tenant_id', '=', 'appointments.tenant_id')
        .onRef('clinics.id', '=', 'appointments.clinic_id'),
    )
    .select([
      'appointments.session_number_in_package',
      'appointments.status',
      'appointments.kind',
      'appointments.starts_at',
      'services.name_en as service',
      'clinics.name_en as clinic',
    ])
    .where('appointments.package_purchase_id', '=', purchaseId)
    .orderBy('appointments.session_number_in_package')
    .execute();
}

/** Whole calendar days from `now`'s date in Riyadh to `date` (negative: in the past). */
function daysFromToday(now: Date, date: Date | string): number {
  const today = DateTime.fromJSDate(now, { zone: RIYADH }).startOf('day');
  const day =
    typeof date === 'string'
      ? DateTime.fromISO(date, { zone: RIYADH })
      : DateTime.fromJSDate(date, { zone: RIYADH }).startOf('day');
  return day.diff(today, 'days').days;
}

describe.each([
  ['a Wednesday morning', new Date('2026-11-25T09:00:00Z')],
  // Already Friday in Riyadh while still Thursday in UTC: dates must be the tenant's.
  ['a Friday just after midnight in Riyadh', new Date('2026-11-26T22:30:00Z')],
])('demo data seeded on %s', (_label, now) => {
  let firstRun: { seeded: boolean };

  beforeAll(async () => {
    // Each case starts empty: on a seeded database the seed would (rightly) do nothing.
    await sql`truncate tenants cascade`.execute(db);
    firstRun = await seedDemo(db, now);
  });

  it('seeds once: a second run reports it and changes nothing', async () => {
    expect(firstRun).toEqual({ seeded: true });
    const before = await rowCounts();
    await expect(seedDemo(db, now)).resolves.toEqual({ seeded: false });
    expect(await rowCounts()).toEqual(before);
    expect(before.tenants).toBe(2);
  });

  it('creates the two tenants and the five logins with the demo password', async () => {
    const tenants = await db
      .selectFrom('tenants')
      .select(['name', 'timezone', 'currency', 'cancellation_window_hours'])
      .orderBy('name')
      .execute();
    expect(tenants).toEqual([
      {
        name: DEMO_TENANT_NAME,
        timezone: 'Asia/Riyadh',
        currency: 'SAR',
        cancellation_window_hours: 24,
      },
      {
        name: OTHER_TENANT_NAME,
        timezone: 'Asia/Dubai',
        currency: 'AED',
        cancellation_window_hours: 24,
      },
    ]);

    const users = await db
      .selectFrom('users')
      .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
      .select([
        'users.email',
        'users.role',
        'users.locale',
        'users.password_hash',
        'tenants.name as tenant',
      ])
      .orderBy('users.email')
      .execute();
    expect(users.map(({ email, role }) => ({ email, role }))).toEqual(
      [...DEMO_LOGINS].sort((a, b) => a.email.localeCompare(b.email)),
    );
    expect(DEMO_LOGINS.map((login) => login.email)).toEqual([
      'admin@demo.test',
      'frontdesk@demo.test',
      'provider@demo.test',
      'finance@demo.test',
      'frontdesk@other.test',
    ]);
    for (const user of users) {
      expect(user.tenant).toBe(
        user.email.endsWith('@other.test') ? OTHER_TENANT_NAME : DEMO_TENANT_NAME,
      );
      expect(user.locale).toBe('en');
      expect(await verifyPassword(user.password_hash, DEMO_PASSWORD)).toBe(true);
    }

    const providerLogin = await db
      .selectFrom('users')
      .innerJoin('providers', (join) =>
        join
          .onRef('providers.tenant_id', '=', 'users.tenant_id')
          .onRef('providers.user_id', '=', 'users.id'),
      )
      .innerJoin('provider_clinics', (join) =>
        join
          .onRef('provider_clinics.tenant_id', '=', 'providers.tenant_id')
          .onRef('provider_clinics.provider_id', '=', 'providers.id'),
      )
      .innerJoin('clinics', (join) =>
        join
          .onRef('clinics.tenant_id', '=', 'provider_clinics.tenant_id')
          .onRef('clinics.id', '=', 'provider_clinics.clinic_id'),
      )
      .select('clinics.specialty')
      .where('users.email', '=', 'provider@demo.test')
      .execute();
    expect(providerLogin.map((row) => row.specialty)).toEqual(['SLP']);
  });

  it('creates the clinics, services, providers and packages of SPEC §5', async () => {
    const demo = await tenantId(DEMO_TENANT_NAME);
    const clinics = await db
      .selectFrom('clinics')
      .select(['name_en', 'name_ar', 'specialty'])
      .where('tenant_id', '=', demo)
      .orderBy('name_en')
      .execute();
    expect(clinics).toEqual([
      { name_en: 'ABA Clinic', name_ar: 'عيادة تحليل السلوك التطبيقي', specialty: 'ABA' },
      { name_en: 'OT Clinic', name_ar: 'عيادة العلاج الوظيفي', specialty: 'OT' },
      { name_en: 'SLP Clinic', name_ar: 'عيادة النطق', specialty: 'SLP' },
    ]);

    const providersPerClinic = await db
      .selectFrom('provider_clinics')
      .innerJoin('clinics', (join) =>
        join
          .onRef('clinics.tenant_id', '=', 'provider_clinics.tenant_id')
          .onRef('clinics.id', '=', 'provider_clinics.clinic_id'),
      )
      .select(['clinics.name_en', sql<number>`count(*)::int`.as('providers')])
      .where('provider_clinics.tenant_id', '=', demo)
      .groupBy('clinics.name_en')
      .execute();
    expect(providersPerClinic).toHaveLength(3);
    for (const row of providersPerClinic) expect(row.providers).toBeGreaterThanOrEqual(2);

    const services = await db
      .selectFrom('services')
      .select(['name_en', 'default_duration_minutes', 'price'])
      .where('tenant_id', '=', demo)
      .orderBy('name_en')
      .execute();
    expect(services).toEqual([
      { name_en: 'ABA Therapy', default_duration_minutes: 60, price: '280.00' },
      { name_en: 'Occupational Therapy Session', default_duration_minutes: 45, price: '280.00' },
      { name_en: 'Speech Assessment', default_duration_minutes: 60, price: '450.00' },
      { name_en: 'Speech Therapy Session', default_duration_minutes: 45, price: '300.00' },
    ]);

    // Every provider of both tenants works the tenant's working week, 8 hours a day.
    const schedules = await db
      .selectFrom('provider_schedules')
      .select([
        'provider_id',
        sql<string>`string_agg(weekday::text, ',' order by weekday)`.as('weekdays'),
        sql<string>`string_agg(distinct start_time::text || '-' || end_time::text, ',')`.as(
          'hours',
        ),
      ])
      .where('tenant_id', '=', demo)
      .groupBy('provider_id')
      .execute();
    expect(schedules.length).toBeGreaterThanOrEqual(6);
    for (const schedule of schedules) {
      expect(schedule).toMatchObject({ weekdays: '0,1,2,3,4', hours: '08:00:00-16:00:00' });
    }

    const packages = await db
      .selectFrom('packages')
      .innerJoin('package_services', (join) =>
        join
          .onRef('package_services.tenant_id', '=', 'packages.tenant_id')
          .onRef('package_services.package_id', '=', 'packages.id'),
      )
      .innerJoin('services', (join) =>
        join
          .onRef('services.tenant_id', '=', 'package_services.tenant_id')
          .onRef('services.id', '=', 'package_services.service_id'),
      )
      .innerJoin('clinics', (join) =>
        join
          .onRef('clinics.tenant_id', '=', 'services.tenant_id')
          .onRef('clinics.id', '=', 'services.clinic_id'),
      )
      .select([
        'packages.name_en',
        'packages.name_ar',
        'packages.price',
        'packages.validity_days',
        'packages.active',
        'package_services.sessions',
        'services.name_en as service',
        'clinics.name_en as clinic',
      ])
      .where('packages.tenant_id', '=', demo)
      .execute();
    const activeNames = new Set(packages.filter((p) => p.active).map((p) => p.name_en));
    expect([...activeNames].sort()).toEqual([
      '10 SLP Sessions',
      '12 OT Sessions',
      '20 ABA Therapy Package',
      'SLP Assessment + 4 Sessions',
      'Speech & OT Combo',
    ]);
    expect(packages.filter((p) => !p.active).map((p) => p.name_en)).toEqual([
      'Summer ABA Camp (retired)',
    ]);
    for (const pkg of packages) expect(pkg.name_ar).not.toBe('');
    expect(packages.filter((p) => p.name_en === '20 ABA Therapy Package')).toEqual([
      {
        name_en: '20 ABA Therapy Package',
        name_ar: expect.any(String) as string,
        price: '5000.00',
        validity_days: 90,
        active: true,
        sessions: 20,
        service: 'ABA Therapy',
        clinic: 'ABA Clinic',
      },
    ]);
    const comboClinics = packages
      .filter((p) => p.name_en === 'Speech & OT Combo')
      .map((p) => p.clinic);
    expect(comboClinics.sort()).toEqual(['OT Clinic', 'SLP Clinic']);
  });

  it('gives Ahmed Al-Rashid one "10 SLP Sessions" at 5/10: four sessions done, one next week', async () => {
    const ahmed = await patientByName('Ahmed Al-Rashid');
    expect(ahmed).toMatchObject({ mrn: 'MRN-000001', name_ar: 'أحمد الراشد' });
    const purchases = await db
      .selectFrom('package_purchases')
      .selectAll()
      .where('patient_id', '=', ahmed.id)
      .execute();
    expect(purchases).toHaveLength(1);
    const purchase = purchases[0]!;
    expect(purchase).toMatchObject({
      name_en: '10 SLP Sessions',
      total_sessions: 10,
      sessions_used: 5,
      price: '2500.00',
      status: 'ACTIVE',
      idempotency_key: null,
    });
    // About 40 days ago, moved back to a working day.
    expect(daysFromToday(now, purchase.purchase_date)).toBeGreaterThanOrEqual(-42);
    expect(daysFromToday(now, purchase.purchase_date)).toBeLessThanOrEqual(-40);

    const appointments = await appointmentsOf(purchase.id);
    expect(appointments.map((a) => a.session_number_in_package)).toEqual([1, 2, 3, 4, 5]);
    expect(appointments.map((a) => a.status)).toEqual([
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
      'BOOKED',
    ]);
    for (const appointment of appointments) {
      expect(appointment).toMatchObject({
        kind: 'PACKAGE',
        service: 'Speech Therapy Session',
        clinic: 'SLP Clinic',
      });
    }
    for (const past of appointments.slice(0, 4)) {
      expect(past.starts_at.getTime()).toBeLessThan(now.getTime());
    }
    const nextWeek = daysFromToday(now, appointments[4]!.starts_at);
    expect(nextWeek).toBeGreaterThanOrEqual(7);
    expect(nextWeek).toBeLessThanOrEqual(9);
  });

  it('has Sara Al-Harbi without any package', async () => {
    const sara = await patientByName('Sara Al-Harbi');
    const purchases = await db
      .selectFrom('package_purchases')
      .select('id')
      .where('patient_id', '=', sara.id)
      .execute();
    expect(purchases).toEqual([]);
  });

  it('has a patient with two different purchases', async () => {
    const holders = (await demoPurchasesByPatient()).filter(
      (purchases) =>
        purchases.length === 2 && purchases[0]!.package_id !== purchases[1]!.package_id,
    );
    const summaries = holders.map((purchases) =>
      purchases
        .map((p) => `${p.name_en} ${p.sessions_used}/${p.total_sessions} ${p.status}`)
        .sort(),
    );
    expect(summaries).toContainEqual([
      '12 OT Sessions 0/12 ACTIVE',
      '20 ABA Therapy Package 2/20 ACTIVE',
    ]);
  });

  it('has a patient holding "10 SLP Sessions" twice, at 3/10 and 0/10', async () => {
    const holder = (await demoPurchasesByPatient()).find(
      (purchases) =>
        purchases.length === 2 && purchases.every((p) => p.name_en === '10 SLP Sessions'),
    );
    expect(holder).toBeDefined();
    const [older, newer] = holder!;
    expect(older).toMatchObject({ total_sessions: 10, sessions_used: 3, status: 'ACTIVE' });
    expect(newer).toMatchObject({ total_sessions: 10, sessions_used: 0, status: 'ACTIVE' });
    const appointments = await appointmentsOf(older!.id);
    expect(appointments.map((a) => [a.session_number_in_package, a.status])).toEqual([
      [1, 'COMPLETED'],
      [2, 'COMPLETED'],
      [3, 'COMPLETED'],
    ]);
    expect(await appointmentsOf(newer!.id)).toEqual([]);
  });

  it('has a patient with an expired purchase that was partly used in time', async () => {
    const expired = (await demoPurchasesByPatient())
      .flat()
      .filter((purchase) => purchase.status === 'EXPIRED');
    expect(expired).toHaveLength(1);
    const purchase = expired[0]!;
    expect(purchase).toMatchObject({ name_en: '12 OT Sessions', sessions_used: 2 });
    expect(daysFromToday(now, purchase.expiry_date)).toBeLessThan(0);
    const appointments = await appointmentsOf(purchase.id);
    expect(appointments.map((a) => a.status)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it('has enough other patients, in both languages, to make search meaningful', async () => {
    const patients = await db
      .selectFrom('patients')
      .select(['mrn', 'name_en', 'name_ar', 'phone', 'date_of_birth'])
      .where('tenant_id', '=', await tenantId(DEMO_TENANT_NAME))
      .execute();
    expect(patients.length).toBeGreaterThanOrEqual(45);
    expect(new Set(patients.map((p) => p.name_en)).size).toBe(patients.length);
    expect(new Set(patients.map((p) => p.phone)).size).toBe(patients.length);
    for (const patient of patients) {
      expect(patient.mrn).toMatch(/^MRN-\d{6}$/);
      expect(patient.name_ar).toMatch(/\p{Script=Arabic}/u);
      expect(patient.phone).toMatch(/^\+9665\d{8}$/);
      expect(patient.date_of_birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('keeps every purchase consistent with its appointments', async () => {
    const purchases = await db.selectFrom('package_purchases').selectAll().execute();
    const purchaseServices = await db.selectFrom('purchase_services').selectAll().execute();
    const appointments = await db
      .selectFrom('appointments')
      .select(['package_purchase_id', 'service_id', 'status'])
      .where('package_purchase_id', 'is not', null)
      .execute();
    expect(purchases.length).toBeGreaterThanOrEqual(8);

    for (const purchase of purchases) {
      const consuming = appointments.filter(
        (a) => a.package_purchase_id === purchase.id && a.status !== 'CANCELLED',
      );
      const allotments = purchaseServices.filter((ps) => ps.purchase_id === purchase.id);
      expect(purchase.sessions_used).toBe(consuming.length);
      expect(allotments.reduce((total, ps) => total + ps.sessions, 0)).toBe(
        purchase.total_sessions,
      );
      for (const allotment of allotments) {
        expect(allotment.sessions_used).toBe(
          consuming.filter((a) => a.service_id === allotment.service_id).length,
        );
      }
      // No appointment of a purchase is for a service the purchase does not cover.
      const covered = new Set(allotments.map((ps) => ps.service_id));
      for (const appointment of consuming) expect(covered.has(appointment.service_id)).toBe(true);
    }
  });

  it('charges VAT in the demo centre and keeps every purchase’s money consistent with its payments', async () => {
    const demo = await db
      .selectFrom('tenants')
      .select(['id', 'vat_rate', 'vat_number', 'country'])
      .where('name', '=', DEMO_TENANT_NAME)
      .executeTakeFirstOrThrow();
    expect(demo).toMatchObject({
      vat_rate: '0.1500',
      vat_number: '300000000000003',
      country: 'SA',
    });

    const purchases = await db
      .selectFrom('package_purchases')
      .select(['id', 'tenant_id', 'price', 'discount', 'amount_paid'])
      .execute();
    const payments = await db
      .selectFrom('payments')
      .select(['tenant_id', 'purchase_id', 'kind', 'amount', 'vat_amount', 'invoice_number'])
      .execute();
    const state = (purchase: (typeof purchases)[number]) => {
      const due = toHalalas(purchase.price) - toHalalas(purchase.discount);
      const paid = toHalalas(purchase.amount_paid);
      return paid === 0 ? 'unpaid' : paid === due ? 'paid' : 'partly paid';
    };
    const demoStates = purchases.filter((p) => p.tenant_id === demo.id).map(state);
    expect(demoStates.filter((s) => s === 'paid').length).toBeGreaterThanOrEqual(2);
    expect(demoStates.filter((s) => s === 'partly paid')).toHaveLength(1);
    expect(demoStates.filter((s) => s === 'unpaid')).toHaveLength(1);

    for (const purchase of purchases) {
      const received = payments
        .filter((p) => p.purchase_id === purchase.id)
        .reduce((total, p) => total + toHalalas(p.amount), 0);
      expect(toHalalas(purchase.amount_paid)).toBe(received);
    }
    for (const payment of payments.filter((p) => p.tenant_id === demo.id)) {
      // 15 % included: 2500.00 holds 326.09 of VAT
      const halalas = toHalalas(payment.amount);
      expect(toHalalas(payment.vat_amount)).toBe(Math.round((halalas * 15) / 115));
    }
    const counters = await db.selectFrom('invoice_counters').selectAll().execute();
    for (const counter of counters) {
      const numbers = payments
        .filter((p) => p.tenant_id === counter.tenant_id)
        .map((p) => p.invoice_number)
        .sort((a, b) => a - b);
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
      expect(counter.last_number).toBe(numbers.length);
    }
  });

  it('places every appointment in its provider’s hours, its purchase’s validity and its clinic', async () => {
    const appointments = await db
      .selectFrom('appointments')
      .innerJoin('tenants', 'tenants.id', 'appointments.tenant_id')
      .innerJoin('package_purchases', (join) =>
        join
          .onRef('package_purchases.tenant_id', '=', 'appointments.tenant_id')
          .onRef('package_purchases.id', '=', 'appointments.package_purchase_id'),
      )
      .innerJoin('services', (join) =>
        join
          .onRef('services.tenant_id', '=', 'appointments.tenant_id')
          .onRef('services.id', '=', 'appointments.service_id'),
      )
      .leftJoin('provider_clinics', (join) =>
        join
          .onRef('provider_clinics.tenant_id', '=', 'appointments.tenant_id')
          .onRef('provider_clinics.provider_id', '=', 'appointments.provider_id')
          .onRef('provider_clinics.clinic_id', '=', 'appointments.clinic_id'),
      )
      .select([
        'appointments.tenant_id',
        'appointments.provider_id',
        'appointments.patient_id',
        'appointments.clinic_id',
        'appointments.starts_at',
        'appointments.ends_at',
        'appointments.status',
        'tenants.timezone',
        'package_purchases.patient_id as purchase_patient_id',
        'package_purchases.purchase_date',
        'package_purchases.expiry_date',
        'services.clinic_id as service_clinic_id',
        'services.default_duration_minutes',
        'provider_clinics.provider_id as works_in_clinic',
      ])
      .execute();
    const schedules = await db.selectFrom('provider_schedules').selectAll().execute();
    expect(appointments.length).toBeGreaterThanOrEqual(17);

    for (const appointment of appointments) {
      const start = DateTime.fromJSDate(appointment.starts_at, { zone: appointment.timezone });
      const end = DateTime.fromJSDate(appointment.ends_at, { zone: appointment.timezone });
      const date = start.toISODate()!;
      const weekday = start.weekday % 7;
      const hours = schedules.filter(
        (s) => s.provider_id === appointment.provider_id && s.weekday === weekday,
      );
      const within = hours.some(
        (s) => s.start_time <= start.toFormat('HH:mm:ss') && end.toFormat('HH:mm:ss') <= s.end_time,
      );
      expect(within, `${date} ${start.toFormat('ccc HH:mm')} in the provider's hours`).toBe(true);
      expect(end.toISODate()).toBe(date);
      if (appointment.timezone === RIYADH) expect([0, 1, 2, 3, 4]).toContain(weekday);

      expect(date >= appointment.purchase_date && date <= appointment.expiry_date).toBe(true);
      expect(appointment.patient_id).toBe(appointment.purchase_patient_id);
      expect(appointment.clinic_id).toBe(appointment.service_clinic_id);
      expect(appointment.works_in_clinic).toBe(appointment.provider_id);
      expect(end.diff(start, 'minutes').minutes).toBe(appointment.default_duration_minutes);
      expect(appointment.status).toBe(
        appointment.starts_at.getTime() < now.getTime() ? 'COMPLETED' : 'BOOKED',
      );
    }
  });

  it('keeps Other Clinic’s data to itself', async () => {
    const other = await tenantId(OTHER_TENANT_NAME);
    const patients = await db
      .selectFrom('patients')
      .select(['id', 'name_en'])
      .where('tenant_id', '=', other)
      .execute();
    expect(patients).toHaveLength(3);

    const purchases = await db
      .selectFrom('package_purchases')
      .selectAll()
      .where('tenant_id', '=', other)
      .execute();
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({ total_sessions: 10, sessions_used: 1, status: 'ACTIVE' });
    expect((await appointmentsOf(purchases[0]!.id)).map((a) => a.status)).toEqual(['COMPLETED']);
    const otherCatalogue = await db
      .selectFrom('packages')
      .select('id')
      .where('tenant_id', '=', other)
      .execute();
    expect(otherCatalogue.length).toBeGreaterThanOrEqual(1);

    // None of its patients' names leak into the demo centre.
    const demoNames = await db
      .selectFrom('patients')
      .select('name_en')
      .where('tenant_id', '=', await tenantId(DEMO_TENANT_NAME))
      .where(
        'name_en',
        'in',
        patients.map((p) => p.name_en),
      )
      .execute();
    expect(demoNames).toEqual([]);

    // Joined by id alone (ids are UUIDs), every reference stays inside its tenant.
    const crossTenant = await sql<{ total: number; mismatched: number }>`
      select count(*)::int as total,
        (count(*) filter (where a.tenant_id <> any (array[p.tenant_id, pr.tenant_id,
          c.tenant_id, s.tenant_id, u.tenant_id, pp.tenant_id, pk.tenant_id, seller.tenant_id])
        ))::int as mismatched
      from appointments a
      join patients p on p.id = a.patient_id
      join providers pr on pr.id = a.provider_id
      join clinics c on c.id = a.clinic_id
      join services s on s.id = a.service_id
      join users u on u.id = a.booked_by
      join package_purchases pp on pp.id = a.package_purchase_id
      join packages pk on pk.id = pp.package_id
      join users seller on seller.id = pp.assigned_by`.execute(db);
    expect(crossTenant.rows[0]?.total).toBeGreaterThan(0);
    expect(crossTenant.rows[0]?.mismatched).toBe(0);
  });
});
