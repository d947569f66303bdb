import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantChecksum } from '../../security/tenant-checksum.js';
import { listenTo } from '../../events/changes.js';
import type { TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import { saleFormOf, salePath } from '../../support/sale.js';
import type { TestDatabase } from '../../support/test-db.js';

/** SPEC §7: a purchase's money as JSON — the purchase, payments and refunds. */

let database: TestDatabase, demo: DemoFixture, desk: TestClient;
let changes: ReturnType<typeof listenTo>;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  changes = listenTo(database.bus, demo.demo);
});
afterAll(async () => {
  changes.stop();
  await database.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/;

/** A fresh 5,000 SAR ABA purchase of Sara, sold with nothing paid. */
async function freshPurchase(): Promise<string> {
  const response = await desk.request('/appointments/api/assign-package/', {
    json: {
      package_id: await demo.pkg('20 ABA Therapy Package'),
      patient_id: await demo.patient('Sara Al-Harbi'),
    },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { package_purchase_id: string }).package_purchase_id;
}

function pay(client: TestClient, purchaseId: string, body: Record<string, unknown>) {
  return client.request(`/appointments/api/purchases/${purchaseId}/payments/`, { json: body });
}

function refund(client: TestClient, purchaseId: string, body: Record<string, unknown>) {
  return client.request(`/appointments/api/purchases/${purchaseId}/refunds/`, { json: body });
}

/** A money amount of SPEC §7: a JSON number with at most two decimals. */
const MONEY = expect.toSatisfy(
  (value: unknown) =>
    typeof value === 'number' && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6,
  'a JSON number with at most 2 decimals',
);

/** §4's refusal, exactly: `{success: false, error: {code, message, fields?}}`. */
function refusal(code: string, fields?: string[]) {
  return {
    success: false,
    error: {
      code,
      message: expect.any(String),
      ...(fields && {
        fields: Object.fromEntries(fields.map((field) => [field, expect.any(String)])),
      }),
    },
  };
}

/**
 * Sara's ABA package sold by an administrator through the modal's confirmation (the JSON
 * assignment gives no discount): 500 off, 1,500 paid in cash.
 */
async function discountedPurchase(): Promise<string> {
  const admin = await demo.signIn('admin@demo.test');
  const patientId = await demo.patient('Sara Al-Harbi');
  const path = salePath(patientId, await demo.pkg('20 ABA Therapy Package'));
  const form = await saleFormOf(admin, path);
  const before = new Set((await demo.purchasesOf(patientId)).map((purchase) => purchase.id));
  const sold = await admin.request('/appointments/new/assign', {
    form: { ...form, discount: '500', discount_reason: 'Sibling', amount: '1500', method: 'CASH' },
    htmx: true,
  });
  expect(sold.status).toBe(200);
  const [purchase] = (await demo.purchasesOf(patientId)).filter((row) => !before.has(row.id));
  return purchase!.id;
}

async function body(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return (await response.json()) as Record<string, unknown>;
}

describe('GET /appointments/api/purchases/<id>/', () => {
  it('answers with exactly the keys and types of SPEC §7', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const response = await desk.request(`/appointments/api/purchases/${purchase!.id}/`);
    expect(response.status).toBe(200);
    const answer = await body(response);
    expect(answer).toEqual({
      success: true,
      id: purchase!.id,
      patient_id: ahmed,
      package_id: await demo.pkg('10 SLP Sessions'),
      package_name: '10 SLP Sessions',
      status: 'ACTIVE',
      purchase_date: expect.stringMatching(DATE),
      expiry_date: expect.stringMatching(DATE),
      total_sessions: 10,
      sessions_used: 5,
      sessions_remaining: 5,
      price: 2500,
      discount: 0,
      amount_paid: 2500,
      balance_due: 0,
      services: [
        {
          service_id: expect.stringMatching(UUID),
          name: 'Speech Therapy Session',
          sessions: 10,
          sessions_used: 5,
        },
      ],
      appointments: expect.any(Array),
    });
    const appointments = answer.appointments as Record<string, unknown>[];
    expect(appointments.map((a) => a.session_number_in_package)).toEqual([1, 2, 3, 4, 5]);
    expect(appointments.map((a) => a.status)).toEqual([
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
      'COMPLETED',
      'BOOKED',
    ]);
    for (const appointment of appointments) {
      expect(appointment).toEqual({
        appointment_id: expect.stringMatching(UUID),
        start: expect.stringMatching(INSTANT),
        end: expect.stringMatching(INSTANT),
        status: expect.any(String),
        session_number_in_package: expect.any(Number),
        provider_id: expect.stringMatching(UUID),
      });
    }
  });

  it('shows a partly paid purchase’s balance as a number with its decimals', async () => {
    const purchaseId = await freshPurchase();
    expect((await pay(desk, purchaseId, { amount: 1234.5, method: 'CASH' })).status).toBe(201);
    const answer = await body(await desk.request(`/appointments/api/purchases/${purchaseId}/`));
    expect(answer).toMatchObject({ price: 5000, discount: 0, amount_paid: 1234.5 });
    expect(answer.balance_due).toBe(3765.5);
  });

  it('keeps the shape for a discounted, partly refunded purchase with no appointment yet', async () => {
    const purchaseId = await discountedPurchase();
    const finance = await demo.signIn('finance@demo.test');
    const refunded = await refund(finance, purchaseId, {
      amount: 200.5,
      method: 'CASH',
      reason: 'Overcharged',
    });
    expect(refunded.status).toBe(201);
    const answer = await body(await desk.request(`/appointments/api/purchases/${purchaseId}/`));
    // balance_due = price − discount − paid + refunded = 5000 − 500 − 1500 + 200.50
    expect(answer).toEqual({
      success: true,
      id: purchaseId,
      patient_id: await demo.patient('Sara Al-Harbi'),
      package_id: await demo.pkg('20 ABA Therapy Package'),
      package_name: '20 ABA Therapy Package',
      status: 'ACTIVE',
      purchase_date: expect.stringMatching(DATE),
      expiry_date: expect.stringMatching(DATE),
      total_sessions: 20,
      sessions_used: 0,
      sessions_remaining: 20,
      price: 5000,
      discount: 500,
      amount_paid: 1299.5,
      balance_due: 3200.5,
      services: [
        {
          service_id: expect.stringMatching(UUID),
          name: 'ABA Therapy',
          sessions: 20,
          sessions_used: 0,
        },
      ],
      appointments: [],
    });
    for (const key of ['price', 'discount', 'amount_paid', 'balance_due']) {
      expect(answer[key], key).toEqual(MONEY);
    }
  });

  it('answers 404 for another tenant’s purchase and 400 for a malformed id', async () => {
    const [purchase] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    const other = await demo.signIn('frontdesk@other.test');
    const response = await other.request(`/appointments/api/purchases/${purchase!.id}/`);
    expect(response.status).toBe(404);
    expect(await body(response)).toMatchObject({ error: { code: 'purchase_not_found' } });
    expect((await desk.request('/appointments/api/purchases/not-an-id/')).status).toBe(400);
  });
});

describe('POST /appointments/api/purchases/<id>/payments/', () => {
  it('answers 201 with exactly the keys of SPEC §7, records the payment, audits and publishes it', async () => {
    const purchaseId = await freshPurchase();
    await changes.drain(database.db);
    const response = await pay(desk, purchaseId, {
      amount: 1500,
      method: 'CARD',
      reference: 'POS 4411',
    });
    expect(response.status).toBe(201);
    const answer = await body(response);
    expect(answer).toEqual({
      success: true,
      payment_id: expect.stringMatching(UUID),
      invoice_number: expect.any(Number),
      amount_paid: 1500,
      balance_due: 3500,
      receipt_url: `/receipts/${answer.payment_id as string}`,
    });
    expect(Number.isInteger(answer.invoice_number)).toBe(true);

    const row = await database.db
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', answer.payment_id as string)
      .executeTakeFirstOrThrow();
    // 15 % VAT included in 1,500.00: 1500 × 0.15 / 1.15 = 195.65
    expect(row).toMatchObject({
      kind: 'PAYMENT',
      amount: '1500.00',
      vat_amount: '195.65',
      method: 'CARD',
      reference: 'POS 4411',
      invoice_number: answer.invoice_number,
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'package.payment')
      .where('entity_id', '=', purchaseId)
      .executeTakeFirstOrThrow();
    expect(audit.before).toEqual({ amount_paid: '0.00', balance_due: '5000.00' });
    expect(audit.after).toMatchObject({
      amount_paid: '1500.00',
      balance_due: '3500.00',
      payment: { id: answer.payment_id, amount: '1500.00', method: 'CARD' },
    });
    expect(await changes.drain(database.db)).toEqual([
      expect.objectContaining({ kind: 'package.paid', purchase: purchaseId }),
    ]);
  });

  it('numbers receipts one after the other', async () => {
    const purchaseId = await freshPurchase();
    const first = await body(await pay(desk, purchaseId, { amount: 10, method: 'CASH' }));
    const second = await body(await pay(desk, purchaseId, { amount: 10, method: 'CASH' }));
    expect(second.invoice_number).toBe((first.invoice_number as number) + 1);
  });

  it.each([
    ['a negative amount', -5, 'amount'],
    ['zero', 0, 'amount'],
    ['three decimals', 10.005, 'amount'],
    ['NaN as text', 'NaN', 'amount'],
    ['an exponent', '1e3', 'amount'],
    ['no amount', undefined, 'amount'],
    ['more than the balance', 5000.01, 'amount'],
  ])('refuses %s with 422, writing nothing', async (_, amount, field) => {
    const purchaseId = await freshPurchase();
    const before = await tenantChecksum(database.db, demo.demo);
    const response = await pay(desk, purchaseId, { amount, method: 'CASH' });
    expect(response.status).toBe(422);
    const answer = await body(response);
    expect(answer).toMatchObject({ success: false, error: { code: 'invalid' } });
    expect(Object.keys((answer.error as { fields: object }).fields)).toEqual([field]);
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('refuses an unknown method with 422', async () => {
    const purchaseId = await freshPurchase();
    const response = await pay(desk, purchaseId, { amount: 10, method: 'CHEQUE' });
    expect(response.status).toBe(422);
    expect(await body(response)).toEqual(refusal('invalid', ['method']));
  });

  it('refuses with exactly §4’s error shape: 422 more than the balance, 404, 400, 401', async () => {
    const purchaseId = await freshPurchase();
    const over = await pay(desk, purchaseId, { amount: 5000.01, method: 'CASH' });
    expect(over.status).toBe(422);
    expect(await body(over)).toEqual(refusal('invalid', ['amount']));
    const unknown = await pay(desk, crypto.randomUUID(), { amount: 1, method: 'CASH' });
    expect(unknown.status).toBe(404);
    expect(await body(unknown)).toEqual(refusal('purchase_not_found'));
    const malformed = await pay(desk, 'not-an-id', { amount: 1, method: 'CASH' });
    expect(malformed.status).toBe(400);
    expect(await body(malformed)).toEqual(refusal('invalid_address', ['id']));
    const anonymous = await demo.signIn('frontdesk@demo.test');
    await anonymous.request('/logout', { form: {} });
    const signedOut = await pay(anonymous, purchaseId, { amount: 1, method: 'CASH' });
    expect(signedOut.status).toBe(401);
    expect(await body(signedOut)).toEqual(refusal('unauthenticated'));
  });

  it('takes the whole balance, and nothing more after it', async () => {
    const purchaseId = await freshPurchase();
    const answer = await body(await pay(desk, purchaseId, { amount: 5000, method: 'CASH' }));
    expect(answer).toMatchObject({ amount_paid: 5000, balance_due: 0 });
    const again = await pay(desk, purchaseId, { amount: 0.01, method: 'CASH' });
    expect(again.status).toBe(422);
    expect(await body(again)).toMatchObject({
      error: { fields: { amount: 'This is more than the balance due (0.00).' } },
    });
  });

  it('lets FINANCE and ADMIN take payments, not a PROVIDER', async () => {
    const purchaseId = await freshPurchase();
    for (const email of ['finance@demo.test', 'admin@demo.test']) {
      const client = await demo.signIn(email);
      expect((await pay(client, purchaseId, { amount: 1, method: 'CASH' })).status).toBe(201);
    }
    const provider = await demo.signIn('provider@demo.test');
    const before = await tenantChecksum(database.db, demo.demo);
    const refused = await pay(provider, purchaseId, { amount: 1, method: 'CASH' });
    expect(refused.status).toBe(403);
    expect(await body(refused)).toMatchObject({ error: { code: 'forbidden' } });
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('answers 404 for another tenant’s purchase, writing nothing', async () => {
    const purchaseId = await freshPurchase();
    const other = await demo.signIn('frontdesk@other.test');
    const before = await tenantChecksum(database.db, demo.demo);
    const response = await pay(other, purchaseId, { amount: 1, method: 'CASH' });
    expect(response.status).toBe(404);
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('records a repeated idempotency key once, and refuses it for another amount', async () => {
    const purchaseId = await freshPurchase();
    const request = { amount: 700, method: 'CASH', idempotency_key: `pay-${purchaseId}` };
    const first = await body(await pay(desk, purchaseId, request));
    const second = await pay(desk, purchaseId, request);
    expect(second.status).toBe(201);
    expect(await body(second)).toEqual(first);
    const rows = await database.db
      .selectFrom('payments')
      .select('id')
      .where('purchase_id', '=', purchaseId)
      .execute();
    expect(rows).toHaveLength(1);
    const reused = await pay(desk, purchaseId, { ...request, amount: 800 });
    expect(reused.status).toBe(409);
    expect(await body(reused)).toMatchObject({ error: { code: 'payment_key_reused' } });
  });
});

describe('POST /appointments/api/purchases/<id>/refunds/', () => {
  it('answers 201 with exactly the keys of SPEC §7 and gives the money back', async () => {
    const purchaseId = await freshPurchase();
    await pay(desk, purchaseId, { amount: 2000, method: 'CASH' });
    const finance = await demo.signIn('finance@demo.test');
    const response = await refund(finance, purchaseId, {
      amount: 500.25,
      method: 'CASH',
      reason: 'Family moved away',
    });
    expect(response.status).toBe(201);
    const answer = await body(response);
    expect(answer).toEqual({
      success: true,
      refund_id: expect.stringMatching(UUID),
      invoice_number: expect.any(Number),
      amount_paid: 1499.75,
      balance_due: 3500.25,
      receipt_url: `/receipts/${answer.refund_id as string}`,
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'package.refund')
      .where('entity_id', '=', purchaseId)
      .executeTakeFirstOrThrow();
    expect(audit.before).toEqual({ amount_paid: '2000.00', balance_due: '3000.00' });
    expect(audit.after).toMatchObject({ amount_paid: '1499.75', balance_due: '3500.25' });
  });

  it('refuses more than was paid, or no reason, with 422, writing nothing', async () => {
    const purchaseId = await freshPurchase();
    await pay(desk, purchaseId, { amount: 100, method: 'CASH' });
    const finance = await demo.signIn('finance@demo.test');
    const before = await tenantChecksum(database.db, demo.demo);
    const tooMuch = await refund(finance, purchaseId, {
      amount: 100.01,
      method: 'CASH',
      reason: 'Overcharged',
    });
    expect(tooMuch.status).toBe(422);
    expect(await body(tooMuch)).toMatchObject({
      error: { code: 'invalid', fields: { amount: 'This is more than was paid (100.00).' } },
    });
    const noReason = await refund(finance, purchaseId, { amount: 10, method: 'CASH', reason: ' ' });
    expect(noReason.status).toBe(422);
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('numbers the refund’s receipt right after the last payment’s: one counter, no gap', async () => {
    const purchaseId = await freshPurchase();
    const paid = await body(await pay(desk, purchaseId, { amount: 300, method: 'CARD' }));
    const finance = await demo.signIn('finance@demo.test');
    const refunded = await body(
      await refund(finance, purchaseId, { amount: 300, method: 'CARD', reason: 'Cancelled' }),
    );
    expect(refunded.invoice_number).toBe((paid.invoice_number as number) + 1);
    expect(refunded).toMatchObject({ amount_paid: 0, balance_due: 5000 });
  });

  it.each([
    ['zero', { amount: 0, method: 'CASH', reason: 'x' }, ['amount']],
    ['a negative amount', { amount: -1, method: 'CASH', reason: 'x' }, ['amount']],
    ['three decimals', { amount: 1.005, method: 'CASH', reason: 'x' }, ['amount']],
    ['an unknown method', { amount: 1, method: 'CHEQUE', reason: 'x' }, ['method']],
    ['no reason', { amount: 1, method: 'CASH' }, ['reason']],
  ])('refuses %s with 422 and §4’s error shape, writing nothing', async (_, request, fields) => {
    const purchaseId = await freshPurchase();
    await pay(desk, purchaseId, { amount: 100, method: 'CASH' });
    const finance = await demo.signIn('finance@demo.test');
    const before = await tenantChecksum(database.db, demo.demo);
    const response = await refund(finance, purchaseId, request);
    expect(response.status).toBe(422);
    expect(await body(response)).toEqual(refusal('invalid', fields));
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('answers 404 for another tenant’s purchase and 400 for a malformed id, writing nothing', async () => {
    const purchaseId = await freshPurchase();
    await pay(desk, purchaseId, { amount: 100, method: 'CASH' });
    const otherDesk = await demo.signIn('frontdesk@other.test');
    const finance = await demo.signIn('finance@demo.test');
    const before = await tenantChecksum(database.db, demo.demo);
    const request = { amount: 10, method: 'CASH', reason: 'x' };
    // the other centre's desk may not refund at all (its ADMIN gets 404: tests/security/tenant-isolation)
    expect((await refund(otherDesk, purchaseId, request)).status).toBe(403);
    const unknown = await refund(finance, crypto.randomUUID(), request);
    expect(unknown.status).toBe(404);
    expect(await body(unknown)).toEqual(refusal('purchase_not_found'));
    const malformed = await refund(finance, 'not-an-id', request);
    expect(malformed.status).toBe(400);
    expect(await body(malformed)).toEqual(refusal('invalid_address', ['id']));
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('is FINANCE’s and ADMIN’s only: the front desk is refused with 403', async () => {
    const purchaseId = await freshPurchase();
    await pay(desk, purchaseId, { amount: 100, method: 'CASH' });
    const before = await tenantChecksum(database.db, demo.demo);
    const response = await refund(desk, purchaseId, { amount: 10, method: 'CASH', reason: 'x' });
    expect(response.status).toBe(403);
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
    const admin = await demo.signIn('admin@demo.test');
    expect(
      (await refund(admin, purchaseId, { amount: 10, method: 'CASH', reason: 'x' })).status,
    ).toBe(201);
  });
});
