import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../support/app.js';
import { demoIds } from '../../support/booking.js';
import { TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import { QueryCounter } from '../../../src/db/query-counter.js';
import type { TestDatabase } from '../../support/test-db.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

async function json(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return (await response.json()) as Record<string, unknown>;
}

async function purchaseCount(): Promise<number> {
  const row = await database.db
    .selectFrom('package_purchases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function expectError(body: Record<string, unknown>, code: string) {
  expect(body).toMatchObject({ success: false, error: { code, message: expect.any(String) } });
}

describe('GET /appointments/api/packages-for-patient/', () => {
  it('answers with exactly the fields and types of SPEC §4', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const response = await desk.request(`/appointments/api/packages-for-patient/?patient=${ahmed}`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(Object.keys(body).sort()).toEqual(
      ['assigned_packages', 'available_packages', 'patient_id', 'patient_name', 'success'].sort(),
    );
    expect(body).toMatchObject({
      success: true,
      patient_id: ahmed,
      patient_name: 'Ahmed Al-Rashid',
    });

    const assigned = body.assigned_packages as Record<string, unknown>[];
    expect(assigned).toHaveLength(1);
    expect(assigned[0]).toEqual({
      id: expect.stringMatching(UUID),
      type: 'purchase',
      name: '10 SLP Sessions',
      total_sessions: 10,
      sessions_used: 5,
      sessions_remaining: 5,
      purchase_date: expect.stringMatching(DATE),
      expiry_date: expect.stringMatching(DATE),
      is_expired: false,
    });

    const available = body.available_packages as Record<string, unknown>[];
    expect(available).toHaveLength(5);
    for (const entry of available) {
      expect(Object.keys(entry).sort()).toEqual(
        ['id', 'name', 'price', 'services', 'total_sessions', 'type', 'validity_days'].sort(),
      );
      expect(entry).toMatchObject({
        id: expect.stringMatching(UUID),
        type: 'package',
        name: expect.any(String),
        total_sessions: expect.any(Number),
        price: expect.any(Number),
        validity_days: expect.any(Number),
      });
      for (const service of entry.services as Record<string, unknown>[]) {
        expect(service).toEqual({
          name: expect.any(String),
          sessions: expect.any(Number),
          clinic: expect.any(String),
          clinic_id: expect.stringMatching(UUID),
        });
      }
    }
    expect(available.find((p) => p.name === '20 ABA Therapy Package')).toMatchObject({
      total_sessions: 20,
      price: 5000,
      validity_days: 90,
      services: [{ name: 'ABA Therapy', sessions: 20, clinic: 'ABA Clinic' }],
    });
  });

  it('marks an expired purchase', async () => {
    const khalid = await demo.patient('Khalid Al-Dosari');
    const body = await json(
      await desk.request(`/appointments/api/packages-for-patient/?patient=${khalid}`),
    );
    expect(body.assigned_packages).toEqual([expect.objectContaining({ is_expired: true })]);
  });

  it.each([
    ['no patient', ''],
    ['an empty patient', '?patient='],
    ['a malformed patient', '?patient=not-a-uuid'],
  ])('answers %s with 400', async (_case, query) => {
    const response = await desk.request(`/appointments/api/packages-for-patient/${query}`);
    expect(response.status).toBe(400);
    expectError(await json(response), 'invalid_address');
  });

  it("answers an unknown or another tenant's patient with 404, leaking nothing", async () => {
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    for (const id of [mariam, crypto.randomUUID()]) {
      const response = await desk.request(`/appointments/api/packages-for-patient/?patient=${id}`);
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(text).not.toContain('Mariam');
      expectError(JSON.parse(text) as Record<string, unknown>, 'patient_not_found');
    }
  });

  it('answers 401 without a session', async () => {
    const anonymous = new TestClient(createTestApp(database.db).app);
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const response = await anonymous.request(
      `/appointments/api/packages-for-patient/?patient=${ahmed}`,
    );
    expect(response.status).toBe(401);
    expectError(await json(response), 'unauthenticated');
  });
});

describe('POST /appointments/api/assign-package/', () => {
  it('assigns, answering with exactly the fields of SPEC §4', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const response = await desk.request('/appointments/api/assign-package/', {
      json: { package_id: await demo.pkg('12 OT Sessions'), patient_id: sara },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toEqual({
      success: true,
      package_purchase_id: expect.stringMatching(UUID),
      message: 'Package assigned to patient successfully',
      package_name: '12 OT Sessions',
      total_sessions: 12,
      expiry_date: '2027-03-25',
    });
    const purchases = await demo.purchasesOf(sara);
    expect(purchases.map((p) => p.id)).toContain(body.package_purchase_id);
  });

  it('assigns once for one idempotency key, answering the same each time', async () => {
    const omar = await demo.patient('Omar Al-Qahtani');
    const request = {
      package_id: await demo.pkg('10 SLP Sessions'),
      patient_id: omar,
      idempotency_key: crypto.randomUUID(),
    };
    const before = (await demo.purchasesOf(omar)).length;
    const first = await json(
      await desk.request('/appointments/api/assign-package/', { json: request }),
    );
    const second = await json(
      await desk.request('/appointments/api/assign-package/', { json: request }),
    );
    expect(second).toEqual(first);
    expect(await demo.purchasesOf(omar)).toHaveLength(before + 1);
  });

  it('refuses a reused key for another assignment with 409', async () => {
    const key = crypto.randomUUID();
    const omar = await demo.patient('Omar Al-Qahtani');
    await desk.request('/appointments/api/assign-package/', {
      json: {
        package_id: await demo.pkg('10 SLP Sessions'),
        patient_id: omar,
        idempotency_key: key,
      },
    });
    const before = await purchaseCount();
    const response = await desk.request('/appointments/api/assign-package/', {
      json: {
        package_id: await demo.pkg('12 OT Sessions'),
        patient_id: omar,
        idempotency_key: key,
      },
    });
    expect(response.status).toBe(409);
    expect(await purchaseCount()).toBe(before);
  });

  it.each(['provider@demo.test', 'finance@demo.test'])('refuses %s with 403', async (email) => {
    const client = await demo.signIn(email);
    const before = await purchaseCount();
    const response = await client.request('/appointments/api/assign-package/', {
      json: {
        package_id: await demo.pkg('12 OT Sessions'),
        patient_id: await demo.patient('Sara Al-Harbi'),
      },
    });
    expect(response.status).toBe(403);
    expectError(await json(response), 'forbidden');
    expect(await purchaseCount()).toBe(before);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const before = await purchaseCount();
    const sara = await demo.patient('Sara Al-Harbi');
    const cases: [unknown, number, string][] = [
      [{ patient_id: sara }, 422, 'invalid'],
      [{ package_id: 'abc', patient_id: sara }, 422, 'invalid'],
      [{ package_id: 7, patient_id: [sara] }, 422, 'invalid'],
      [
        { package_id: await demo.pkg('Summer ABA Camp (retired)'), patient_id: sara },
        409,
        'package_not_sold',
      ],
      [{ package_id: crypto.randomUUID(), patient_id: sara }, 404, 'package_not_found'],
      [
        { package_id: await demo.pkg('10 Speech Sessions', demo.other), patient_id: sara },
        404,
        'package_not_found',
      ],
      [
        {
          package_id: await demo.pkg('12 OT Sessions'),
          patient_id: await demo.patient('Mariam Al-Mansoori', demo.other),
        },
        404,
        'patient_not_found',
      ],
    ];
    for (const [body, status, code] of cases) {
      const response = await desk.request('/appointments/api/assign-package/', { json: body });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expectError(await json(response), code);
    }
    const validation = await json(
      await desk.request('/appointments/api/assign-package/', { json: { patient_id: sara } }),
    );
    expect(validation).toMatchObject({ error: { fields: { package_id: expect.any(String) } } });
    expect(await purchaseCount()).toBe(before);
  });

  it('refuses malformed JSON with 400 and a missing CSRF token with 403', async () => {
    const before = await purchaseCount();
    const malformed = await desk.request('/appointments/api/assign-package/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    const noToken = await desk.request('/appointments/api/assign-package/', {
      json: {
        package_id: await demo.pkg('12 OT Sessions'),
        patient_id: await demo.patient('Sara Al-Harbi'),
      },
      csrf: false,
    });
    expect(noToken.status).toBe(403);
    expect(await purchaseCount()).toBe(before);
  });
});

describe('GET /appointments/api/package-clinics/', () => {
  it('narrows a purchase to the clinics of services with sessions left', async () => {
    const [purchase] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    const body = await json(
      await desk.request(`/appointments/api/package-clinics/?package_purchase_id=${purchase!.id}`),
    );
    expect(body).toEqual({
      success: true,
      clinics: [
        {
          id: expect.stringMatching(UUID),
          name_en: 'SLP Clinic',
          name_ar: 'عيادة النطق',
          specialty: 'SLP',
        },
      ],
      package_name: '10 SLP Sessions',
    });
  });

  it('drops a clinic once its service is used up', async () => {
    const noura = await demo.patient('Noura Al-Shammari');
    const [combo] = await demo.purchasesOf(noura);
    const path = `/appointments/api/package-clinics/?package_purchase_id=${combo!.id}`;
    const before = await json(await desk.request(path));
    expect((before.clinics as { name_en: string }[]).map((c) => c.name_en)).toEqual([
      'OT Clinic',
      'SLP Clinic',
    ]);
    const ot = await database.db
      .selectFrom('services')
      .select('id')
      .where('tenant_id', '=', demo.demo)
      .where('name_en', '=', 'Occupational Therapy Session')
      .executeTakeFirstOrThrow();
    // A test-only shortcut standing for six OT sessions booked.
    await database.db
      .updateTable('purchase_services')
      .set((eb) => ({ sessions_used: eb.ref('sessions') }))
      .where('purchase_id', '=', combo!.id)
      .where('service_id', '=', ot.id)
      .execute();
    const after = await json(await desk.request(path));
    expect((after.clinics as { name_en: string }[]).map((c) => c.name_en)).toEqual(['SLP Clinic']);
  });

  it('lists the clinics of a catalogue package', async () => {
    const combo = await demo.pkg('Speech & OT Combo');
    const body = await json(
      await desk.request(`/appointments/api/package-clinics/?package_id=${combo}`),
    );
    expect(body.package_name).toBe('Speech & OT Combo');
    expect((body.clinics as { name_en: string }[]).map((c) => c.name_en)).toEqual([
      'OT Clinic',
      'SLP Clinic',
    ]);
  });

  it.each([
    ['neither id', ''],
    ['both ids', `?package_id=${crypto.randomUUID()}&package_purchase_id=${crypto.randomUUID()}`],
    ['a malformed id', '?package_id=12'],
  ])('answers %s with 400', async (_case, query) => {
    const response = await desk.request(`/appointments/api/package-clinics/${query}`);
    expect(response.status).toBe(400);
  });

  it("answers another tenant's package or purchase with 404, an inactive package with 409", async () => {
    const foreignPackage = await demo.pkg('10 Speech Sessions', demo.other);
    const [foreignPurchase] = await demo.purchasesOf(
      await demo.patient('Mariam Al-Mansoori', demo.other),
    );
    expect(
      (await desk.request(`/appointments/api/package-clinics/?package_id=${foreignPackage}`))
        .status,
    ).toBe(404);
    expect(
      (
        await desk.request(
          `/appointments/api/package-clinics/?package_purchase_id=${foreignPurchase!.id}`,
        )
      ).status,
    ).toBe(404);
    const retired = await demo.pkg('Summer ABA Camp (retired)');
    expect(
      (await desk.request(`/appointments/api/package-clinics/?package_id=${retired}`)).status,
    ).toBe(409);
  });
});

describe('statements per request', () => {
  it('reads each step of the booking flow in one statement (the session is cached)', async () => {
    const ids = await demoIds(database.db, demo.demo);
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const combo = await demo.pkg('Speech & OT Combo');
    const counter = new QueryCounter();
    const client = await demo.signIn('frontdesk@demo.test', database.db.withPlugin(counter));
    await client.request('/'); // the session is looked up once, then cached
    const slots = `provider_id=${ids.huda}&date=2026-11-29&duration=45`;
    const counts: Record<string, number> = {};
    for (const path of [
      `/appointments/api/package-clinics/?package_purchase_id=${purchase!.id}`,
      `/appointments/api/package-clinics/?package_id=${combo}`,
      `/appointments/api/providers/?clinic_id=${ids.slp}`,
      `/appointments/api/providers/?clinic_id=${ids.slp}&service_id=${ids.speech}`,
      `/appointments/api/slots/?${slots}`,
      `/appointments/api/slots/?${slots}&patient_id=${ahmed}`,
    ]) {
      counter.count = 0;
      const response = await client.request(path);
      expect(response.status, path).toBe(200);
      counts[path] = counter.count;
    }
    expect(Object.values(counts)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('providers: a service of another clinic is 404, the clinic’s own or none lists them', async () => {
    const ids = await demoIds(database.db, demo.demo);
    const client = await demo.signIn('frontdesk@demo.test');
    const providers = (query: string) => client.request(`/appointments/api/providers/?${query}`);
    const elsewhere = await providers(`clinic_id=${ids.slp}&service_id=${ids.aba_therapy}`);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ error: { code: 'service_not_in_clinic' } });
    for (const query of [`clinic_id=${ids.slp}&service_id=${ids.speech}`, `clinic_id=${ids.slp}`]) {
      const response = await providers(query);
      expect(response.status, query).toBe(200);
      const body = (await response.json()) as { providers: { name_en: string }[] };
      expect(
        body.providers.map((p) => p.name_en),
        query,
      ).toContain('Dr. Huda Al-Zahrani');
    }
  });
});
