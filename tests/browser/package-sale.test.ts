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
import { PAYMENT_NOTICE_ID, paymentFormId } from '../../src/views/patients/purchase-payments.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  choosePatient,
  openPackageModal,
  screenshots,
  signedInPage,
  switchToArabic,
} from '../support/browser-flow.js';

/**
 * SPEC §7 in Chromium: an administrator sells the ABA package with a 10 % discount and a partial
 * cash payment from the modal, sees the balance, opens the receipt, takes the rest by card on
 * the patient page; the day view marks a patient who owes money.
 */
describe.skipIf(browserTestsSkipped)('money on a sold package', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
  });

  const idOf = async (table: 'patients' | 'clinics', column: string, value: string) =>
    (
      await fixture.database.db
        .selectFrom(table)
        .select('id')
        .where(column as 'id', '=', value)
        .executeTakeFirstOrThrow()
    ).id;

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

  it('sells with a discount and pay now, shows the balance, prints the receipt, takes the rest', async () => {
    const page = await signedInPage(fixture.browser, fixture.server.url, 'admin@demo.test');
    await openAbaSale(page, 'Sara', '20 ABA Therapy Package');
    // Keyboard: the confirmation takes the focus, on its first field.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sale-discount');
    await page.keyboard.type('500');
    // the amount follows the net price
    expect(await page.locator('#sale-amount').inputValue()).toBe('4500.00');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Sibling discount');
    await page.locator('#sale-amount').fill('1500');
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

    const receipt = await page.locator(`#${PACKAGE_RECEIPT_LINK_ID}`).getAttribute('href');
    await page.goto(`${fixture.server.url}${receipt}`);
    expect(await page.locator('#receipt-title').textContent()).toBe('Simplified tax invoice');
    expect(await page.locator('#receipt-total').textContent()).toBe('1,500 SAR');
    await screenshots(page, 'sale-en-3-receipt', ['desktop', 'narrow']);

    const sara = await idOf('patients', 'name_en', 'Sara Al-Harbi');
    await page.goto(`${fixture.server.url}/patients/${sara}`);
    const purchase = await fixture.database.db
      .selectFrom('package_purchases')
      .select('id')
      .where('patient_id', '=', sara)
      .executeTakeFirstOrThrow();
    await expect
      .poll(() => page.locator(`#balance-${purchase.id}`).textContent())
      .toBe('Paid 1,500 SAR · Balance due 3,000 SAR');
    const formId = paymentFormId('PAYMENT', purchase.id);
    await page.locator(`#${formId}`).locator('xpath=..').locator('summary').click();
    expect(await page.locator(`#${formId}-amount`).inputValue()).toBe('3000.00');
    await page.locator(`#${formId}-method`).selectOption('CARD');
    await screenshots(page, 'sale-en-4-patient-payment-form', ['desktop', 'narrow']);
    await page.locator(`#${formId} button[type="submit"]`).click();
    await page.waitForSelector(`#${PAYMENT_NOTICE_ID}`);
    expect(await page.locator(`#balance-${purchase.id}`).textContent()).toBe(
      'Paid in full (4,500 SAR)',
    );
    expect(await page.locator(`#money-${purchase.id} tbody tr`).count()).toBe(2);
    await screenshots(page, 'sale-en-5-patient-payments', ['desktop', 'narrow']);
    await page.locator(`#${PAYMENT_NOTICE_ID} a`).click();
    await page.waitForSelector('#receipt-title');
    expect(await page.locator('#receipt-total').textContent()).toBe('3,000 SAR');
    await page.context().close();
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
