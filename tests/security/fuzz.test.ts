import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import { createTestApp, TestClock, unwiredBus } from '../support/app.js';
import { demoIds } from '../support/booking.js';
import { type RequestOptions, TestClient } from '../support/client.js';
import { DEMO_NOW, openSignedInDemo, type DemoFixture } from '../support/demo.js';
import {
  createClinic,
  createGroupSession,
  createPackage,
  createProvider,
  createService,
  createTimeOff,
  createUser,
} from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { createDeadMessage } from '../messages/support.js';
import { createCalendarFeed } from '../../src/db/calendar-feeds.js';
import { tenantChecksum } from './tenant-checksum.js';

/**
 * Malformed requests at every JSON endpoint and every form or fragment endpoint: whatever
 * arrives (bad ids, wrong types, unknown fields, impossible dates, NUL and RTL characters,
 * wrong content types, bodies over the limit), the answer is a 4xx, never a 5xx, and no
 * tenant's data changes. No generated request carries a real id or valid credentials, so
 * none of them may succeed either.
 */

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

/** encodeURIComponent refuses them; in a path they arrive as U+FFFD anyway. */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const OVER_LIMIT = 'x'.repeat(70 * 1024);

const nasty = fc.constantFrom(
  '',
  ' ',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  'NaN',
  'true',
  "' or 1=1 --",
  '"; drop table patients; --',
  '../../etc/passwd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202eأحمد\u202c',
  'مريض',
  '😀'.repeat(50),
  '\ud800', // a lone surrogate
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '00000000-0000-0000-0000-000000000000',
  '2026-02-30',
  '2026-13-01',
  '9999-99-99',
  '2026-11-26T25:61:00+03:00',
  '2026-11-26T09:00:00',
  '-45',
  '99999999999999999999',
  'x'.repeat(5000),
);

/** An id that looks right but names nothing, or anything that is not an id at all. */
const badId = fc.oneof(fc.uuid({ version: 4 }), nasty, fc.string({ maxLength: 60 }));

/** Any JSON value, including huge strings and wrong types. */
const anyValue = fc.oneof(
  { weight: 3, arbitrary: badId },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant(OVER_LIMIT) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
);

/** An object with the endpoint's fields, each present or not and of any value, plus strangers. */
function fieldsOf(names: string[]) {
  const known = Object.fromEntries(names.map((name) => [name, anyValue]));
  return fc
    .tuple(
      fc.record(known, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 20 }), anyValue, { maxKeys: 3 }),
    )
    .map(([fields, strangers]) => ({ ...strangers, ...fields }));
}

type Body = { contentType?: string; body: string };

/** Fields as a query string or form body: strings as they are, other values as JSON. */
function asParams(value: Record<string, unknown>): string {
  return new URLSearchParams(
    Object.entries(value).map(([key, field]) => [
      key,
      typeof field === 'string' ? field : JSON.stringify(field),
    ]),
  ).toString();
}

/** JSON (well or badly formed), a form, or the right fields in the wrong content type. */
function bodyOf(names: string[]): fc.Arbitrary<Body> {
  const fields = fieldsOf(names);
  return fc.oneof(
    fields.map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) })),
    fields.map((value) => ({
      contentType: 'application/x-www-form-urlencoded',
      body: asParams(value),
    })),
    fc.jsonValue().map((value) => ({
      contentType: 'application/json',
      body: JSON.stringify(value) ?? 'null',
    })),
    fc.string({ maxLength: 200 }).map((text) => ({ contentType: 'application/json', body: text })),
    fc
      .tuple(
        fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml'),
        fields,
      )
      .map(([contentType, value]) => ({ contentType, body: JSON.stringify(value) })),
    fields.map((value) => ({ body: JSON.stringify(value) })),
  );
}

function queryOf(names: string[]) {
  return fieldsOf(names).map(asParams);
}

interface Endpoint {
  name: string;
  request: fc.Arbitrary<{ method: string; path: string; htmx: boolean } & Partial<Body>>;
}

const segment = badId.map(
  (id) => encodeURIComponent(id.replace(LONE_SURROGATES, '\uFFFD')) || '%20',
);
const post = (htmx: boolean, path: (id: string) => string, names: string[]) =>
  fc
    .tuple(segment, bodyOf(names))
    .map(([id, body]) => ({ method: 'POST', path: path(id), htmx, ...body }));
const get = (htmx: boolean, path: string, names: string[]) =>
  queryOf(names).map((query) => ({ method: 'GET', path: `${path}?${query}`, htmx }));

const BOOKING_FIELDS = [
  'patient_id',
  'appointment_type',
  'package_purchase_id',
  'service_id',
  'clinic_id',
  'provider_id',
  'start',
  'duration_minutes',
  'duration',
  'group_session_id',
  'idempotency_key',
];

