import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/db/seed/demo.js';
import { addDays, localDate } from '../../src/domain/dates.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';
import {
  PACKAGE_BALANCE_ID,
  PACKAGE_RECEIPT_LINK_ID,
} from '../../src/views/appointments/package-section.js';
import { SALE_CONFIRM_ID, SALE_FORM_ID } from '../../src/views/appointments/sale-confirmation.js';
import { DAY_PAYMENTS_ID, OUTSTANDING_ID, TAKINGS_ID } from '../../src/views/home-page.js';
import { PAYMENT_NOTICE_ID, paymentFormId } from '../../src/views/patients/purchase-payments.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  book,
  chooseFirstSlot,
  choosePatient,
  openPackageModal,
  screenshots,
  signedInPage,
  switchToArabic,
  switchToEnglish,
  workingDayAhead,
} from '../support/browser-flow.js';
import { decodeQrOnScreen, parseTlv } from '../support/receipt-qr.js';

const FINANCE = 'finance@demo.test';
/** The seller on the receipts: Saudi invoices carry the Arabic name, two bytes a letter in UTF-8. */
const SELLER = 'Demo Therapy Centre — مركز العلاج التجريبي';

/**
 * SPEC §7 in Chromium: an administrator sells the ABA package with a 10 % discount and a partial
 * cash payment from the modal, sees the balance, books the first session, opens the receipt (its
 * QR code read off the screen, in English and Arabic); finance takes the rest by card on the
 * patient page and sees both in the day's takings; the day view marks a patient who owes money.
 */
