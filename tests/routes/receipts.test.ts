import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { decodeQrSvg, parseTlv } from '../support/receipt-qr.js';
import type { TestDatabase } from '../support/test-db.js';

/** GET /receipts/<id>: a printable simplified tax invoice with its QR code (SPEC §7). */

const ARABIC_SELLER = 'مركز العلاج التجريبي';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  // the seller's name in Arabic, to read back through the QR code's UTF-8
  await database.db
    .updateTable('tenants')
    .set({ name: ARABIC_SELLER })
    .where('id', '=', demo.demo)
    .execute();
});
afterAll(() => database.close());

async function paidReceipt(client: TestClient, amount: number) {
  const sold = await client.request('/appointments/api/assign-package/', {
    json: {
      package_id: await demo.pkg('20 ABA Therapy Package'),
      patient_id: await demo.patient('Sara Al-Harbi'),
    },
  });
  const { package_purchase_id: purchaseId } = (await sold.json()) as {
    package_purchase_id: string;
  };
  const paid = await client.request(`/appointments/api/purchases/${purchaseId}/payments/`, {
    json: { amount, method: 'CASH', reference: 'Till 2' },
  });
  expect(paid.status).toBe(201);
  return {
    purchaseId,
    ...((await paid.json()) as { receipt_url: string; invoice_number: number }),
  };
}

describe('a payment’s receipt', () => {
  it('prints the SPEC’s fields and a QR code whose TLV decodes back', async () => {
    const { receipt_url: url, invoice_number: number } = await paidReceipt(desk, 1500);
    const response = await desk.request(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = html(await response.text());
    expect(page.querySelector('#receipt-title')?.text).toBe('Simplified tax invoice');
    expect(page.querySelector('.receipt-seller')?.text).toBe(ARABIC_SELLER);
    expect(page.querySelector('#receipt-vat-number')?.text).toBe('300000000000003');
    expect(page.querySelector('#receipt-number')?.text).toBe(String(number));
    const facts = page.querySelector('.receipt-facts')!.text;
    expect(facts).toContain('Sara Al-Harbi');
    expect(facts).toContain('20 ABA Therapy Package');
    expect(facts).toContain('Cash');
    expect(facts).toContain('Till 2');
    expect(page.querySelector('#receipt-total')?.text).toBe('1,500 SAR');
    expect(page.querySelector('#receipt-vat')?.text).toBe('195.65 SAR');

    const svg = page.querySelector('#receipt-qr svg')!.toString();
    const records = parseTlv(decodeQrSvg(svg));
    expect(records.map((record) => record.tag)).toEqual([1, 2, 3, 4, 5]);
    const [seller, vatNumber, timestamp, total, vat] = records;
    expect(seller!.value).toBe(ARABIC_SELLER);
    // Arabic letters take two bytes each in UTF-8: the length counts bytes, not characters
    expect(seller!.length).toBe(Buffer.byteLength(ARABIC_SELLER, 'utf8'));
    expect(seller!.length).toBeGreaterThan(ARABIC_SELLER.length);
    expect(vatNumber!.value).toBe('300000000000003');
    expect(timestamp!.value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    expect(total!.value).toBe('1500.00');
    expect(vat!.value).toBe('195.65');
  });

  it('is printed in Arabic, right to left, for an Arabic reader', async () => {
    const { receipt_url: url } = await paidReceipt(desk, 100);
    const arabic = await demo.signIn('finance@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const page = html(await (await arabic.request(url)).text());
    expect(page.querySelector('html')?.getAttribute('dir')).toBe('rtl');
    expect(page.querySelector('#receipt-title')?.text).toBe('فاتورة ضريبية مبسطة');
    await arabic.request('/account/locale', { form: { locale: 'en' } });
  });

  it('offers the 80 mm roll, its own print page size', async () => {
    const { receipt_url: url } = await paidReceipt(desk, 100);
    const page = html(await (await desk.request(`${url}?paper=thermal`)).text());
    expect(page.querySelector('#receipt')?.classList.contains('receipt-thermal')).toBe(true);
    expect((await desk.request(`${url}?paper=letter`)).status).toBe(400);
  });
});

describe('a refund’s receipt', () => {
  it('says it is a refund, with the reason', async () => {
    const { purchaseId } = await paidReceipt(desk, 300);
    const finance = await demo.signIn('finance@demo.test');
    const refunded = await finance.request(`/appointments/api/purchases/${purchaseId}/refunds/`, {
      json: { amount: 115, method: 'CASH', reason: 'Session not given' },
    });
    const { receipt_url: url } = (await refunded.json()) as { receipt_url: string };
    const page = html(await (await finance.request(url)).text());
    expect(page.querySelector('#receipt-title')?.text).toContain('Refund');
    expect(page.querySelector('.receipt-facts')!.text).toContain('Session not given');
    expect(page.querySelector('#receipt-vat')?.text).toBe('15 SAR');
  });
});

describe('refusals', () => {
  it('answers 404 to another tenant and 400 to a malformed id', async () => {
    const { receipt_url: url } = await paidReceipt(desk, 10);
    const other = await demo.signIn('frontdesk@other.test');
    const response = await other.request(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Sara');
    expect((await desk.request('/receipts/not-an-id')).status).toBe(400);
  });
});
