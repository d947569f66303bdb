import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOUNCER_ID } from '../../src/views/announcer.js';
import { PACKAGE_MODAL_BODY_ID } from '../../src/views/appointments/package-modal.js';
import {
  PACKAGE_BALANCE_ID,
  PACKAGE_RECEIPT_LINK_ID,
} from '../../src/views/appointments/package-section.js';
import { SALE_FORM_ID } from '../../src/views/appointments/sale-confirmation.js';
import { DAY_PAYMENTS_ID, OUTSTANDING_ID, TAKINGS_ID } from '../../src/views/home-page.js';
import {
  PATIENT_PAYMENTS_ID,
  PAYMENT_NOTICE_ID,
  paymentFormId,
} from '../../src/views/patients/purchase-payments.js';
import { html, type TestClient } from '../support/client.js';
import { DEMO_NOW, openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createPatient } from '../support/factories.js';
import { saleFormOf, salePath } from '../support/sale.js';
import type { TestDatabase } from '../support/test-db.js';

/** SPEC §7 in the pages: the sale confirmed in the modal, balances, payments and refunds. */

let database: TestDatabase, demo: DemoFixture, desk: TestClient, admin: TestClient;
let finance: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  admin = await demo.signIn('admin@demo.test');
  finance = await demo.signIn('finance@demo.test');
});
afterAll(() => database.close());

async function counts() {
  const count = async (table: 'package_purchases' | 'payments') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { purchases: await count('package_purchases'), payments: await count('payments') };
}

/** The confirmation of the ABA package (5,000 SAR) for a new patient, as `client` sees it. */
async function abaSale(client: TestClient, patient?: string) {
  const patientId = patient ?? (await demo.patient('Sara Al-Harbi'));
  const packageId = await demo.pkg('20 ABA Therapy Package');
  return { patientId, form: await saleFormOf(client, salePath(patientId, packageId)) };
}

function sell(client: TestClient, form: Record<string, string>) {
  return client.request('/appointments/new/assign', { form, htmx: true });
}

describe('the sale’s confirmation', () => {
  it('shows the package, its price, validity and services, and pays now by default', async () => {
    const patientId = await demo.patient('Sara Al-Harbi');
    const path = salePath(patientId, await demo.pkg('20 ABA Therapy Package'));
    const response = await desk.request(path, { htmx: true });
    expect(response.status).toBe(200);
    const page = html(await response.text());
    expect(page.querySelector('#package-modal-title')?.text).toBe('Sell 20 ABA Therapy Package');
    const facts = page.querySelector('#sale-facts')!.text.replace(/\s+/g, ' ');
    expect(facts).toContain('Sara Al-Harbi');
    expect(facts).toContain('5,000 SAR');
    expect(facts).toContain('Valid 90 days');
    expect(facts).toContain('ABA Therapy: 20 sessions, ABA Clinic');
    const form = page.querySelector(`#${SALE_FORM_ID}`)!;
    expect(form.querySelector('[name="payment"][value="now"]')?.hasAttribute('checked')).toBe(true);
    expect(form.querySelector('[name="amount"]')?.getAttribute('value')).toBe('5000.00');
    expect(form.querySelectorAll('[name="method"] option').map((o) => o.text)).toEqual([
      'Cash',
      'Card',
      'Bank transfer',
    ]);
    // the desk gives no discount; an administrator may
    expect(form.querySelector('[name="discount"]')).toBeNull();
    const adminForm = await saleFormOf(admin, path);
    expect(adminForm).toHaveProperty('discount');
    expect(adminForm).toHaveProperty('discount_reason');
  });

  it('reads in Arabic', async () => {
    const arabic = await demo.signIn('frontdesk@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const path = salePath(
      await demo.patient('Sara Al-Harbi'),
      await demo.pkg('20 ABA Therapy Package'),
    );
    const page = html(await (await arabic.request(path, { htmx: true })).text());
    expect(page.querySelector(`#${SALE_FORM_ID} button[type="submit"]`)?.text).toBe('تأكيد البيع');
    expect(page.querySelector('#sale-pay-now')?.parentNode?.text.trim()).toBe('الدفع الآن');
    expect(page.text).not.toMatch(/Pay|Cash|Confirm/);
  });
});