describe.skipIf(browserTestsSkipped)('money on a sold package', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
    await db
      .updateTable('tenants')
      .set({ name: SELLER })
      .where('name', '=', 'Demo Therapy Centre')
      .execute();
  });

  const idOf = async (table: 'patients' | 'clinics', column: string, value: string) =>
    (
      await fixture.database.db
        .selectFrom(table)
        .select('id')
        .where(column as 'id', '=', value)
        .executeTakeFirstOrThrow()
    ).id;

  /** Finance's home: today's net takings per method and in total, in halalas ('Cash': 150000). */
  async function takingsByMethod(page: Page): Promise<Record<string, number>> {
    const takings: Record<string, number> = {};
    for (const row of await page.locator(`#${TAKINGS_ID} tbody tr`).all()) {
      const method = (await row.locator('th').textContent())!;
      const net = (await row.locator('td').last().textContent())!;
      takings[method] = Math.round(Number(net.replace(/[^\d.]/g, '')) * 100);
    }
    return takings;
  }

  /** The receipt's fact under `label` (its term in the page's language). */
  function receiptFact(page: Page, label: string) {
    return page
      .locator('.receipt-facts dt', { hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]')
      .textContent();
  }

  /**
   * The QR code of the receipt on the page, as a phone reads it off the screen: the
   * simplified-invoice TLV of SPEC §7, tags 1–5, the time being the payment's to the second.
   */
  async function expectReceiptQr(page: Page, amounts: { total: string; vat: string }) {
    const records = parseTlv(await decodeQrOnScreen(page.locator('#receipt-qr svg')));
    expect(records.map((record) => record.tag)).toEqual([1, 2, 3, 4, 5]);
    const [seller, vatNumber, timestamp, total, vat] = records;
    expect(seller!.value).toBe(SELLER);
    expect(seller!.length).toBe(Buffer.byteLength(SELLER, 'utf8'));
    expect(vatNumber!.value).toBe('300000000000003');
    expect(timestamp!.value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
    const paymentId = new URL(page.url()).pathname.split('/').at(-1)!;
    const { received_at: receivedAt } = await fixture.database.db
      .selectFrom('payments')
      .select('received_at')
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    expect(new Date(timestamp!.value).getTime()).toBe(
      Math.floor(receivedAt.getTime() / 1000) * 1000,
    );
    expect(total!.value).toBe(amounts.total);
    expect(vat!.value).toBe(amounts.vat);
  }

  /** Opens the sale of the ABA package for the chosen patient, in the modal. */
  async function openAbaSale(page: Page, search: string, name: string) {
    await choosePatient(page, search);
    await openPackageModal(page);
    await page
      .locator('#available-packages .package-card', { hasText: name })
      .getByRole('button')
      .click();
    await page.waitForSelector(`#${SALE_FORM_ID}`);
  }

  it('sells ABA at 10 % off, part paid in cash, books session 1, prints the receipt; finance takes the rest by card', async () => {
    // Finance's till before this sale: the demo's own payments of today, if it has any.
    const finance = await signedInPage(fixture.browser, fixture.server.url, FINANCE, '/');
    const tillBefore = await takingsByMethod(finance);

    const page = await signedInPage(fixture.browser, fixture.server.url, 'admin@demo.test');
    await openAbaSale(page, 'Sara', '20 ABA Therapy Package');
    // Keyboard: the confirmation takes the focus, on its first field.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sale-discount');
    await page.keyboard.type('500'); // 10 % of 5,000
    // the amount follows the net price
    expect(await page.locator('#sale-amount').inputValue()).toBe('4500.00');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Sibling discount');
    await page.locator('#sale-amount').fill('1500');
    await page.locator('#sale-method').selectOption('CASH');
    expect(await page.locator('#sale-method option:checked').textContent()).toBe('Cash');
    await screenshots(page, 'sale-en-1-confirmation', ['desktop', 'narrow']);
    await page.locator(`#${SALE_CONFIRM_ID}`).focus();
    await page.keyboard.press('Enter');

    await expect
      .poll(() => page.locator(`#${PACKAGE_BALANCE_ID}`).textContent())
      .toBe('Paid 1,500 SAR · Balance due 3,000 SAR');
    expect(await page.locator('#package-next-session').textContent()).toBe(
      'Session 1 of 20 will be booked.',
    );
    await screenshots(page, 'sale-en-2-sold', ['desktop', 'narrow']);
    const sara = await idOf('patients', 'name_en', 'Sara Al-Harbi');
    const purchase = await fixture.database.db
      .selectFrom('package_purchases')
      .select(['id', 'price', 'discount', 'amount_paid'])
      .where('patient_id', '=', sara)
      .executeTakeFirstOrThrow();
    expect(purchase).toMatchObject({
      price: '5000.00',
      discount: '500.00',
      amount_paid: '1500.00',
    });
    const cashReceipt = await page.locator(`#${PACKAGE_RECEIPT_LINK_ID}`).getAttribute('href');

    // The first session, booked on the package just sold.
    await chooseFirstSlot(page, 'Dr. Reem Al-Mutairi', workingDayAhead(10));
    await book(page);
    expect(await page.locator('#booked-title').textContent()).toBe('Appointment booked.');
    expect(await page.locator('#booked-session').textContent()).toBe(
      '20 ABA Therapy Package · Session 1 of 20',
    );
    const booked = await fixture.database.db
      .selectFrom('appointments')
      .select(['id', 'status', 'session_number_in_package'])
      .where('package_purchase_id', '=', purchase.id)
      .execute();
    expect(booked).toEqual([
      { id: expect.any(String), status: 'BOOKED', session_number_in_package: 1 },
    ]);
    expect(
      await page
        .locator('.booking-confirmation a', { hasText: 'Open the appointment' })
        .getAttribute('href'),
    ).toBe(`/appointments/${booked[0]!.id}`);
    await screenshots(page, 'sale-en-3-booked', ['desktop', 'narrow']);

    // The cash receipt, in English and in Arabic, its QR code read off the screen.
    await page.goto(`${fixture.server.url}${cashReceipt}`);
    expect(await page.locator('#receipt-title').textContent()).toBe('Simplified tax invoice');
    expect(await page.locator('#receipt-total').textContent()).toBe('1,500 SAR');
    expect(await page.locator('#receipt-vat').textContent()).toBe('195.65 SAR');
    expect(await receiptFact(page, 'Method')).toBe('Cash');
    await expectReceiptQr(page, { total: '1500.00', vat: '195.65' });
    await screenshots(page, 'sale-en-4-receipt', ['desktop', 'narrow']);
    await switchToArabic(page);
    expect(await page.locator('#receipt-title').textContent()).toBe('فاتورة ضريبية مبسطة');
    expect(await receiptFact(page, 'طريقة الدفع')).toBe('نقداً');
    await expectReceiptQr(page, { total: '1500.00', vat: '195.65' });
    await screenshots(page, 'sale-ar-4-receipt', ['desktop', 'narrow']);
    await switchToEnglish(page);
    await page.context().close();

    // Finance sees the balance owed from their home page and takes the rest by card.
    await finance.reload();
    await finance.locator(`#${OUTSTANDING_ID} #outstanding-${purchase.id} a`).click();
    await finance.waitForURL(`**/patients/${sara}#money-${purchase.id}`);
    expect(await finance.locator(`#balance-${purchase.id}`).textContent()).toBe(
      'Paid 1,500 SAR · Balance due 3,000 SAR',
    );
    const formId = paymentFormId('PAYMENT', purchase.id);
    await finance.locator(`#${formId}`).locator('xpath=..').locator('summary').click();
    expect(await finance.locator(`#${formId}-amount`).inputValue()).toBe('3000.00');
    await finance.locator(`#${formId}-method`).selectOption('CARD');
    await screenshots(finance, 'sale-en-5-finance-payment-form', ['desktop', 'narrow']);
    await finance.locator(`#${formId} button[type="submit"]`).click();
    await finance.waitForSelector(`#${PAYMENT_NOTICE_ID}`);
    expect(await finance.locator(`#balance-${purchase.id}`).textContent()).toBe(
      'Paid in full (4,500 SAR)',
    );
    const payments = await fixture.database.db
      .selectFrom('payments')
      .select(['id', 'method', 'amount'])
      .where('purchase_id', '=', purchase.id)
      .orderBy('invoice_number')
      .execute();
    expect(payments.map(({ method, amount }) => ({ method, amount }))).toEqual([
      { method: 'CASH', amount: '1500.00' },
      { method: 'CARD', amount: '3000.00' },
    ]);
    const patientRows = finance.locator(`#money-${purchase.id} tbody tr`);
    expect(await patientRows.count()).toBe(2);
    for (const payment of payments) {
      const cells = await finance.locator(`#payment-${payment.id} td`).allTextContents();
      expect(cells.slice(1)).toEqual([
        'Payment',
        payment.method === 'CASH' ? 'Cash' : 'Card',
        payment.method === 'CASH' ? '1,500 SAR' : '3,000 SAR',
        expect.stringMatching(/^Receipt \d+$/),
      ]);
    }
    await screenshots(finance, 'sale-en-6-finance-patient-payments', ['desktop', 'narrow']);
    await finance.locator(`#${PAYMENT_NOTICE_ID} a`).click();
    await finance.waitForSelector('#receipt-title');
    expect(await finance.locator('#receipt-total').textContent()).toBe('3,000 SAR');
    expect(await receiptFact(finance, 'Method')).toBe('Card');
    await expectReceiptQr(finance, { total: '3000.00', vat: '391.30' });

    // The day's takings on finance's home: this sale's cash and card on top of what was there.
    await finance.goto(`${fixture.server.url}/`);
    const till = await takingsByMethod(finance);
    expect(till).toEqual({
      ...tillBefore,
      Cash: (tillBefore.Cash ?? 0) + 150_000,
      Card: (tillBefore.Card ?? 0) + 300_000,
      Total: (tillBefore.Total ?? 0) + 450_000,
    });
    for (const payment of payments) {
      const row = finance.locator(`#${DAY_PAYMENTS_ID} #day-payment-${payment.id}`);
      const cells = await row.locator('td').allTextContents();
      expect(cells.slice(1)).toEqual([
        'Payment',
        payment.method === 'CASH' ? 'Cash' : 'Card',
        payment.method === 'CASH' ? '1,500 SAR' : '3,000 SAR',
        'Sara Al-Harbi',
        '20 ABA Therapy Package',
      ]);
    }
    expect(await finance.locator(`#${OUTSTANDING_ID} #outstanding-${purchase.id}`).count()).toBe(0);
    await screenshots(finance, 'sale-en-7-finance-home');
    await switchToArabic(finance);
    const cashRow = finance.locator(`#${DAY_PAYMENTS_ID} #day-payment-${payments[0]!.id} td`);
    expect((await cashRow.allTextContents()).slice(1)).toEqual([
      'دفعة',
      'نقداً',
      expect.stringMatching(/^\u200f?1,500\sر\.س\.\u200f?$/),
      'سارة الحربي',
      'باقة 20 جلسة تحليل سلوك تطبيقي',
    ]);
    await screenshots(finance, 'sale-ar-7-finance-home', ['desktop', 'narrow']);
    await switchToEnglish(finance);
    await finance.context().close();
  });

  it('badges a patient with a balance due in the day view', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test');
    const slp = await idOf('clinics', 'specialty', 'SLP');
    // Layla's partly paid purchase; her older one is used in the SLP clinic a week ago.
    const date = addDays(localDate('Asia/Riyadh', new Date()), -7);
    await page.goto(`${fixture.server.url}/appointments?date=${date}&clinic=${slp}`);
    const layla = page.locator(`#${DAY_VIEW_ID} .day-appointment`, { hasText: 'Layla' });
    expect(await layla.locator('.balance-due-badge').textContent()).toBe('Balance due');
    await screenshots(page, 'sale-en-6-day-view-badge', ['desktop', 'narrow']);
    await switchToArabic(page);
    expect(
      await page
        .locator(`#${DAY_VIEW_ID} .day-appointment`, { hasText: 'ليلى' })
        .locator('.balance-due-badge')
        .textContent(),
    ).toBe('مبلغ مستحق');
    await screenshots(page, 'sale-ar-6-day-view-badge', ['desktop', 'narrow']);
    await page.context().close();
  });

  it('reads in Arabic: the confirmation, the balance, the receipt, the patient’s payments', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'admin@demo.test');
    await switchToArabic(page);
    await openAbaSale(page, 'عمر', 'تحليل سلوك');
    await page.locator('#sale-discount').fill('500');
    await page.locator('#sale-discount-reason').fill('خصم الإخوة');
    await page.locator('#sale-amount').fill('2000');
    await screenshots(page, 'sale-ar-1-confirmation', ['desktop', 'narrow']);
    await page.locator(`#${SALE_CONFIRM_ID}`).click();
    await page.waitForSelector(`#${PACKAGE_BALANCE_ID}`);
    expect(await page.locator(`#${PACKAGE_BALANCE_ID}`).textContent()).toMatch(
      /^المدفوع .+ · المستحق .+$/,
    );
    await screenshots(page, 'sale-ar-2-sold', ['desktop', 'narrow']);
    const receipt = await page.locator(`#${PACKAGE_RECEIPT_LINK_ID}`).getAttribute('href');
    await page.goto(`${fixture.server.url}${receipt}`);
    expect(await page.locator('#receipt-title').textContent()).toBe('فاتورة ضريبية مبسطة');
    await screenshots(page, 'sale-ar-3-receipt', ['desktop', 'narrow']);
    const omar = await idOf('patients', 'name_en', 'Omar Al-Qahtani');
    await page.goto(`${fixture.server.url}/patients/${omar}`);
    await page.waitForSelector('#patient-payments');
    await screenshots(page, 'sale-ar-4-patient-payments', ['desktop', 'narrow']);
    await page.context().close();
  });
});
