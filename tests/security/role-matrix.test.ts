import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { DEMO_PASSWORD } from '../../src/db/seed-demo.js';
import { createTestApp, TestClock, unwiredBus } from '../support/app.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import { TestClient, type RequestOptions } from '../support/client.js';
import { DEMO_NOW, seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { createAppointment } from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { tenantChecksum } from './tenant-checksum.js';

/**
 * Every unsafe route × every role, each on fresh data so that an allowed role's request
 * succeeds. A refusal changes nothing. PROVIDER acts on their own appointments only: another
 * provider's answers 403, because the appointment is of the same centre and every role may
 * already see it (its page, the day view); 404 stays for ids outside the caller's tenant.
 */

const ROLES = ['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE', 'anonymous'] as const;
type Caller = (typeof ROLES)[number];
const EMAILS: Record<Exclude<Caller, 'anonymous'>, string> = {
  ADMIN: 'admin@demo.test',
  FRONT_DESK: 'frontdesk@demo.test',
  PROVIDER: 'provider@demo.test',
  FINANCE: 'finance@demo.test',
};

let database: TestDatabase;
let demo: DemoFixture;
let ids: DemoIds;
let desk: TestClient;
let patient: string;
/** Dr. Huda is provider@demo.test; Dr. Faisal is someone else. */
let ownProvider: string;

type Request = { path: string } & Pick<RequestOptions, 'form' | 'json' | 'htmx'>;

interface Row {
  route: string;
  /** Fresh data for one call, then the request. */
  request: () => Request | Promise<Request>;
  expected: Record<Caller, number>;
}

let hour = 0;
/** An appointment of the demo patient at a time no other row uses (BOOKED, a week ahead). */
async function appointment(providerId: string): Promise<string> {
  hour += 1;
  const starts = new Date(DEMO_NOW.getTime() + 7 * 86_400_000 + hour * 3_600_000);
  const row = await createAppointment(
    database.db,
    {
      tenant: { id: demo.demo },
      clinic: { id: ids.slp },
      service: { id: ids.speech },
      provider: { id: providerId },
      patient: { id: patient },
      user: { id: (await userId('frontdesk@demo.test'))! },
    },
    { starts_at: starts },
  );
  return row.id;
}

async function userId(email: string) {
  return (
    await database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
  )?.id;
}

const DATES = ['2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10'];
let bookings = 0;
/** A free slot of Dr. Faisal for the patient: each call takes another day, then the next slot. */
async function freeStart(): Promise<string> {
  const date = DATES[bookings++ % DATES.length]!;
  const [slot] = await freeSlots(desk, { providerId: ids.faisal, date, patientId: patient });
  return slot!.start;
}

const deskOnly = { ADMIN: 200, FRONT_DESK: 200, PROVIDER: 403, FINANCE: 403, anonymous: 401 };
const everyone303 = { ADMIN: 303, FRONT_DESK: 303, PROVIDER: 303, FINANCE: 303, anonymous: 303 };

const MATRIX: Row[] = [
  {
    route: 'POST /login',
    request: () => ({
      path: '/login',
      form: { email: 'finance@demo.test', password: DEMO_PASSWORD },
    }),
    expected: everyone303,
  },
  {
    route: 'POST /logout',
    request: () => ({ path: '/logout', form: {} }),
    expected: everyone303,
  },
  {
    route: 'POST /account/locale',
    request: () => ({ path: '/account/locale', form: { locale: 'ar' } }),
    // signed out: redirected to the login
    expected: everyone303,
  },
  {
    route: 'POST /appointments/new/assign',
    request: async () => ({
      path: '/appointments/new/assign',
      form: {
        patient_id: patient,
        package_id: await demo.pkg('20 ABA Therapy Package'),
        idempotency_key: randomUUID(),
      },
      htmx: true,
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/new/book',
    request: async () => ({
      path: '/appointments/new/book',
      form: {
        patient_id: patient,
        appointment_type: 'single',
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        service_id: ids.speech,
        start: await freeStart(),
        duration: '45',
        idempotency_key: randomUUID(),
      },
      htmx: true,
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/api/assign-package/',
    request: async () => ({
      path: '/appointments/api/assign-package/',
      json: { patient_id: patient, package_id: await demo.pkg('20 ABA Therapy Package') },
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/api/book/',
    request: async () => ({
      path: '/appointments/api/book/',
      json: {
        patient_id: patient,
        appointment_type: 'single',
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        service_id: ids.speech,
        start: await freeStart(),
        duration_minutes: 45,
      },
    }),
    expected: { ...deskOnly, ADMIN: 201, FRONT_DESK: 201 },
  },
  {
    route: 'POST /appointments/api/appointments/:id/cancel/',
    request: async () => ({
      path: `/appointments/api/appointments/${await appointment(ids.faisal)}/cancel/`,
      json: { reason: 'Family travel' },
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/cancel',
    request: async () => ({
      path: `/appointments/${await appointment(ownProvider)}/cancel`,
      form: { reason: 'Family travel' },
      htmx: true,
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: async () => ({
      path: `/appointments/${await appointment(ownProvider)}/status`,
      form: { status: 'ARRIVED' },
      htmx: true,
    }),
    // their own appointment: the provider marks the arrival
    expected: { ...deskOnly, PROVIDER: 200 },
  },
  {
    route: 'POST /appointments/:id/status',
    request: async () => ({
      path: `/appointments/${await appointment(ids.faisal)}/status`,
      form: { status: 'ARRIVED' },
      htmx: true,
    }),
    // another provider's appointment
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: async () => ({
      path: `/appointments/${await appointment(ownProvider)}/status`,
      form: { status: 'CONFIRMED' },
      htmx: true,
    }),
    // confirming is the desk's job, even on the provider's own appointment
    expected: deskOnly,
  },
];

beforeAll(async () => {
  database = await createTestDatabase();
  demo = await seedDemoFixture(database.db);
  ids = await demoIds(database.db, demo.demo);
  desk = await demo.signIn('frontdesk@demo.test');
  patient = await demo.patient('Sara Al-Harbi');
  ownProvider = ids.huda;
  const huda = await database.db
    .selectFrom('providers')
    .select('user_id')
    .where('id', '=', ids.huda)
    .executeTakeFirstOrThrow();
  expect(huda.user_id).toBe(await userId('provider@demo.test'));
});
afterAll(() => database.close());

async function callerClient(caller: Caller): Promise<TestClient> {
  if (caller !== 'anonymous') return demo.signIn(EMAILS[caller]);
  return new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
}

describe('unsafe routes × roles', () => {
  const cases = MATRIX.flatMap((row, index) =>
    ROLES.map((caller) => [row.route, index, caller, row.expected[caller]] as const),
  );
  it.each(cases)('%s (line %i) as %s → %i', async (_, index, caller, expected) => {
    const client = await callerClient(caller);
    const { path, ...options } = await MATRIX[index]!.request();
    const before = await tenantChecksum(database.db, demo.demo);
    const response = await client.request(path, options);
    expect(response.status, (await response.text()).slice(0, 200)).toBe(expected);
    if (expected >= 400) expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('covers every unsafe route of the app', () => {
    const app = createApp({ db: database.db, clock: () => DEMO_NOW, bus: unwiredBus });
    const unsafe = new Set(
      app.routes
        .filter((route) => !['ALL', 'GET', 'HEAD', 'OPTIONS'].includes(route.method))
        .map((route) => `${route.method} ${route.path}`),
    );
    const covered = new Set(MATRIX.map((row) => row.route));
    expect([...unsafe].filter((route) => !covered.has(route))).toEqual([]);
  });
});

describe('CSRF on every unsafe route', () => {
  const forgeries: [string, Record<string, string>][] = [
    ['no token', {}],
    ['a wrong token', { 'x-csrftoken': 'not-the-session-token' }],
    ['another origin', { origin: 'https://evil.example' }],
  ];
  const cases = MATRIX.flatMap((row, index) =>
    forgeries.map(([forgery, headers]) => [row.route, index, forgery, headers] as const),
  );
  it.each(cases)(
    '%s (line %i) with %s → 403, nothing changed',
    async (_, index, forgery, headers) => {
      const client = await demo.signIn('admin@demo.test');
      const { path, ...options } = await MATRIX[index]!.request();
      const before = await tenantChecksum(database.db, demo.demo);
      const response = await client.request(path, {
        ...options,
        headers,
        csrf: forgery === 'another origin',
      });
      expect(response.status).toBe(403);
      expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
    },
  );
});

describe('patient data is never stored by browsers or proxies', () => {
  it.each([
    ['the patient page', () => `/patients/${patient}`, false],
    ['the package modal', () => `/appointments/new/package-modal?patient_id=${patient}`, true],
    [
      'the JSON packages',
      () => `/appointments/api/packages-for-patient/?patient=${patient}`,
      false,
    ],
    ['a patient search', () => '/appointments/new/patients?q=Sara', true],
    ['the day view fragment', () => '/appointments', true],
    ['an error', () => '/patients/00000000-0000-4000-8000-000000000000', false],
  ])('%s: Cache-Control no-store', async (_, path, htmx) => {
    const response = await desk.request(path(), { htmx });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