describe('selling from the modal', () => {
  it('sells with a discount and a partial payment in one go, once however often it is sent', async () => {
    const { patientId, form } = await abaSale(
      admin,
      (await createPatient(database.db, demo.demo)).id,
    );
    const values = {
      ...form,
      discount: '500',
      discount_reason: 'Sibling discount',
      amount: '1500',
      method: 'CASH',
      reference: 'Till 1',
    };
    const first = await sell(admin, values);
    expect(first.status).toBe(200);
    const again = await sell(admin, values);
    expect(again.status).toBe(200);

    const purchases = await demo.purchasesOf(patientId);
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({
      price: '5000.00',
      discount: '500.00',
      discount_reason: 'Sibling discount',
      amount_paid: '1500.00',
    });
    const payments = await database.db
      .selectFrom('payments')
      .selectAll()
      .where('purchase_id', '=', purchases[0]!.id)
      .execute();
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ kind: 'PAYMENT', amount: '1500.00', method: 'CASH' });
    expect(payments[0]!.reference).toBe('Till 1');

    const page = html(await again.text());
    expect(page.querySelector(`#${PACKAGE_BALANCE_ID}`)?.text).toBe(
      'Paid 1,500 SAR · Balance due 3,000 SAR',
    );
    expect(page.querySelector(`#${PACKAGE_RECEIPT_LINK_ID}`)?.getAttribute('href')).toBe(
      `/receipts/${payments[0]!.id}`,
    );
    expect(page.querySelector(`#${ANNOUNCER_ID}`)?.text).toBe(
      `Package sold: 20 ABA Therapy Package. Payment received, receipt ${payments[0]!.invoice_number}.`,
    );
    const receipt = await admin.request(`/receipts/${payments[0]!.id}`);
    expect(receipt.status).toBe(200);
  });

  it('sells with pay later: nothing paid, the whole price due', async () => {
    const { patientId, form } = await abaSale(
      desk,
      (await createPatient(database.db, demo.demo)).id,
    );
    const response = await sell(desk, { ...form, payment: 'later', amount: '' });
    expect(response.status).toBe(200);
    const [purchase] = await demo.purchasesOf(patientId);
    expect(purchase).toMatchObject({ amount_paid: '0.00', discount: '0.00' });
    expect(html(await response.text()).querySelector(`#${PACKAGE_BALANCE_ID}`)?.text).toBe(
      'Paid 0 SAR · Balance due 5,000 SAR',
    );
  });

  it('the JSON assignment keeps its shape and sells with pay later', async () => {
    const patientId = await demo.patient('Sara Al-Harbi');
    const response = await desk.request('/appointments/api/assign-package/', {
      json: { package_id: await demo.pkg('12 OT Sessions'), patient_id: patientId },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'expiry_date',
      'message',
      'package_name',
      'package_purchase_id',
      'success',
      'total_sessions',
    ]);
    const purchase = (await demo.purchasesOf(patientId)).find(
      (p) => p.id === body.package_purchase_id,
    );
    expect(purchase?.amount_paid).toBe('0.00');
  });
});

