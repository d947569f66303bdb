import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenTo } from '../events/changes.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import { html, type TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { PATIENT_PACKAGES_ID } from '../../src/views/patients/patient-page.js';

let database: TestDatabase, demo: DemoFixture, admin: TestClient, ids: DemoIds;
let adminId: string;

beforeAll(async () => {
  ({ database, demo, desk: admin } = await openSignedInDemo('admin@demo.test'));
  ids = await demoIds(database.db, demo.demo);
  adminId = (
    await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'admin@demo.test')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => database.close());

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

/** A fresh patient with a 10-session speech purchase bought on DEMO_NOW's day. */
async function freshPurchase(values: { expiry_date?: string; status?: 'ACTIVE' | 'COMPLETED' }) {
  const pkg = await createPackage(database.db, demo.demo, [
    { serviceId: ids.speech, sessions: 10 },
  ]);
  const patient = await createPatient(database.db, demo.demo);
  const purchase = await createPurchase(database.db, pkg, patient.id, adminId, {
    purchase_date: '2026-11-25',
    expiry_date: '2026-12-01',
    ...values,
  });
  return { patientId: patient.id, purchase };
}

function extend(
  client: TestClient,
  ids: { patientId: string; purchaseId: string },
  form: Record<string, string>,
) {
  return client.request(`/patients/${ids.patientId}/packages/${ids.purchaseId}/extend`, {
    form: { expiry_date: '', days: '', reason: 'Patient was in hospital', ...form },
  });
}

const stateOf = (purchaseId: string) =>
  database.db
    .selectFrom('package_purchases')
    .select(['expiry_date', 'status'])
    .where('id', '=', purchaseId)
    .executeTakeFirstOrThrow();

const auditOf = (purchaseId: string) =>
  database.db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'before', 'after'])
    .where('entity_id', '=', purchaseId)
    .where('action', '=', 'package.extend')
    .execute();