const ENDPOINTS: Endpoint[] = [
  // JSON API
  {
    name: 'GET packages-for-patient',
    request: get(false, '/appointments/api/packages-for-patient/', ['patient']),
  },
  {
    name: 'POST assign-package',
    request: post(false, () => '/appointments/api/assign-package/', [
      'package_id',
      'patient_id',
      'idempotency_key',
    ]),
  },
  {
    name: 'GET package-clinics',
    request: get(false, '/appointments/api/package-clinics/', [
      'package_purchase_id',
      'package_id',
    ]),
  },
  {
    name: 'GET providers',
    request: get(false, '/appointments/api/providers/', ['clinic_id', 'service_id']),
  },
  {
    name: 'GET slots',
    request: get(false, '/appointments/api/slots/', [
      'provider_id',
      'date',
      'duration',
      'patient_id',
    ]),
  },
  { name: 'POST book', request: post(false, () => '/appointments/api/book/', BOOKING_FIELDS) },
  {
    name: 'POST cancel (JSON)',
    request: post(false, (id) => `/appointments/api/appointments/${id}/cancel/`, ['reason']),
  },
  {
    name: 'GET purchase',
    request: segment.map((id) => ({
      method: 'GET',
      path: `/appointments/api/purchases/${id}/`,
      htmx: false,
    })),
  },
  {
    name: 'POST payments',
    request: post(false, (id) => `/appointments/api/purchases/${id}/payments/`, [
      'amount',
      'method',
      'reference',
      'idempotency_key',
    ]),
  },
  {
    name: 'POST refunds',
    request: post(false, (id) => `/appointments/api/purchases/${id}/refunds/`, [
      'amount',
      'method',
      'reason',
    ]),
  },
  // Forms and fragments
  { name: 'POST /login', request: post(false, () => '/login', ['email', 'password', 'next']) },
  { name: 'POST /account/locale', request: post(false, () => '/account/locale', ['locale']) },
  {
    name: 'POST assign (form)',
    request: post(true, () => '/appointments/new/assign', [
      'patient_id',
      'package_id',
      'idempotency_key',
      'discount',
      'discount_reason',
      'payment',
      'amount',
      'method',
      'reference',
    ]),
  },
  { name: 'POST book (form)', request: post(true, () => '/appointments/new/book', BOOKING_FIELDS) },
  {
    name: 'POST cancel (form)',
    request: post(true, (id) => `/appointments/${id}/cancel`, ['reason']),
  },
  { name: 'POST status', request: post(true, (id) => `/appointments/${id}/status`, ['status']) },
  { name: 'POST revert', request: post(true, (id) => `/appointments/${id}/revert`, ['reason']) },
  {
    name: 'GET appointment page',
    request: segment.map((id) => ({ method: 'GET', path: `/appointments/${id}`, htmx: false })),
  },
  {
    name: 'GET patient page',
    request: segment.map((id) => ({ method: 'GET', path: `/patients/${id}`, htmx: false })),
  },
  { name: 'GET day view', request: get(true, '/appointments', ['date', 'clinic']) },
  {
    name: 'GET booking fragments',
    request: fc
      .tuple(
        fc.constantFrom(
          'patients',
          'patient',
          'package-modal',
          'package',
          'package-section',
          'providers',
          'schedule',
          'slots',
        ),
        queryOf(BOOKING_FIELDS.concat('q', 'date')),
      )
      .map(([fragment, query]) => ({
        method: 'GET',
        path: `/appointments/new/${fragment}?${query}`,
        htmx: true,
      })),
  },
  {
    name: 'GET audit page',
    request: get(false, '/admin/audit', [
      'action',
      'entity',
      'actor',
      'entity_id',
      'from',
      'to',
      'before',
    ]),
  },
];

async function everyTenant() {
  return {
    demo: await tenantChecksum(database.db, demo.demo),
    other: await tenantChecksum(database.db, demo.other),
  };
}

describe('malformed requests', () => {
  it.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))(
    '%s: only 4xx, nothing written',
    async (_, endpoint) => {
      const client =
        endpoint.name === 'GET audit page' ? await demo.signIn('admin@demo.test') : desk;
      const before = await everyTenant();
      await fc.assert(
        fc.asyncProperty(endpoint.request, async ({ method, path, htmx, contentType, body }) => {
          const response = await client.request(path, {
            method,
            htmx,
            headers: contentType ? { 'content-type': contentType } : {},
            rawBody: body,
          });
          await response.arrayBuffer();
          // The audit page and the booking fragments may legitimately find nothing: 200.
          const ok = method === 'GET' ? response.status < 500 : response.status >= 400;
          expect(ok && response.status < 500, `${method} ${path} → ${response.status}`).toBe(true);
        }),
        { numRuns: 40 },
      );
      expect(await everyTenant()).toEqual(before);
    },
  );
});

describe('the body size limit', () => {
  it.each([
    ['/appointments/api/book/', 'application/json'],
    ['/appointments/new/book', 'application/x-www-form-urlencoded'],
    ['/login', 'application/x-www-form-urlencoded'],
  ])('refuses more than 64 KB at %s with 413, with or without a length', async (path, type) => {
    const before = await everyTenant();
    const body =
      type === 'application/json' ? JSON.stringify({ reason: OVER_LIMIT }) : `reason=${OVER_LIMIT}`;
    const sized = await desk.request(path, {
      method: 'POST',
      headers: { 'content-type': type },
      rawBody: body,
    });
    expect(sized.status).toBe(413);
    const chunked = await desk.request(path, {
      method: 'POST',
      headers: { 'content-type': type },
      rawBody: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++)
            controller.enqueue(new TextEncoder().encode(body.slice(i * 10_000, (i + 1) * 10_000)));
          controller.close();
        },
      }),
    });
    expect(chunked.status).toBe(413);
    expect(await everyTenant()).toEqual(before);
  });
});