describe('a refused sale changes nothing', () => {
  async function refused(client: TestClient, change: Record<string, string>, status: number) {
    const { form } = await abaSale(client);
    const before = await counts();
    const response = await sell(client, { ...form, ...change });
    expect(response.status).toBe(status);
    expect(await counts()).toEqual(before);
    return { response, page: html(await response.text()) };
  }

  const fieldError = (page: ReturnType<typeof html>, field: string) =>
    page.querySelector(`#sale-${field}-error`)?.text;

  it('a discount from the desk: 403', async () => {
    await refused(desk, { discount: '100', discount_reason: 'Friend' }, 403);
  });

  it('a discount above the price, with no reason: both errors at once, in the modal', async () => {
    const { response, page } = await refused(admin, { discount: '6000', amount: '100' }, 422);
    expect(response.headers.get('hx-retarget')).toBe(`#${PACKAGE_MODAL_BODY_ID}`);
    expect(fieldError(page, 'discount')).toBe('The discount cannot be more than the price.');
    expect(fieldError(page, 'discount-reason')).toBe('Give the reason for the discount.');
    // what was typed stays, and so does the key (a retry still sells once)
    expect(page.querySelector('[name="discount"]')?.getAttribute('value')).toBe('6000');
  });

  it('a discount above the price, with its reason', async () => {
    const { page } = await refused(admin, { discount: '5000.01', discount_reason: 'x' }, 422);
    expect(fieldError(page, 'discount')).toBe('The discount cannot be more than the price.');
  });

  it('a payment above the net price', async () => {
    const { page } = await refused(
      admin,
      { discount: '1000', discount_reason: 'Staff', amount: '4000.01' },
      422,
    );
    expect(fieldError(page, 'amount')).toBe('This is more than the net price.');
  });

  it.each([
    ['', 'Please fill in this field.'],
    ['0', 'Enter an amount above zero.'],
    ['-5', 'Enter an amount with at most two decimals, e.g. 1500 or 1500.50.'],
    ['1.005', 'Enter an amount with at most two decimals, e.g. 1500 or 1500.50.'],
    ['NaN', 'Enter an amount with at most two decimals, e.g. 1500 or 1500.50.'],
  ])('a bad amount %j', async (amount, message) => {
    const { page } = await refused(desk, { amount }, 422);
    expect(fieldError(page, 'amount')).toBe(message);
  });

  it('no method, or one that does not exist', async () => {
    for (const method of ['', 'CHEQUE']) {
      const { page } = await refused(desk, { method }, 422);
      expect(page.querySelector('#sale-method-error')).not.toBeNull();
    }
  });

  it('another tenant’s patient or package: 404', async () => {
    const { form } = await abaSale(desk);
    const before = await counts();
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    const foreign = await demo.pkg('10 Speech Sessions', demo.other);
    const changes = [
      { patient_id: mariam, package_id: form.package_id! },
      { patient_id: form.patient_id!, package_id: foreign },
    ];
    for (const change of changes) {
      const response = await sell(desk, { ...form, ...change });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('Mariam');
      const path = salePath(change.patient_id, change.package_id);
      expect((await desk.request(path, { htmx: true })).status).toBe(404);
    }
    expect(await counts()).toEqual(before);
  });

  it('from a provider or finance (the booking desk is not theirs): 403', async () => {
    const { form } = await abaSale(desk);
    const before = await counts();
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      const client = await demo.signIn(email);
      expect((await sell(client, form)).status).toBe(403);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('balances in the modal', () => {
  it('each purchase card says what is paid and what is due', async () => {
    const path = `/appointments/new/package-modal?patient_id=${await demo.patient('Layla Al-Otaibi')}`;
    const page = html(await (await desk.request(path, { htmx: true })).text());
    expect(page.querySelectorAll('#assigned-packages .balance').map((b) => b.text)).toEqual([
      'Paid in full (2,500 SAR)',
      'Paid 1,000 SAR · Balance due 1,500 SAR',
    ]);
  });
});

describe('the patient page', () => {
  async function laylasPartlyPaid() {
    const patientId = await demo.patient('Layla Al-Otaibi');
    // the newer of her two, bought 3 days ago, partly paid (1,000 SAR of 2,500)
    const [, purchase] = await demo.purchasesOf(patientId);
    return { patientId, purchase: purchase! };
  }

  async function patientPage(client: TestClient, patientId: string) {
    return html(await (await client.request(`/patients/${patientId}`)).text());
  }

  it('lists each purchase’s payments with their receipts, and the forms the role may use', async () => {
    const { patientId, purchase } = await laylasPartlyPaid();
    const page = await patientPage(desk, patientId);
    const section = page.querySelector(`#${PATIENT_PAYMENTS_ID}`)!;
    expect(section.querySelector(`#balance-${purchase.id}`)?.text).toBe(
      'Paid 1,000 SAR · Balance due 1,500 SAR',
    );
    const rows = section.querySelectorAll(`#money-${purchase.id} tbody tr`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain('Payment');
    expect(rows[0]!.text).toContain('Cash');
    expect(rows[0]!.text).toContain('1,000 SAR');
    expect(rows[0]!.querySelector('a.receipt-link')?.getAttribute('href')).toMatch(
      /^\/receipts\/[0-9a-f-]{36}$/,
    );
    expect(section.querySelector(`#${paymentFormId('PAYMENT', purchase.id)}`)).not.toBeNull();
    expect(section.querySelector(`#${paymentFormId('REFUND', purchase.id)}`)).toBeNull();
    const asFinance = await patientPage(finance, patientId);
    expect(asFinance.querySelector(`#${paymentFormId('REFUND', purchase.id)}`)).not.toBeNull();
    const asProvider = await patientPage(await demo.signIn('provider@demo.test'), patientId);
    expect(asProvider.querySelector(`#${paymentFormId('PAYMENT', purchase.id)}`)).toBeNull();
  });

  it('takes a payment once, then links its receipt', async () => {
    const { patientId, purchase } = await laylasPartlyPaid();
    const form = { amount: '500', method: 'CARD', idempotency_key: crypto.randomUUID() };
    const path = `/patients/${patientId}/packages/${purchase.id}/payments`;
    const first = await desk.request(path, { form });
    const again = await desk.request(path, { form });
    expect(first.status).toBe(303);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const page = await patientPage(desk, patientId);
    expect(page.querySelector(`#balance-${purchase.id}`)?.text).toBe(
      'Paid 1,500 SAR · Balance due 1,000 SAR',
    );
    const notice = await desk.request(first.headers.get('location')!);
    const shown = html(await notice.text()).querySelector(`#${PAYMENT_NOTICE_ID}`)!;
    expect(shown.text).toMatch(/^Payment received\. Receipt \d+$/);
    expect(shown.querySelector('a')?.getAttribute('href')).toMatch(/^\/receipts\//);
  });

  it('refuses more than the balance, a bad amount, more than was paid: the form again, nothing changed', async () => {
    const { patientId, purchase } = await laylasPartlyPaid();
    const key = () => crypto.randomUUID();
    const cases: {
      client: TestClient;
      kind: string;
      form: Record<string, string>;
      error: RegExp;
      field?: string;
    }[] = [
      {
        client: desk,
        kind: 'payments',
        form: { amount: '999999', method: 'CASH', idempotency_key: key() },
        error: /^This is more than the balance due \([\d,]+ SAR\)\.$/,
      },
      {
        client: desk,
        kind: 'payments',
        form: { amount: '12.345', method: 'CASH', idempotency_key: key() },
        error: /at most two decimals/,
      },
      {
        client: finance,
        kind: 'refunds',
        form: { amount: '999999', method: 'CASH', reason: 'Moved away', idempotency_key: key() },
        error: /^This is more than was paid \([\d,]+ SAR\)\.$/,
      },
      {
        client: finance,
        kind: 'refunds',
        form: { amount: '10', method: 'CASH', reason: '', idempotency_key: key() },
        field: 'reason',
        error: /fill in/,
      },
    ];
    for (const { client, kind, form, error, field } of cases) {
      const before = await counts();
      const response = await client.request(
        `/patients/${patientId}/packages/${purchase.id}/${kind}`,
        { form },
      );
      expect(response.status).toBe(422);
      const formId = paymentFormId(kind === 'payments' ? 'PAYMENT' : 'REFUND', purchase.id);
      const page = html(await response.text());
      expect(page.querySelector(`#${formId}-${field ?? 'amount'}-error`)?.text).toMatch(error);
      expect(page.querySelector(`#${formId}`)?.parentNode?.hasAttribute('open')).toBe(true);
      expect(await counts()).toEqual(before);
    }
  });

  it('refunds for finance only, and never another patient’s purchase', async () => {
    const { patientId, purchase } = await laylasPartlyPaid();
    const form = { amount: '100', method: 'CASH', reason: 'Session missed', idempotency_key: '' };
    const path = `/patients/${patientId}/packages/${purchase.id}/refunds`;
    const before = await counts();
    form.idempotency_key = crypto.randomUUID();
    expect((await desk.request(path, { form })).status).toBe(403);
    const sara = await demo.patient('Sara Al-Harbi');
    const elsewhere = `/patients/${sara}/packages/${purchase.id}/refunds`;
    expect((await finance.request(elsewhere, { form })).status).toBe(404);
    const other = await demo.signIn('frontdesk@other.test');
    expect(
      (
        await other.request(`/patients/${patientId}/packages/${purchase.id}/payments`, {
          form: { amount: '1', method: 'CASH', idempotency_key: crypto.randomUUID() },
        })
      ).status,
    ).toBe(404);
    expect(await counts()).toEqual(before);
    const done = await finance.request(path, { form });
    expect(done.status).toBe(303);
    const page = html(await (await finance.request(done.headers.get('location')!)).text());
    expect(page.querySelector(`#${PAYMENT_NOTICE_ID}`)?.text).toMatch(
      /^Refund given\. Receipt \d+$/,
    );
  });
});

describe('the day view', () => {
  it('badges the patients who owe money, and only them', async () => {
    const slp = (
      await database.db
        .selectFrom('clinics')
        .select('id')
        .where('tenant_id', '=', demo.demo)
        .where('specialty', '=', 'SLP')
        .executeTakeFirstOrThrow()
    ).id;
    const page = html(
      await (await desk.request(`/appointments?date=2026-11-11&clinic=${slp}`)).text(),
    );
    const items = page.querySelectorAll('.day-appointment').map((item) => ({
      patient: item.querySelector('.patient')!.text,
      badge: item.querySelector('.balance-due-badge')?.text ?? null,
    }));
    expect(items).toContainEqual({ patient: 'Layla Al-Otaibi', badge: 'Balance due' });
    expect(items).toContainEqual({ patient: 'Ahmed Al-Rashid', badge: null });
  });
});

describe('finance’s home page', () => {
  it('shows today’s takings by method and the balances due, oldest first, each a link', async () => {
    // The payments of the tests above, taken at the database's now, moved to the demo clock's
    // day (the app's today): 1,500 + 500 cash and card, less a 100 cash refund.
    await database.db
      .updateTable('payments')
      .set({ received_at: DEMO_NOW })
      .where('received_at', '>', DEMO_NOW)
      .execute();
    const page = html(await (await finance.request('/')).text());
    const takings = page.querySelector(`#${TAKINGS_ID}`)!;
    const methods = takings.querySelectorAll('tbody tr th').map((th) => th.text);
    expect(methods).toEqual(['Card', 'Cash', 'Total']);
    expect(takings.querySelector('#takings-total')?.text).toBe('1,900 SAR');
    const outstanding = page.querySelectorAll(`#${OUTSTANDING_ID} tbody tr`);
    expect(outstanding.length).toBeGreaterThan(0);
    const dates = outstanding.map((row) => row.querySelectorAll('td')[1]!.text);
    expect(dates[0]).not.toBe(dates.at(-1)); // several sale dates, the oldest at the top
    const link = outstanding[0]!.querySelector('a')!;
    expect(link.getAttribute('href')).toMatch(/^\/patients\/[0-9a-f-]{36}#money-/);
    // the desk's home has none of it
    const deskHome = html(await (await desk.request('/')).text());
    expect(deskHome.querySelector(`#${TAKINGS_ID}`)).toBeNull();
    expect(deskHome.querySelector(`#${DAY_PAYMENTS_ID}`)).toBeNull();
  });

  it('lists today’s payments and refunds, the latest first, each with its receipt and patient', async () => {
    // the tests above' payments, on the demo clock's day since the test before
    const today = await database.db
      .selectFrom('payments')
      .select(['id', 'kind', 'method', 'amount', 'invoice_number'])
      .where('tenant_id', '=', demo.demo)
      .where('received_at', '=', DEMO_NOW)
      .orderBy('invoice_number', 'desc')
      .execute();
    expect(today.map((row) => row.kind)).toContain('REFUND');
    const page = html(await (await finance.request('/')).text());
    const rows = page.querySelectorAll(`#${DAY_PAYMENTS_ID} tbody tr`);
    expect(rows.map((row) => row.id)).toEqual(today.map((row) => `day-payment-${row.id}`));
    expect(page.querySelector(`#${DAY_PAYMENTS_ID} p.muted`)).toBeNull();
    for (const [index, row] of rows.entries()) {
      const payment = today[index]!;
      const cells = row.querySelectorAll('th, td').map((cell) => cell.text.trim());
      const receipt = row.querySelector('th a')!;
      expect(receipt.getAttribute('href')).toBe(`/receipts/${payment.id}`);
      expect(receipt.text).toBe(`Receipt ${payment.invoice_number}`);
      expect(cells[1]).toBe('12:00'); // DEMO_NOW in Riyadh
      expect(row.querySelector('td a')?.getAttribute('href')).toMatch(
        /^\/patients\/[0-9a-f-]{36}#money-[0-9a-f-]{36}$/,
      );
      expect(cells[2]).toBe(payment.kind === 'REFUND' ? 'Refund' : 'Payment');
      expect(cells[3]).toBe(payment.method === 'CASH' ? 'Cash' : 'Card');
      expect(cells[4]).toMatch(payment.kind === 'REFUND' ? /^−[\d,.]+ SAR$/ : /^[\d,.]+ SAR$/);
    }
  });

  it('reads the list in Arabic', async () => {
    const arabic = await demo.signIn('finance@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const page = html(await (await arabic.request('/')).text());
    const list = page.querySelector(`#${DAY_PAYMENTS_ID}`)!;
    expect(list.querySelector('h2')?.text).toBe('مدفوعات اليوم والمبالغ المستردة، الأحدث أولاً');
    expect(list.querySelectorAll('thead th').map((th) => th.text)).toEqual([
      'الإيصال',
      'الوقت',
      'النوع',
      'طريقة الدفع',
      'المبلغ',
      'المريض',
      'الباقة',
    ]);
    expect(list.text).not.toMatch(/Receipt|Cash|Card|Payment|Refund/);
    await arabic.request('/account/locale', { form: { locale: 'en' } });
  });

  it('says when only the latest 100 of the day are listed', async () => {
    const [purchase] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    const user = await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'finance@demo.test')
      .executeTakeFirstOrThrow();
    // Rows of their own, numbered far past the tenant's counter, and taken away after.
    const rows = Array.from({ length: 101 }, (_, index) => ({
      tenant_id: demo.demo,
      purchase_id: purchase!.id,
      kind: 'PAYMENT' as const,
      amount: '1.00',
      vat_amount: '0.13',
      method: 'CASH' as const,
      received_by: user.id,
      received_at: new Date(DEMO_NOW.getTime() + (index + 1) * 1000),
      invoice_number: 900_000 + index,
    }));
    const inserted = await database.db
      .insertInto('payments')
      .values(rows)
      .returning('id')
      .execute();
    try {
      const page = html(await (await finance.request('/')).text());
      const listed = page.querySelectorAll(`#${DAY_PAYMENTS_ID} tbody tr`);
      expect(listed).toHaveLength(100);
      expect(listed[0]!.querySelector('th a')?.text).toBe('Receipt 900100');
      expect(page.querySelector(`#${DAY_PAYMENTS_ID} p.muted`)?.text).toBe(
        'Only the latest 100 are listed.',
      );
    } finally {
      await database.db
        .deleteFrom('payments')
        .where(
          'id',
          'in',
          inserted.map((row) => row.id),
        )
        .execute();
    }
  });
});
