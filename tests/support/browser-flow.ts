import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import { addDays, localDate } from '../../src/domain/dates.js';
import { ARTIFACTS_DIR } from './browser.js';
import { DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';
import { PACKAGE_MODAL_ID } from '../../src/views/appointments/package-modal.js';
import {
  SALE_CONFIRM_ID,
  SALE_FORM_ID,
  SALE_PAY_LATER_ID,
} from '../../src/views/appointments/sale-confirmation.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
} from '../../src/views/appointments/patient-picker.js';
import { SLOT_LIST_ID } from '../../src/views/appointments/schedule-fields.js';

/** The widths staff use: a desk terminal, a tablet at the reception, a phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  tablet: { width: 820, height: 1180 },
  narrow: { width: 390, height: 844 },
} as const;

/** A fresh browser context signed in through the real login form, on `path`. */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  email: string,
  path = '/appointments/new',
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, ...options });
  // htmx's SSE extension announces each (re)opened stream; see liveStreamOpen.
  await context.addInitScript(() =>
    document.addEventListener('htmx:sseOpen', () => {
      (window as { raseedStreamOpen?: boolean }).raseedStreamOpen = true;
    }),
  );
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await signIn(page, baseUrl, email, DEMO_PASSWORD, path);
  return page;
}

/**
 * Waits until the page's event stream is open (the server subscribes it before answering), so
 * a change made after this reaches it as an event; one made before shows through the re-fetch
 * each open makes (views/live.ts), a moment later (pages of signedInPage only).
 */
export async function liveStreamOpen(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as { raseedStreamOpen?: boolean }).raseedStreamOpen === true,
    null,
    { timeout: 30_000 },
  );
}

/** Signs `page` in through the real login form and waits for `path` (default: home). */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  path = '/',
) {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(path)}`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('#password').press('Enter');
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** The signed-in user's language, switched with the top bar's button (it is remembered). */
export async function switchToArabic(page: Page) {
  await page.locator('.topbar-user button[lang="ar"]').click();
  await page.waitForSelector('html[dir="rtl"]');
}

/** Back to English (a user's language is kept: the next test signing them in gets it). */
export async function switchToEnglish(page: Page) {
  await page.locator('.topbar-user button[lang="en"]').click();
  await page.waitForSelector('html[dir="ltr"]');
}

/**
 * The page as it is now, at every width (the step's name says what it shows), then back to
 * the desktop size. `widths` narrows it to the desktop for steps that look like an earlier one.
 */
export async function screenshots(
  page: Page,
  step: string,
  widths: (keyof typeof VIEWPORTS)[] = ['desktop', 'tablet', 'narrow'],
) {
  for (const width of widths) {
    await page.setViewportSize(VIEWPORTS[width]);
    await page.screenshot({ path: `${ARTIFACTS_DIR}/${step}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

export async function choosePatient(page: Page, search: string) {
  await page.locator('#patient-search').fill(search);
  await page.locator(`#${PATIENT_RESULTS_ID} button.result`).first().click();
  await page.waitForSelector(`#${PATIENT_CHOICE_ID} [name="patient_id"]`, { state: 'attached' });
}

export async function openPackageModal(page: Page) {
  await page.locator('#type-package').check();
  await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] #package-modal-title`);
}

/**
 * The sale's confirmation that "Assign & use package" opens in the modal: pay later, or pay
 * now what is in the amount field (the net price unless `amount` says otherwise); confirmed.
 */
export async function confirmSale(
  page: Page,
  payment: { later: true } | { amount?: string; method?: string; reference?: string },
) {
  await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] #${SALE_FORM_ID}`);
  if ('later' in payment) {
    await page.locator(`#${SALE_PAY_LATER_ID}`).check();
  } else {
    if (payment.amount !== undefined) await page.locator('#sale-amount').fill(payment.amount);
    if (payment.method) await page.locator('#sale-method').selectOption(payment.method);
    if (payment.reference) await page.locator('#sale-reference').fill(payment.reference);
  }
  await page.locator(`#${SALE_CONFIRM_ID}`).click();
  await page.waitForSelector('#package-next-session');
}

/** The demo centre's zone (src/db/seed/demo.ts). */
const DEMO_TIMEZONE = 'Asia/Riyadh';