describe('extending a package purchase (ADMIN)', () => {
  it('offers the form on each extendable purchase of the patient page', async () => {
    const { patientId, purchase } = await freshPurchase({});
    const page = html(await (await admin.request(`/patients/${patientId}`)).text());
    const form = page.querySelector(`#extend-form-${purchase.id}`);
    expect(form?.getAttribute('action')).toBe(
      `/patients/${patientId}/packages/${purchase.id}/extend`,
    );
    expect(form?.querySelector('input[name="_csrf"]')?.getAttribute('value')).toBe(admin.csrfToken);
    expect(form?.querySelector('input[name="expiry_date"]')?.getAttribute('min')).toBe(
      '2026-12-02',
    );
    expect(textOf(form?.querySelector('p.muted'))).toBe('Expires now on 1 Dec 2026.');
    expect(form?.querySelector('input[name="reason"]')?.hasAttribute('required')).toBe(true);
  });

  it('hides the form from other roles and on used-up purchases', async () => {
    const { patientId } = await freshPurchase({});
    const desk = await demo.signIn('frontdesk@demo.test');
    const deskPage = html(await (await desk.request(`/patients/${patientId}`)).text());
    expect(deskPage.querySelector('form.extend-form')).toBeNull();
    expect(deskPage.querySelectorAll(`#${PATIENT_PACKAGES_ID} th`).map(textOf)).not.toContain(
      'Actions',
    );

    const done = await freshPurchase({ status: 'COMPLETED' });
    const adminPage = html(await (await admin.request(`/patients/${done.patientId}`)).text());
    expect(adminPage.querySelectorAll(`#${PATIENT_PACKAGES_ID} thead th`).map(textOf)).toContain(
      'Actions',
    );
    expect(adminPage.querySelector('form.extend-form')).toBeNull();
  });

  it('extends by a number of days: one audited, published change, then back to the page', async () => {
    const { patientId, purchase } = await freshPurchase({});
    const listener = listenTo(database.bus, demo.demo);
    try {
      const response = await extend(admin, { patientId, purchaseId: purchase.id }, { days: '30' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/patients/${patientId}`);
      expect(await stateOf(purchase.id)).toEqual({ expiry_date: '2026-12-31', status: 'ACTIVE' });
      expect(await auditOf(purchase.id)).toEqual([
        {
          action: 'package.extend',
          actor_id: adminId,
          before: { expiry_date: '2026-12-01', status: 'ACTIVE' },
          after: { expiry_date: '2026-12-31', status: 'ACTIVE', reason: 'Patient was in hospital' },
        },
      ]);
      expect(await listener.drain(database.db)).toEqual([
        {
          tenant: demo.demo,
          kind: 'package.extended',
          provider: null,
          date: null,
          patient: patientId,
          purchase: purchase.id,
        },
      ]);
    } finally {
      listener.stop();
    }
    const page = html(await (await admin.request(`/patients/${patientId}`)).text());
    expect(textOf(page.querySelector(`#purchase-${purchase.id}`))).toContain('31 Dec 2026');
  });

  it('extends to a date, and an expired purchase becomes usable again', async () => {
    const khalid = await demo.patient('Khalid Al-Dosari');
    const [expired] = await demo.purchasesOf(khalid);
    expect(expired!.status).toBe('EXPIRED');
    const response = await extend(
      admin,
      { patientId: khalid, purchaseId: expired!.id },
      { expiry_date: '2027-01-15' },
    );
    expect(response.status).toBe(303);
    expect(await stateOf(expired!.id)).toEqual({ expiry_date: '2027-01-15', status: 'ACTIVE' });
  });

  it('lets a slot after the old expiry but before the new one be booked', async () => {
    const { patientId, purchase } = await freshPurchase({});
    const [slot] = await freeSlots(admin, { providerId: ids.huda, date: '2026-12-06', patientId });
    const book = () =>
      admin.request('/appointments/api/book/', {
        json: {
          patient_id: patientId,
          appointment_type: 'package',
          package_purchase_id: purchase.id,
          clinic_id: ids.slp,
          provider_id: ids.huda,
          start: slot!.start,
          duration_minutes: 45,
        },
      });
    const refused = await book();
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'expires on 2026-12-01',
    );
    expect(
      (await extend(admin, { patientId, purchaseId: purchase.id }, { expiry_date: '2026-12-10' }))
        .status,
    ).toBe(303);
    const booked = await book();
    expect(booked.status).toBe(201);
    expect(await booked.json()).toMatchObject({ session_number_in_package: 1, sessions_used: 1 });
  });
});

describe('extension form errors (422, the form shown again, nothing changed)', () => {
  it.each<[string, Record<string, string>, string, string]>([
    [
      'a date not after the current expiry',
      { expiry_date: '2026-12-01' },
      'expiry_date',
      'Choose a date after the current expiry, 1 Dec 2026.',
    ],
    [
      'a date more than ten years later',
      { expiry_date: '2036-12-02' },
      'expiry_date',
      'Choose a date at most 10 years after the current expiry, 1 Dec 2026.',
    ],
    [
      'neither a date nor days',
      {},
      'expiry_date',
      'Give either a new expiry date or a number of days.',
    ],
    [
      'both a date and days',
      { expiry_date: '2027-01-01', days: '10' },
      'expiry_date',
      'Give either a new expiry date or a number of days.',
    ],
    ['an impossible date', { expiry_date: '2027-02-30' }, 'expiry_date', 'Enter a valid date.'],
    ['zero days', { days: '0' }, 'days', 'Enter a whole number of days from 1 to 3650.'],
    ['too many days', { days: '3651' }, 'days', 'Enter a whole number of days from 1 to 3650.'],
    [
      'days that are not a number',
      { days: 'ten' },
      'days',
      'Enter a whole number of days from 1 to 3650.',
    ],
    ['a blank reason', { days: '10', reason: '   ' }, 'reason', 'Please fill in this field.'],
  ])('refuses %s', async (_, form, field, message) => {
    const { patientId, purchase } = await freshPurchase({});
    const response = await extend(admin, { patientId, purchaseId: purchase.id }, form);
    expect(response.status).toBe(422);
    const page = html(await response.text());
    const details = page.querySelector(`#purchase-${purchase.id} details`);
    expect(details?.hasAttribute('open')).toBe(true);
    const input = details?.querySelector(`[name="${field}"]`);
    expect(input?.getAttribute('aria-invalid')).toBe('true');
    const errorId = input?.getAttribute('aria-describedby') ?? '';
    expect(textOf(page.querySelector(`#${errorId}`))).toBe(message);
    expect(details?.querySelector('[name="reason"]')?.getAttribute('value')).toBe(
      form.reason ?? 'Patient was in hospital',
    );
    expect(await stateOf(purchase.id)).toEqual({ expiry_date: '2026-12-01', status: 'ACTIVE' });
    expect(await auditOf(purchase.id)).toEqual([]);
  });

  it('speaks Arabic to an Arabic-speaking administrator', async () => {
    const arabic = await demo.signIn('admin@demo.test');
    expect((await arabic.request('/account/locale', { form: { locale: 'ar' } })).status).toBe(303);
    try {
      const { patientId, purchase } = await freshPurchase({});
      const response = await extend(arabic, { patientId, purchaseId: purchase.id }, { days: '0' });
      expect(response.status).toBe(422);
      const page = html(await response.text());
      const row = page.querySelector(`#purchase-${purchase.id}`);
      expect(textOf(row?.querySelector('summary'))).toBe('تمديد الصلاحية');
      expect(textOf(row?.querySelector('.field-error'))).toBe(
        'أدخل عدداً صحيحاً من الأيام من 1 إلى 3650.',
      );
    } finally {
      await arabic.request('/account/locale', { form: { locale: 'en' } });
    }
  });
});

describe('who may extend what', () => {
  it.each(['frontdesk@demo.test', 'provider@demo.test', 'finance@demo.test'])(
    'refuses %s with 403',
    async (email) => {
      const { patientId, purchase } = await freshPurchase({});
      const client = await demo.signIn(email);
      const response = await extend(client, { patientId, purchaseId: purchase.id }, { days: '5' });
      expect(response.status).toBe(403);
      expect(await stateOf(purchase.id)).toEqual({ expiry_date: '2026-12-01', status: 'ACTIVE' });
    },
  );

  it("answers another tenant's purchase with 404 and leaves it alone", async () => {
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    const [theirs] = await demo.purchasesOf(mariam);
    const before = await stateOf(theirs!.id);
    const response = await extend(
      admin,
      { patientId: mariam, purchaseId: theirs!.id },
      { days: '5' },
    );
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Mariam');
    expect(await stateOf(theirs!.id)).toEqual(before);
  });

  it("answers another patient's purchase, or an unknown one, with 404", async () => {
    const mine = await freshPurchase({});
    const someoneElse = await freshPurchase({});
    const crossed = await extend(
      admin,
      { patientId: mine.patientId, purchaseId: someoneElse.purchase.id },
      { days: '5' },
    );
    expect(crossed.status).toBe(404);
    expect(await stateOf(someoneElse.purchase.id)).toEqual({
      expiry_date: '2026-12-01',
      status: 'ACTIVE',
    });
    const unknown = await extend(
      admin,
      { patientId: mine.patientId, purchaseId: crypto.randomUUID() },
      { days: '5' },
    );
    expect(unknown.status).toBe(404);
  });

  it.each(['42', "1'--", 'not-a-uuid'])(
    'refuses the malformed purchase id %s with 400',
    async (id) => {
      const { patientId } = await freshPurchase({});
      const response = await extend(
        admin,
        { patientId, purchaseId: encodeURIComponent(id) },
        { days: '5' },
      );
      expect(response.status).toBe(400);
    },
  );

  it('refuses a used-up purchase with 409', async () => {
    const { patientId, purchase } = await freshPurchase({ status: 'COMPLETED' });
    const response = await extend(admin, { patientId, purchaseId: purchase.id }, { days: '5' });
    expect(response.status).toBe(409);
    expect(await stateOf(purchase.id)).toEqual({ expiry_date: '2026-12-01', status: 'COMPLETED' });
  });

  it('refuses a form without the CSRF token', async () => {
    const { patientId, purchase } = await freshPurchase({});
    const response = await admin.request(`/patients/${patientId}/packages/${purchase.id}/extend`, {
      form: { days: '5', reason: 'No token' },
      csrf: false,
    });
    expect(response.status).toBe(403);
    expect(await stateOf(purchase.id)).toEqual({ expiry_date: '2026-12-01', status: 'ACTIVE' });
  });
});