describe('malformed values beside real ids (each once a 500)', () => {
  const cases: [string, () => [string, RequestOptions] | Promise<[string, RequestOptions]>][] = [
    [
      'a NUL in a search',
      () => [`/appointments/new/patients?q=${encodeURIComponent('Ah\u0000med')}`, { htmx: true }],
    ],
    [
      'a NUL in a cancellation reason',
      async () => [
        `/appointments/api/appointments/${await bookedAppointment()}/cancel/`,
        { json: { reason: 'a\u0000b' } },
      ],
    ],
    [
      'a lone surrogate in a cancellation reason',
      async () => [
        `/appointments/api/appointments/${await bookedAppointment()}/cancel/`,
        { json: { reason: '\ud800' } },
      ],
    ],
    [
      'a NUL in a form reason',
      async () => [
        `/appointments/${await bookedAppointment()}/cancel`,
        { form: { reason: 'a\u0000b' }, htmx: true },
      ],
    ],
    [
      'a NUL in an idempotency key',
      async () => [
        '/appointments/api/assign-package/',
        {
          json: {
            patient_id: await demo.patient('Sara Al-Harbi'),
            package_id: await demo.pkg('20 ABA Therapy Package'),
            idempotency_key: 'key\u0000-12345',
          },
        },
      ],
    ],
    [
      'a start in year 0',
      async () => [
        '/appointments/api/book/',
        { json: { ...(await realBooking()), start: '0000-01-01T00:00:00Z' } },
      ],
    ],
    [
      'a start in year 9999',
      async () => [
        '/appointments/api/book/',
        { json: { ...(await realBooking()), start: '9999-12-31T23:59:59Z' } },
      ],
    ],
    [
      'slots in year 1',
      async () => [
        `/appointments/api/slots/?provider_id=${(await realBooking()).provider_id}&date=0001-01-01&duration=45`,
        {},
      ],
    ],
    ['the day view in year 0', () => ['/appointments?date=0000-01-01', {}]],
    [
      'form slots in year 0',
      async () => [
        `/appointments/new/slots?provider_id=${(await realBooking()).provider_id}&date=0000-01-01`,
        { htmx: true },
      ],
    ],
  ];

  it.each(cases)('%s → 4xx, nothing written', async (_, build) => {
    const [path, options] = await build();
    const before = await everyTenant();
    const response = await desk.request(path, options);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await everyTenant()).toEqual(before);
  });

  it('never redirects a sign-in to a path with a line break', async () => {
    const response = await desk.request('/login', {
      form: { email: 'admin@demo.test', password: DEMO_PASSWORD, next: '/x\r\nSet-Cookie: a=b' },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });
});

/**
 * A NUL (which PostgreSQL's text cannot hold) in every free-text field of the pages' forms and
 * queries: refused as a field error or a bad address, never a 500, nothing written.
 */
describe('a NUL in each text field of the forms', () => {
  const NUL = 'a\u0000b';
  const token = () => crypto.randomUUID();
  const patientForm = (fields: Record<string, string>) => ({
    name_en: 'Nul Test',
    name_ar: 'اختبار',
    phone: '+966501112233',
    mrn: 'MRN-NUL-1',
    form_token: token(),
    ...fields,
  });
  const cases: [
    string,
    'desk' | 'admin',
    () => [string, RequestOptions] | Promise<[string, RequestOptions]>,
  ][] = [
    ['GET /patients?q', 'desk', () => [`/patients?q=${encodeURIComponent(NUL)}`, {}]],
    [
      'POST /patients name_en',
      'desk',
      () => ['/patients', { form: patientForm({ name_en: NUL }) }],
    ],
    [
      'POST /patients name_ar',
      'desk',
      () => ['/patients', { form: patientForm({ name_ar: NUL }) }],
    ],
    ['POST /patients mrn', 'desk', () => ['/patients', { form: patientForm({ mrn: NUL }) }]],
    [
      'POST /patients form_token',
      'desk',
      () => ['/patients', { form: patientForm({ form_token: `${token()}\u0000` }) }],
    ],
    [
      'POST /patients/:id/extend reason',
      'admin',
      async () => [
        `/patients/${await demo.patient('Sara Al-Harbi')}/extend`,
        { form: { reason: NUL, days: '30' } },
      ],
    ],
    [
      'POST /admin/clinics name_en',
      'admin',
      () => ['/admin/clinics', { form: { name_en: NUL, name_ar: 'ع', form_token: token() } }],
    ],
    [
      'POST /admin/users name',
      'admin',
      () => [
        '/admin/users',
        {
          form: {
            name: NUL,
            email: 'nul@demo.test',
            role: 'FRONT_DESK',
            locale: 'en',
            password: 'long-enough-pass',
            form_token: token(),
          },
        },
      ],
    ],
    [
      'POST /admin/settings name',
      'admin',
      () => [
        '/admin/settings',
        {
          form: {
            name: NUL,
            timezone: 'Asia/Riyadh',
            currency: 'SAR',
            cancellation_window_hours: '24',
            channels: 'log',
            reminder_hours_before: '24',
            quiet_hours_start: '21:00',
            quiet_hours_end: '08:00',
            vat_percent: '15',
            vat_number: '300000000000003',
            country: 'SA',
          },
        },
      ],
    ],
    ['GET /admin/audit?q', 'admin', () => [`/admin/audit?action=${encodeURIComponent(NUL)}`, {}]],
  ];

  it.each(cases)('%s → 4xx, nothing written', async (_, role, build) => {
    const client = role === 'admin' ? await demo.signIn('admin@demo.test') : desk;
    const [path, options] = await build();
    const before = await everyTenant();
    const response = await client.request(path, options);
    expect(response.status, (await response.text()).slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await everyTenant()).toEqual(before);
  });
});

async function bookedAppointment(): Promise<string> {
  const row = await database.db
    .selectFrom('appointments')
    .select('id')
    .where('tenant_id', '=', demo.demo)
    .where('status', '=', 'BOOKED')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function realBooking() {
  const ids = await demoIds(database.db, demo.demo);
  return {
    patient_id: await demo.patient('Sara Al-Harbi'),
    appointment_type: 'single',
    clinic_id: ids.slp,
    provider_id: ids.huda,
    service_id: ids.speech,
    duration_minutes: 45,
  };
}

/**
 * Every parameter of every route the app registers (the list below must name them all): each
 * query, form or JSON field, and each id in the path, replaced one at a time in an otherwise
 * valid request (real ids, so the value gets as far as it can) by what a field can never take —
 * a NUL, a lone surrogate, a very long string, a list for a single value, an id, date or number
 * that is not one. The answer is never a 5xx; an unsafe request is refused (4xx) and the tenant
 * is unchanged. Bytes that are not UTF-8 at all arrive as U+FFFD, valid text: those only must
 * not crash.
 */
describe('every parameter of every route', () => {
  type As = 'desk' | 'admin' | 'finance' | 'provider' | 'anonymous';
  type Fields = Record<string, string | number>;
  interface RouteCase {
    route: string;
    as: As;
    /** Real values of the path's parameters. */
    params?: () => Promise<Record<string, string>>;
    /** A valid request's fields: the query of a GET, else the form (or JSON) body. */
    fields?: () => Fields | Promise<Fields>;
    json?: boolean;
    /** Signing in and out write (sessions, audit) whatever the fields: only never a 5xx. */
    writes?: boolean;
    /** A refusal shows the patient's packages again, and every such view is audited. */
    auditsView?: boolean;
  }

  const NUL = 'a\u0000b';
  const LONG = 'x'.repeat(5000);
  /** Any text of the right length, a UUID or not. */
  const TOKENS = ['form_token', 'idempotency_key'];
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  /** Malformed values by what the valid value looks like. */
  function malformed(name: string, valid: string | number): string[] {
    const value = String(valid);
    if (TOKENS.includes(name)) return [];
    if (UUID.test(value))
      return ['not-an-id', '00000000-0000-0000-0000-000000000000', "1' or '1'='1"];
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return ['2026-12-20T25:00', '0000-01-01T00:00', 'soon'];
    if (/^\d{4}-\d\d-\d\d$/.test(value)) return ['2026-02-30', '0000-01-01', '2026-1-1', 'today'];
    if (/^\d\d:\d\d$/.test(value)) return ['25:00', '09:60', '9'];
    if (/^-?\d+(\.\d+)?$/.test(value)) return ['1e309', 'NaN', '99999999999999999999', 'ten'];
    return [];
  }

  let ids: Awaited<ReturnType<typeof demoIds>>;
  let sara: string;
  const token = () => crypto.randomUUID();
  const one = async <T>(query: Promise<T | undefined>) => (await query)!;
  const first = (table: 'appointments' | 'package_purchases' | 'packages' | 'users') =>
    one(
      database.db
        .selectFrom(table)
        .select('id')
        .where('tenant_id', '=', demo.demo)
        .orderBy('id')
        .executeTakeFirst(),
    ).then((row) => row.id);
  const booked = () =>
    one(
      database.db
        .selectFrom('appointments')
        .select('id')
        .where('tenant_id', '=', demo.demo)
        .where('status', '=', 'BOOKED')
        .orderBy('starts_at', 'desc')
        .executeTakeFirst(),
    ).then((row) => row.id);
  /** Ahmed's "10 SLP Sessions", 5 of 10 used. */
  const ahmedsPurchase = async () => {
    const [purchase] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    return { patient_id: purchase!.patient_id, package_purchase_id: purchase!.id };
  };
  /** A course of one session on Ahmed's purchase (his clinic, his provider's free Monday). */
  const courseFields = () => ({
    service_id: ids.speech,
    days: '1',
    day_provider_1: ids.faisal,
    time: '13:00',
    start_date: '2026-12-07',
    count: '1',
    idempotency_key: token(),
  });
  const clinicFields = () => ({ name_en: 'Fuzz Clinic', name_ar: 'عيادة', specialty: 'Speech' });
  const serviceFields = () => ({
    clinic_id: ids.slp,
    name_en: 'Fuzz Service',
    name_ar: 'خدمة',
    default_duration_minutes: '45',
    price: '300.00',
  });
  const packageFields = () => ({
    name_en: 'Fuzz Package',
    name_ar: 'باقة',
    price: '3000.00',
    validity_days: '90',
    active: 'on',
    'service_id[]': ids.speech,
    'sessions[]': '10',
  });
  const providerFields = () => ({
    name_en: 'Fuzz Provider',
    name_ar: 'أخصائي',
    clinic_ids: ids.slp,
  });
  const bookingFields = () => ({
    patient_id: sara,
    appointment_type: 'single',
    clinic_id: ids.slp,
    provider_id: ids.faisal,
    service_id: ids.speech,
    start: '2026-12-06T09:00:00+03:00',
  });
  const bookingQuery = () => ({ ...bookingFields(), date: '2026-12-06', duration: '45' });
  const id = (value: () => Promise<string> | string) => async () => ({ id: await value() });
  let group: Promise<string> | undefined;
  /** One group session of Dr. Huda's, out of hours (no demo appointment there). */
  const aGroup = () =>
    (group ??= createGroupSession(
      database.db,
      {
        tenant: { id: demo.demo },
        clinic: { id: ids.slp },
        service: { id: ids.speech },
        provider: { id: ids.huda },
      },
      { starts_at: new Date('2027-01-03T17:00:00Z') },
    ).then((row) => row.id));
  const groupFields = () => ({
    provider_id: ids.huda,
    date: '2026-12-06',
    time: '10:00',
    capacity: '5',
  });
  const newUser = async () => (await createUser(database.db, demo.demo)).id;
  const newProvider = async () => (await createProvider(database.db, demo.demo, [ids.slp])).id;

  const aPayment = async () =>
    (
      await database.db
        .selectFrom('payments')
        .select('id')
        .where('tenant_id', '=', demo.demo)
        .orderBy('id')
        .executeTakeFirstOrThrow()
    ).id;
  /** A report's filters: a preset, or (without one) the dates; a clinic; sales by week. */
  const reportFields = (range: string | undefined) => ({
    ...(range ? { range } : {}),
    from: '2026-11-01',
    to: '2026-11-30',
    clinic: ids.slp,
    by: 'week',
  });
  // More than any balance or payment: a request that only differs in one field is refused.
  const tooMuch = '999999.00';

  const ROUTES: RouteCase[] = [
    { route: 'GET /', as: 'desk' },
    { route: 'GET /my-day', as: 'provider', fields: () => ({ date: '2026-11-26' }) },
    { route: 'GET /my-day/week', as: 'provider', fields: () => ({ date: '2026-11-26' }) },
    { route: 'GET /healthz', as: 'anonymous' },
    { route: 'GET /readyz', as: 'anonymous' },
    {
      route: 'GET /appointments/api/purchases/:id/',
      as: 'desk',
      params: id(() => first('package_purchases')),
    },
    {
      route: 'POST /appointments/api/purchases/:id/payments/',
      as: 'desk',
      json: true,
      params: id(() => first('package_purchases')),
      fields: () => ({
        amount: tooMuch,
        method: 'CASH',
        reference: 'R-1',
        idempotency_key: token(),
      }),
    },
    {
      route: 'POST /appointments/api/purchases/:id/refunds/',
      as: 'admin',
      json: true,
      params: id(() => first('package_purchases')),
      fields: () => ({ amount: tooMuch, method: 'CASH', reason: 'Fuzz refund' }),
    },
    {
      route: 'POST /appointments/api/purchases/:id/transfer/',
      as: 'admin',
      json: true,
      params: id(() => first('package_purchases')),
      fields: () => ({ patient_id: 'not-a-patient', reason: 'Fuzz transfer' }),
    },
    {
      route: 'POST /appointments/api/purchases/:id/cancel-remaining/',
      as: 'admin',
      json: true,
      params: id(() => '00000000-0000-0000-0000-000000000000'),
      fields: () => ({ reason: 'Fuzz cancel' }),
    },
    {
      route: 'POST /appointments/api/purchases/:id/reschedule/',
      as: 'admin',
      json: true,
      params: id(() => first('package_purchases')),
      fields: () => ({ offset_days: '7', reason: 'Fuzz move' }),
    },
    {
      route: 'POST /appointments/api/series/',
      as: 'desk',
      json: true,
      fields: () => ({
        package_purchase_id: 'not-a-purchase',
        clinic_id: ids.slp,
        duration_minutes: '45',
        sessions: '[]',
      }),
    },
    {
      route: 'POST /appointments/api/appointments/:id/reschedule/',
      as: 'desk',
      json: true,
      params: id(booked),
      fields: () => ({ start: '2026-12-06T03:00:00+03:00', reason: 'Fuzz move' }),
    },
    {
      route: 'GET /appointments/new/course/:purchaseId',
      as: 'desk',
      params: async () => ({ purchaseId: (await ahmedsPurchase()).package_purchase_id }),
      fields: courseFields,
    },
    {
      route: 'POST /appointments/new/course/:purchaseId',
      as: 'desk',
      params: async () => ({ purchaseId: (await ahmedsPurchase()).package_purchase_id }),
      fields: () => ({ ...courseFields(), intent: 'book' }),
    },
    { route: 'GET /appointments/:id/reschedule', as: 'desk', params: id(booked) },
    {
      route: 'GET /appointments/:id/reschedule/slots',
      as: 'desk',
      params: id(booked),
      fields: () => ({ provider_id: ids.faisal, date: '2026-12-06', duration: '45' }),
    },
    {
      route: 'POST /appointments/:id/reschedule',
      as: 'desk',
      params: id(booked),
      fields: () => ({
        provider_id: ids.faisal,
        date: '2026-12-06',
        duration: '45',
        start: '2026-12-06T03:00:00+03:00',
        reason: 'Fuzz move',
      }),
    },
    { route: 'GET /receipts/:id', as: 'desk', params: id(aPayment) },
    { route: 'GET /reports', as: 'finance', fields: () => reportFields('last-month') },
    { route: 'GET /reports/liability.csv', as: 'finance', fields: () => reportFields(undefined) },
    { route: 'GET /reports/sales.csv', as: 'finance', fields: () => reportFields(undefined) },
    {
      route: 'GET /reports/:report',
      as: 'finance',
      params: () => Promise.resolve({ report: 'utilisation' }),
      fields: () => reportFields('this-year'),
    },
    {
      route: 'GET /reports/:report/csv',
      as: 'finance',
      params: () => Promise.resolve({ report: 'usage' }),
      fields: () => ({ ...reportFields(undefined), table: 'usage-by-clinic' }),
    },
    { route: 'POST /admin/users/:id/unlock', as: 'admin', params: id(newUser) },
    { route: 'GET /admin/messages', as: 'admin' },
    { route: 'GET /admin/calendar-feeds', as: 'admin', fields: () => ({ done: 'revoked' }) },
    {
      route: 'POST /admin/calendar-feeds',
      as: 'admin',
      fields: () => ({ owner_type: 'provider', owner_id: ids.huda, form_token: token() }),
    },
    {
      route: 'POST /admin/calendar-feeds/:id/revoke',
      as: 'admin',
      params: id(
        async () =>
          (
            await createCalendarFeed(
              database.db,
              demo.demo,
              { providerId: ids.huda },
              await first('users'),
            )
          ).id,
      ),
    },
    {
      route: 'POST /admin/messages/:id/retry',
      as: 'admin',
      params: id(async () => (await createDeadMessage(database.db, demo.demo)).id),
    },
    { route: 'GET /login', as: 'anonymous', fields: () => ({ next: '/patients', lang: 'ar' }) },
    {
      route: 'POST /login',
      as: 'anonymous',
      fields: () => ({ email: 'admin@demo.test', password: 'not the password', next: '/' }),
      writes: true,
    },
    { route: 'POST /logout', as: 'anonymous', writes: true },
    { route: 'POST /account/locale', as: 'desk', fields: () => ({ locale: 'en' }) },
    { route: 'GET /account/password', as: 'desk', fields: () => ({ changed: '1' }) },
    {
      route: 'POST /account/password',
      as: 'finance',
      fields: () => ({
        current_password: DEMO_PASSWORD,
        new_password: 'a long enough password',
        confirm_password: 'a long enough password',
      }),
    },
    {
      route: 'GET /appointments/new',
      as: 'desk',
      fields: () => ({
        patient_id: sara,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        date: '2026-12-06',
        time: '10:00',
      }),
    },
    { route: 'GET /appointments/new/patients', as: 'desk', fields: () => ({ q: 'Sara' }) },
    { route: 'GET /appointments/new/patient', as: 'desk', fields: () => ({ patient_id: sara }) },
    { route: 'GET /appointments/new/patient-form', as: 'desk', fields: () => ({ q: 'Sara' }) },
    {
      route: 'POST /appointments/new/register',
      as: 'desk',
      fields: () => ({ name_en: 'Fuzz Walk-in', phone: '0501234567', form_token: token() }),
    },
    { route: 'GET /appointments/new/reset', as: 'desk' },
    {
      route: 'GET /appointments/new/package-modal',
      as: 'desk',
      fields: () => ({ patient_id: sara }),
    },
    {
      route: 'GET /appointments/new/package',
      as: 'desk',
      fields: ahmedsPurchase,
    },
    {
      route: 'GET /appointments/new/package-section',
      as: 'desk',
      fields: ahmedsPurchase,
    },
    {
      route: 'POST /appointments/new/assign',
      as: 'admin',
      // an administrator's discount, and more than the net price: every variant is refused,
      // whichever field it spoils
      fields: async () => ({
        patient_id: sara,
        package_id: await demo.pkg('20 ABA Therapy Package'),
        idempotency_key: token(),
        discount: '100.00',
        discount_reason: 'Fuzz discount',
        payment: 'now',
        amount: tooMuch,
        method: 'CASH',
        reference: 'R-1',
      }),
    },
    {
      route: 'GET /appointments/new/sale',
      as: 'desk',
      fields: async () => ({
        patient_id: sara,
        package_id: await demo.pkg('20 ABA Therapy Package'),
      }),
    },
    { route: 'GET /appointments/new/providers', as: 'desk', fields: bookingQuery },
    { route: 'GET /appointments/new/schedule', as: 'desk', fields: bookingQuery },
    { route: 'GET /appointments/new/slots', as: 'desk', fields: bookingQuery },
    {
      route: 'GET /appointments/new/group-payment',
      as: 'desk',
      fields: async () => ({ patient_id: sara, group_session_id: await aGroup() }),
    },
    {
      route: 'POST /appointments/new/book',
      as: 'desk',
      // the form's date only narrows the slot list; the start says when
      fields: () => ({ ...bookingFields(), duration: '45', idempotency_key: token() }),
    },
    {
      route: 'GET /appointments/api/packages-for-patient/',
      as: 'desk',
      fields: () => ({ patient: sara }),
    },
    {
      route: 'POST /appointments/api/assign-package/',
      as: 'desk',
      json: true,
      // more than the net price: every variant is refused, whichever field it spoils
      fields: async () => ({
        patient_id: sara,
        package_id: await demo.pkg('20 ABA Therapy Package'),
        idempotency_key: token(),
        discount: '100.00',
        discount_reason: 'Fuzz discount',
        payment: 'now',
        amount: tooMuch,
        method: 'CASH',
        reference: 'R-1',
      }),
    },
    {
      route: 'GET /appointments/new/sale',
      as: 'desk',
      fields: async () => ({
        patient_id: sara,
        package_id: await demo.pkg('20 ABA Therapy Package'),
      }),
    },
    {
      route: 'GET /appointments/api/package-clinics/',
      as: 'desk',
      fields: async () => ({ package_id: await demo.pkg('20 ABA Therapy Package') }),
    },
    {
      route: 'GET /appointments/api/providers/',
      as: 'desk',
      fields: () => ({ clinic_id: ids.slp, service_id: ids.speech }),
    },
    {
      route: 'GET /appointments/api/slots/',
      as: 'desk',
      fields: () => ({
        provider_id: ids.faisal,
        date: '2026-12-06',
        duration: '45',
        patient_id: sara,
      }),
    },
    {
      route: 'POST /appointments/api/book/',
      as: 'desk',
      json: true,
      fields: () => ({ ...bookingFields(), duration_minutes: 45, idempotency_key: token() }),
    },
    {
      route: 'POST /appointments/api/appointments/:id/cancel/',
      as: 'desk',
      json: true,
      params: id(booked),
      fields: () => ({ reason: 'Family travel' }),
    },
    {
      route: 'GET /appointments',
      as: 'desk',
      fields: () => ({ date: '2026-12-06', clinic: ids.slp, provider: ids.huda }),
    },
    {
      route: 'GET /appointments/week',
      as: 'desk',
      fields: () => ({ provider: ids.huda, date: '2026-12-06' }),
    },
    { route: 'GET /appointments/:id', as: 'desk', params: id(() => first('appointments')) },
    {
      route: 'POST /appointments/:id/cancel',
      as: 'desk',
      params: id(booked),
      fields: () => ({ reason: 'Family travel' }),
    },
    {
      route: 'POST /appointments/:id/status',
      as: 'desk',
      params: id(booked),
      fields: () => ({ status: 'CONFIRMED' }),
    },
    {
      route: 'POST /appointments/:id/revert',
      as: 'desk',
      params: id(booked),
      fields: () => ({ reason: 'Marked the wrong patient' }),
    },
    { route: 'GET /patients', as: 'desk', fields: () => ({ q: 'Sara', page: '1' }) },
    { route: 'GET /patients/new', as: 'desk' },
    {
      route: 'POST /patients',
      as: 'desk',
      fields: () => ({
        name_en: 'Fuzz Patient',
        name_ar: 'مريض',
        phone: '0501234568',
        date_of_birth: '2015-04-01',
        form_token: token(),
      }),
    },
    {
      route: 'GET /patients/:id',
      as: 'desk',
      params: id(() => sara),
      fields: () => ({ done: 'registered' }),
    },
    { route: 'GET /patients/:id/edit', as: 'desk', params: id(() => sara) },
    {
      route: 'POST /patients/:id/edit',
      as: 'desk',
      params: id(() => sara),
      fields: () => ({
        name_en: 'Sara Al-Harbi',
        phone: '0501234569',
        date_of_birth: '2016-05-02',
      }),
    },
    {
      route: 'POST /patients/:id/packages/:purchaseId/extend',
      as: 'admin',
      params: async () => {
        const purchase = await ahmedsPurchase();
        return { id: purchase.patient_id, purchaseId: purchase.package_purchase_id };
      },
      fields: () => ({ days: '30', reason: 'Medical leave' }),
      auditsView: true,
    },
    {
      route: 'POST /patients/:id/packages/:purchaseId/payments',
      as: 'desk',
      params: async () => {
        const purchase = await ahmedsPurchase();
        return { id: purchase.patient_id, purchaseId: purchase.package_purchase_id };
      },
      // more than the balance: every variant is refused, whichever field it spoils
      fields: () => ({
        amount: tooMuch,
        method: 'CASH',
        reference: 'R-1',
        idempotency_key: token(),
      }),
      auditsView: true,
    },
    {
      route: 'POST /patients/:id/packages/:purchaseId/refunds',
      as: 'admin',
      params: async () => {
        const purchase = await ahmedsPurchase();
        return { id: purchase.patient_id, purchaseId: purchase.package_purchase_id };
      },
      fields: () => ({
        amount: tooMuch,
        method: 'CASH',
        reason: 'Fuzz refund',
        idempotency_key: token(),
      }),
      auditsView: true,
    },
    {
      route: 'GET /patients/:id/packages/:purchaseId/recipients',
      as: 'admin',
      params: async () => {
        const purchase = await ahmedsPurchase();
        return { id: purchase.patient_id, purchaseId: purchase.package_purchase_id };
      },
      fields: () => ({ q: 'Sara' }),
    },
    {
      route: 'POST /patients/:id/packages/:purchaseId/transfer',
      as: 'admin',
      params: async () => {
        const purchase = await ahmedsPurchase();
        return { id: purchase.patient_id, purchaseId: purchase.package_purchase_id };
      },
      fields: () => ({ patient_id: 'not-a-patient', reason: 'Fuzz transfer' }),
      auditsView: true,
    },
    {
      route: 'POST /patients/:id/packages/:purchaseId/cancel-remaining',
      as: 'admin',
      params: () =>
        Promise.resolve({ id: sara, purchaseId: '00000000-0000-4000-8000-000000000000' }),
      fields: () => ({ reason: 'Fuzz cancel' }),
    },
    {
      route: 'POST /patients/:id/packages/:purchaseId/reschedule',
      as: 'desk',
      params: async () => {
        const purchase = await ahmedsPurchase();
        return { id: purchase.patient_id, purchaseId: purchase.package_purchase_id };
      },
      fields: () => ({ offset_days: '0', reason: 'Fuzz move' }),
      auditsView: true,
    },
    { route: 'GET /admin/clinics', as: 'admin' },
    { route: 'GET /admin/clinics/new', as: 'admin' },
    {
      route: 'POST /admin/clinics',
      as: 'admin',
      fields: () => ({ ...clinicFields(), form_token: token() }),
    },
    { route: 'GET /admin/clinics/:id/edit', as: 'admin', params: id(() => ids.slp) },
    {
      route: 'POST /admin/clinics/:id',
      as: 'admin',
      params: id(async () => (await createClinic(database.db, demo.demo)).id),
      fields: clinicFields,
    },
    { route: 'GET /admin/services', as: 'admin' },
    { route: 'GET /admin/services/new', as: 'admin', fields: () => ({ clinic_id: ids.slp }) },
    {
      route: 'POST /admin/services',
      as: 'admin',
      fields: () => ({ ...serviceFields(), form_token: token() }),
    },
    { route: 'GET /admin/services/:id/edit', as: 'admin', params: id(() => ids.speech) },
    {
      route: 'POST /admin/services/:id',
      as: 'admin',
      params: id(async () => (await createService(database.db, demo.demo, ids.slp)).id),
      fields: serviceFields,
    },
    { route: 'GET /admin/group-sessions', as: 'admin' },
    { route: 'GET /admin/group-sessions/new', as: 'admin' },
    {
      route: 'GET /admin/group-sessions/providers',
      as: 'admin',
      fields: () => ({ service_id: ids.speech }),
    },
    {
      route: 'POST /admin/group-sessions',
      as: 'admin',
      fields: () => ({ ...groupFields(), service_id: ids.speech, form_token: token() }),
    },
    { route: 'GET /admin/group-sessions/:id/edit', as: 'admin', params: id(aGroup) },
    {
      route: 'POST /admin/group-sessions/:id',
      as: 'admin',
      params: id(aGroup),
      fields: groupFields,
    },
    { route: 'GET /admin/group-sessions/:id/cancel', as: 'admin', params: id(aGroup) },
    {
      route: 'POST /admin/group-sessions/:id/cancel',
      as: 'admin',
      params: id(aGroup),
      fields: () => ({ reason: 'Fuzz reason' }),
    },
    { route: 'GET /admin/packages', as: 'admin' },
    { route: 'GET /admin/packages/new', as: 'admin' },
    {
      route: 'POST /admin/packages',
      as: 'admin',
      fields: () => ({ ...packageFields(), form_token: token() }),
    },
    { route: 'GET /admin/packages/:id/edit', as: 'admin', params: id(() => first('packages')) },
    {
      route: 'POST /admin/packages/:id',
      as: 'admin',
      params: id(
        async () =>
          (await createPackage(database.db, demo.demo, [{ serviceId: ids.speech, sessions: 10 }]))
            .id,
      ),
      fields: packageFields,
    },
    { route: 'GET /admin/providers', as: 'admin' },
    { route: 'GET /admin/providers/new', as: 'admin' },
    {
      route: 'POST /admin/providers',
      as: 'admin',
      fields: () => ({ ...providerFields(), form_token: token() }),
    },
    { route: 'GET /admin/providers/:id/edit', as: 'admin', params: id(() => ids.huda) },
    {
      route: 'POST /admin/providers/:id',
      as: 'admin',
      params: id(newProvider),
      fields: providerFields,
    },
    { route: 'GET /admin/providers/:id/schedule', as: 'admin', params: id(() => ids.huda) },
    {
      route: 'POST /admin/providers/:id/schedule',
      as: 'admin',
      params: id(newProvider),
      fields: () => ({ 'start_0[]': '09:00', 'end_0[]': '17:00' }),
    },
    { route: 'GET /admin/providers/:id/time-off', as: 'admin', params: id(() => ids.huda) },
    {
      route: 'POST /admin/providers/:id/time-off',
      as: 'admin',
      params: id(newProvider),
      fields: () => ({
        form_token: token(),
        starts_at: '2026-12-20T09:00',
        ends_at: '2026-12-20T17:00',
        reason: 'Conference',
      }),
    },
    {
      route: 'POST /admin/providers/:id/time-off/:timeOffId/remove',
      as: 'admin',
      params: async () => {
        const provider = await newProvider();
        const off = await createTimeOff(database.db, demo.demo, provider);
        return { id: provider, timeOffId: off.id };
      },
    },
    {
      route: 'GET /admin/audit',
      as: 'admin',
      fields: async () => ({
        action: 'appointment.book',
        entity: 'appointment',
        actor: await first('users'),
        entity_id: await first('appointments'),
        from: '2026-11-01',
        to: '2026-12-31',
        before: await first('appointments'),
      }),
    },
    { route: 'GET /admin/users', as: 'admin', fields: () => ({ done: 'created' }) },
    { route: 'GET /admin/users/new', as: 'admin' },
    {
      route: 'POST /admin/users',
      as: 'admin',
      fields: () => ({
        name: 'Fuzz User',
        email: 'fuzz.user@demo.test',
        role: 'FRONT_DESK',
        locale: 'en',
        password: 'a long enough password',
        form_token: token(),
      }),
    },
    { route: 'GET /admin/users/:id', as: 'admin', params: id(() => first('users')) },
    {
      route: 'POST /admin/users/:id',
      as: 'admin',
      params: id(newUser),
      fields: () => ({ name: 'Fuzz User', role: 'FINANCE', locale: 'ar' }),
    },
    {
      route: 'POST /admin/users/:id/password',
      as: 'admin',
      params: id(newUser),
      fields: () => ({ password: 'a long enough password' }),
    },
    {
      route: 'POST /admin/users/:id/active',
      as: 'admin',
      params: id(newUser),
      fields: () => ({ active: 'false' }),
    },
    { route: 'GET /admin/settings', as: 'admin', fields: () => ({ saved: '1' }) },
    {
      route: 'POST /admin/settings',
      as: 'admin',
      fields: () => ({
        name: 'Demo Therapy Centre',
        timezone: 'Asia/Riyadh',
        currency: 'SAR',
        cancellation_window_hours: '24',
        channels: 'log',
        reminder_hours_before: '24',
        quiet_hours_start: '21:00',
        quiet_hours_end: '08:00',
        vat_percent: '15',
        vat_number: '300000000000003',
        country: 'SA',
      }),
    },
  ];
  /** A stream that stays open: it reads no parameter, and the stream tests cover it. */
  /** The stream never ends; a feed's path is its token alone (tests/routes/calendar-feed.test.ts). */
  const NOT_FUZZED = ['GET /events', 'GET /calendar/:token{[A-Za-z0-9_-]{43}\\.ics}'];

  let clients: Record<As, TestClient>;
  beforeAll(async () => {
    ids = await demoIds(database.db, demo.demo);
    sara = await demo.patient('Sara Al-Harbi');
    clients = {
      desk,
      admin: await demo.signIn('admin@demo.test'),
      finance: await demo.signIn('finance@demo.test'),
      provider: await demo.signIn('provider@demo.test'),
      anonymous: new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app),
    };
  });

  it('names every route of the app', () => {
    const app = createApp({ db: database.db, clock: () => DEMO_NOW, bus: unwiredBus });
    const registered = new Set(
      app.routes
        .filter((route) => !['ALL', 'HEAD', 'OPTIONS'].includes(route.method))
        .map((route) => `${route.method} ${route.path}`),
    );
    const named = new Set([...ROUTES.map((r) => r.route), ...NOT_FUZZED]);
    expect([...registered].filter((route) => !named.has(route))).toEqual([]);
  });

  /** One variant of the valid request: a field's value replaced (already URL-encoded). */
  type Variant = { label: string; path: Record<string, string>; fields: [string, string][] };
  const encode = (fields: Fields): [string, string][] =>
    Object.entries(fields).map(([name, value]) => [name, encodeURIComponent(String(value))]);

  function variants(params: Record<string, string>, fields: Fields): Variant[] {
    const valid = encode(fields);
    const out: Variant[] = [];
    for (const name of Object.keys(params)) {
      for (const bad of ['not-an-id', '00000000-0000-0000-0000-000000000000', 'a%00b', '%20']) {
        out.push({ label: `:${name}=${bad}`, path: { ...params, [name]: bad }, fields: valid });
      }
    }
    for (const [name, value] of Object.entries(fields)) {
      const others = valid.filter(([other]) => other !== name);
      const values = [NUL, LONG, ...malformed(name, value)].map(encodeURIComponent);
      for (const bad of values) {
        out.push({
          label: `${name}=${bad.slice(0, 30)}`,
          path: params,
          fields: [...others, [name, bad]],
        });
      }
      // A checkbox group (`channels`) is sent once per ticked box: twice is valid there.
      if (!name.endsWith('[]') && name !== 'channels') {
        const twice = encodeURIComponent(String(value));
        out.push({
          label: `${name} twice`,
          path: params,
          fields: [...others, [name, twice], [name, twice]],
        });
      }
    }
    return out;
  }

  /** Not UTF-8 (a lone surrogate as WTF-8, a stray byte): arrives as U+FFFD, valid text. */
  function undecodable(params: Record<string, string>, fields: Fields): Variant[] {
    const valid = encode(fields);
    return Object.keys(fields).flatMap((name) =>
      ['%ED%A0%80', '%FF'].map((bad) => ({
        label: `${name}=${bad}`,
        path: params,
        fields: [...valid.filter(([other]) => other !== name), [name, bad] as [string, string]],
      })),
    );
  }

  function withoutViewAudit(entry: RouteCase, sums: Awaited<ReturnType<typeof everyTenant>>) {
    if (!entry.auditsView) return sums;
    const demoSums = Object.fromEntries(
      Object.entries(sums.demo).filter(([table]) => table !== 'audit_log'),
    );
    return { ...sums, demo: demoSums };
  }

  async function send(entry: RouteCase, variant: Variant, htmx: boolean) {
    const [method, template] = entry.route.split(' ') as [string, string];
    const path = template.replace(/:(\w+)/g, (_, name: string) => variant.path[name] ?? '');
    const pairs = variant.fields.map(([name, value]) => `${encodeURIComponent(name)}=${value}`);
    const client = clients[entry.as];
    if (method === 'GET') {
      return client.request(pairs.length ? `${path}?${pairs.join('&')}` : path, { htmx });
    }
    if (!entry.json) {
      return client.request(path, {
        method,
        htmx,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: pairs.join('&'),
      });
    }
    // JSON: the same values decoded, a field sent twice becomes a list
    const body: Record<string, unknown> = {};
    for (const [name, value] of variant.fields) {
      const decoded = safeDecode(value);
      body[name] = name in body ? [body[name], decoded] : decoded;
    }
    return client.request(path, { method, json: body });
  }

  function safeDecode(value: string): string {
    try {
      return decodeURIComponent(value);
    } catch {
      return '\ud800';
    }
  }

  it.each(ROUTES.map((entry) => [entry.route, entry] as const))(
    '%s: never a 5xx, an unsafe request refused and nothing written',
    async (route, entry) => {
      const params = (await entry.params?.()) ?? {};
      const fields = (await entry.fields?.()) ?? {};
      const htmx = route.includes('/appointments/new/') || route.includes('/:id/status');
      const unsafe = !route.startsWith('GET ');
      const before = await everyTenant();
      const failures: string[] = [];
      for (const variant of variants(params, fields)) {
        // fresh tokens and keys: a refusal must not come from a reused one
        if ('form_token' in fields || 'idempotency_key' in fields) {
          variant.fields = variant.fields.map(([name, value]) =>
            (name === 'form_token' || name === 'idempotency_key') &&
            value === encodeURIComponent(String(fields[name]))
              ? [name, token()]
              : [name, value],
          );
        }
        const response = await send(entry, variant, htmx);
        await response.arrayBuffer();
        const refused = response.status >= 400 && response.status < 500;
        if (response.status >= 500 || (unsafe && !entry.writes && !refused)) {
          failures.push(`${variant.label} → ${response.status}`);
        }
      }
      expect(failures).toEqual([]);
      if (!entry.writes)
        expect(withoutViewAudit(entry, await everyTenant())).toEqual(
          withoutViewAudit(entry, before),
        );
      for (const variant of undecodable(params, fields)) {
        const response = await send(entry, variant, htmx);
        await response.arrayBuffer();
        if (response.status >= 500) failures.push(`${variant.label} → ${response.status}`);
      }
      expect(failures).toEqual([]);
    },
  );
});
