import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import { demoIds } from '../support/booking.js';
import type { RequestOptions, TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import type { TestDatabase } from '../support/test-db.js';
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
    ]),
  },
  { name: 'POST book (form)', request: post(true, () => '/appointments/new/book', BOOKING_FIELDS) },
  {
    name: 'POST cancel (form)',
    request: post(true, (id) => `/appointments/${id}/cancel`, ['reason']),
  },
  { name: 'POST status', request: post(true, (id) => `/appointments/${id}/status`, ['status']) },
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