/** A working day (Sunday–Thursday) `daysAhead` or a little later, 'YYYY-MM-DD'. */
export function workingDayAhead(daysAhead: number): string {
  // Ahead of the demo centre's today, in Riyadh: from 21:00 UTC its date is UTC's tomorrow.
  let day = addDays(localDate(DEMO_TIMEZONE, new Date()), daysAhead);
  while ([5, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

/** Does `change` and waits for the slot list it re-fetches (replaced whole, whatever it holds). */
async function slotsAfter(page: Page, change: () => Promise<void>) {
  await page.evaluate(() => document.getElementById('slot-list')?.setAttribute('data-old', ''));
  await change();
  await page.waitForSelector(`#${SLOT_LIST_ID}:not([data-old])`, { state: 'attached' });
}

/** Provider, date and the first free time; returns the chosen time's label. */
export async function chooseFirstSlot(page: Page, provider: string, date: string) {
  await slotsAfter(page, async () => {
    await page.locator('#provider').selectOption({ label: provider });
  });
  await slotsAfter(page, () => page.locator('#date').fill(date)); // fill sends input and change
  const slot = page.locator(`#${SLOT_LIST_ID} .slot`).first();
  await slot.locator('input').check();
  return (await slot.textContent())!.trim();
}

export async function book(page: Page) {
  await page.locator('#book-button').click();
  await page.waitForSelector('#booked-title');
}

/** From the confirmation to the day view of the booked appointment. */
export async function openDayView(page: Page) {
  await page.locator('.booking-confirmation a[href^="/appointments?"]').click();
  await page.waitForSelector(`#${DAY_VIEW_ID}`);
}

/** From the day view: the patient's appointment, cancelled with a reason. */
export async function cancelFromDayView(page: Page, patientName: string, reason: string) {
  await page
    .locator(`#${DAY_VIEW_ID} .day-appointment`, { hasText: patientName })
    .locator('a:not(.reschedule-link)')
    .click();
  await page.waitForSelector('#cancel-reason');
  await page.locator('#cancel-reason').fill(reason);
  await page.locator('.cancel-form button[type="submit"]').click();
  // The answer replaces the section: a cancelled appointment has no cancel form any more.
  await page.waitForSelector('.cancel-form', { state: 'detached' });
}

export interface FlowStep {
  name: string;
  /** Does what staff do and waits for what they then see. */
  run(page: Page): Promise<void>;
}

/**
 * SPEC §6's measured path, from "Use package" to the booked confirmation for a patient already
 * chosen: each step one interaction (the slot's radio button asks nothing of the server).
 */
export function packageBookingSteps(provider: string, date: string): FlowStep[] {
  return [
    {
      name: 'use package (modal)',
      run: async (page) => {
        await page.locator('#type-package').check();
        await page.waitForSelector(`#${PACKAGE_MODAL_ID}[open] .package-card button`);
      },
    },
    {
      name: 'select package (section, clinics, providers)',
      run: async (page) => {
        await page.locator('.package-card.suggested button').click();
        await page.waitForSelector('#package-next-session');
        await page.waitForSelector('#provider:not([disabled])');
      },
    },
    {
      name: 'provider (slots)',
      run: (page) =>
        slotsAfter(page, async () => {
          await page.locator('#provider').selectOption({ label: provider });
        }),
    },
    {
      name: 'date (slots)',
      run: async (page) => {
        await slotsAfter(page, async () => {
          await page.locator('#date').fill(date); // fill sends input and change
        });
        await page.waitForSelector(`#${SLOT_LIST_ID} .slot`);
      },
    },
    {
      name: 'book (confirmation)',
      run: async (page) => {
        await page.locator(`#${SLOT_LIST_ID} .slot input`).first().check();
        await book(page);
      },
    },
  ];
}

export interface Transfer {
  url: string;
  /** Bytes on the wire: headers and the (compressed) body. */
  bytes: number;
}

/** Every finished response of the page from now on, with its bytes on the wire (CDP). */
export async function recordTransfers(page: Page): Promise<Transfer[]> {
  const transfers: Transfer[] = [];
  const urls = new Map<string, string>();
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) => {
    const url = urls.get(event.requestId);
    if (url && !url.startsWith('data:')) transfers.push({ url, bytes: event.encodedDataLength });
  });
  await cdp.send('Network.enable');
  return transfers;
}
