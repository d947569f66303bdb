import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createAppointment, createTimeOff } from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { DAY_VIEW_ID, PROVIDER_WEEK_ID } from '../../src/views/appointments/day-view.js';
import {
  PACKAGE_PLACE_FIELDS,
  PLACE_FIELDS,
} from '../../src/views/appointments/schedule-fields.js';
import { PLACE_NOT_KEPT_ID } from '../../src/views/appointments/clinic-options.js';
import { NEXT_SESSION_ID } from '../../src/views/appointments/package-section.js';
import { SUGGESTED_PACKAGE_ID } from '../../src/views/appointments/patient-picker.js';
import { saleFormOf, salePath } from '../support/sale.js';

const ZONE = 'Asia/Riyadh';
/** The demo clock's day (a Wednesday, 12:00 in Riyadh) and a Sunday ahead, both working days. */
const TODAY = '2026-11-25';
const DAY = '2026-12-06';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;
const ids = {} as Record<'slp' | 'ot' | 'faisal' | 'huda' | 'lama' | 'speech' | 'sara', string>;
/** Sara's appointments made here: Faisal today at 13:00 and on DAY at 11:00; Lama in OT on DAY. */
let today1300: string, day1100: string, lamaInOt: string;

const at = (date: string, time: string) =>
  DateTime.fromISO(`${date}T${time}`, { zone: ZONE }).toJSDate();

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  const { db } = database;
  const named = async (table: 'clinics' | 'providers' | 'services', name: string) =>
    (
      await db
        .selectFrom(table)
        .select('id')
        .where('tenant_id', '=', demo.demo)
        .where('name_en', '=', name)
        .executeTakeFirstOrThrow()
    ).id;
  ids.slp = await named('clinics', 'SLP Clinic');
  ids.ot = await named('clinics', 'OT Clinic');
  ids.faisal = await named('providers', 'Dr. Faisal Al-Ghamdi');
  ids.huda = await named('providers', 'Dr. Huda Al-Zahrani');
  ids.lama = await named('providers', 'Dr. Lama Al-Juhani');
  ids.speech = await named('services', 'Speech Therapy Session');
  const otService = (
    await db
      .selectFrom('services')
      .select('id')
      .where('clinic_id', '=', ids.ot)
      .executeTakeFirstOrThrow()
  ).id;
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'frontdesk@demo.test')
    .executeTakeFirstOrThrow();
  const refs = (provider: string, clinic = ids.slp, service = ids.speech) => ({
    tenant: { id: demo.demo },
    clinic: { id: clinic },
    service: { id: service },
    provider: { id: provider },
    patient: { id: ids.sara },
    user,
  });
  ids.sara = await demo.patient('Sara Al-Harbi');
  today1300 = (await createAppointment(db, refs(ids.faisal), { starts_at: at(TODAY, '13:00') })).id;
  day1100 = (await createAppointment(db, refs(ids.faisal), { starts_at: at(DAY, '11:00') })).id;
  lamaInOt = (
    await createAppointment(db, refs(ids.lama, ids.ot, otService), {
      starts_at: at(DAY, '09:00'),
    })
  ).id;
  await createTimeOff(db, demo.demo, ids.huda, {
    starts_at: at(DAY, '14:00'),
    ends_at: at(DAY, '15:30'),
  });
});
afterAll(() => database.close());

const dayUrl = (date: string, clinic = ids.slp) => `/appointments?date=${date}&clinic=${clinic}`;

async function view(client: TestClient, path: string, options: { htmx?: boolean } = {}) {
  const response = await client.request(path, options);
  return { response, page: html(await response.text()) };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const classesOf = (node: { classList: { value: string[] } } | null | undefined) =>
  node ? [...node.classList.value] : [];

describe('the day grid', () => {
  it('has a row per quarter hour from the earliest to the latest schedule hour', async () => {
    const { page } = await view(desk, dayUrl(DAY));
    const hours = page.querySelectorAll(`#${DAY_VIEW_ID} .cal-axis .cal-hour`).map((h) => h.text);
    expect(hours).toEqual(['08:00', '09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00']);
    expect(classesOf(page.querySelector('.cal-axis .cal-end'))).toContain('r32');
    // Each column lines its free quarter hours up on those rows: Dr. Huda is free all day but
    // for her time off (14:00–15:30).
    const huda = page.querySelector(`#provider-${ids.huda}`)!;
    const free = huda.querySelectorAll('a.cal-free');
    expect(free[0]?.text).toBe('08:00');
    expect(classesOf(free[0])).toContain('r1');
    expect(free.map((cell) => cell.text)).not.toContain('14:00');
    expect(free.map((cell) => cell.text)).toContain('15:30');
    expect(free).toHaveLength(32 - 6);
  });

  it('places each appointment as a block over its rows, sized by its duration', async () => {
    const { page } = await view(desk, dayUrl(DAY));
    const faisal = page.querySelector(`#${DAY_VIEW_ID} #provider-${ids.faisal}`)!;
    const block = faisal.querySelector(`#appointment-${day1100}`)!.parentNode;
    // 11:00 is row 13 counting from 08:00; 45 minutes span three rows.
    expect(classesOf(block)).toEqual(['cal-block', 'r13', 's3']);
    expect(faisal.querySelector(`#appointment-${day1100} .time`)?.text).toBe('11:00–11:45');
    const freeTimes = faisal.querySelectorAll('a.cal-free').map((cell) => cell.text);
    expect(freeTimes).toContain('10:45');
    expect(freeTimes).not.toContain('11:00');
    expect(freeTimes).not.toContain('11:30');
    expect(freeTimes).toContain('11:45');
  });

  it('shades time off, and time taken in another clinic, instead of offering it', async () => {
    const { page } = await view(desk, dayUrl(DAY));
    const off = page.querySelector(`#provider-${ids.huda} .cal-off`);
    expect(classesOf(off)).toEqual(['cal-off', 'r25', 's6']);
    expect(off?.text).toBe('Time off');
    // Dr. Lama's OT appointment at 09:00 keeps her busy in the SLP calendar, unnamed.
    const lama = page.querySelector(`#provider-${ids.lama}`)!;
    expect(classesOf(lama.querySelector('.cal-busy'))).toEqual(['cal-busy', 'r5', 's3']);
    expect(lama.querySelector(`#appointment-${lamaInOt}`)).toBeNull();
    expect(lama.querySelectorAll('a.cal-free').map((cell) => cell.text)).not.toContain('09:15');
  });

  it('books a free quarter hour through the booking form, prefilled, with a label to read', async () => {
    const { page } = await view(desk, dayUrl(DAY));
    const cell = page.querySelector(`#provider-${ids.faisal} a.cal-free.r9`);
    expect(cell?.text).toBe('10:00');
    expect(cell?.getAttribute('href')).toBe(
      `/appointments/new?clinic_id=${ids.slp}&provider_id=${ids.faisal}&date=${DAY}&time=10:00`,
    );
    expect(cell?.getAttribute('aria-label')).toBe('Book 10:00 with Dr. Faisal Al-Ghamdi');
  });

  it('offers no time already past today, and checks in from the block on the day', async () => {
    const { page } = await view(desk, dayUrl(TODAY));
    const faisal = page.querySelector(`#provider-${ids.faisal}`)!;
    // 12:00 in Riyadh now: nothing before it is free any more.
    expect(faisal.querySelectorAll('a.cal-free')[0]?.text).toBe('12:00');
    const form = faisal.querySelector(`#appointment-${today1300} form.cal-checkin`);
    expect(form?.getAttribute('action')).toBe(`/appointments/${today1300}/status`);
    expect(form?.getAttribute('data-refresh')).toBe(`#${DAY_VIEW_ID}`);
    expect(form?.querySelector('button')?.getAttribute('value')).toBe('ARRIVED');
    expect(form?.querySelector('button')?.getAttribute('aria-label')).toBe(
      'Mark arrived: Sara Al-Harbi',
    );
    // Not before the day: the future block has none.
    const later = await view(desk, dayUrl(DAY));
    expect(later.page.querySelector(`#appointment-${day1100} form.cal-checkin`)).toBeNull();

    const response = await desk.request(`/appointments/${today1300}/status`, {
      form: { status: 'ARRIVED' },
      htmx: true,
    });
    expect(response.status).toBe(200);
    const after = await view(desk, dayUrl(TODAY), { htmx: true });
    const item = after.page.querySelector(`#appointment-${today1300}`);
    expect(item?.querySelector('.status')?.text).toBe('Arrived');
    expect(item?.querySelector('form.cal-checkin')).toBeNull();
    await database.db
      .updateTable('appointments')
      .set({ status: 'BOOKED' })
      .where('id', '=', today1300)
      .execute();
  });

  it('re-fetches itself live and after a check-in, answering 204 while nothing changed', async () => {
    const { page } = await view(desk, dayUrl(DAY), { htmx: true });
    const grid = page.querySelector(`#${DAY_VIEW_ID}`);
    const refetch = grid?.getAttribute('hx-get') ?? '';
    expect(refetch).toMatch(new RegExp(`^${escape(dayUrl(DAY))}&v=[\\w-]{16}$`));
    expect(grid?.getAttribute('hx-trigger')).toContain('sse:appointment.booked');
    expect(grid?.getAttribute('hx-trigger')).toContain('raseed:refresh');
    const same = await desk.request(refetch, { htmx: true });
    expect(same.status).toBe(204);
    expect(await same.text()).toBe('');
    // A page load always answers in full; so does the re-fetch once something changed.
    expect((await desk.request(refetch)).status).toBe(200);
    await database.db
      .updateTable('appointments')
      .set({ status: 'CONFIRMED' })
      .where('id', '=', day1100)
      .execute();
    const changed = await view(desk, refetch, { htmx: true });
    expect(changed.response.status).toBe(200);
    expect(changed.page.querySelector(`#appointment-${day1100} .status`)?.text).toBe('Confirmed');
    await database.db
      .updateTable('appointments')
      .set({ status: 'BOOKED' })
      .where('id', '=', day1100)
      .execute();
  });

  it('shows every clinic: each active provider once, appointments of all clinics', async () => {
    const { page } = await view(desk, dayUrl(DAY, 'all'));
    const names = page.querySelectorAll(`#${DAY_VIEW_ID} .cal-col h3`).map((h) => h.text);
    expect(names).toHaveLength(7);
    expect(new Set(names).size).toBe(7);
    expect(page.querySelector(`#provider-${ids.lama} #appointment-${lamaInOt}`)).not.toBeNull();
    expect(page.querySelector(`#provider-${ids.lama} .cal-busy`)).toBeNull();
    // A free quarter hour books in the provider's first clinic by name.
    const cell = page.querySelector(`#provider-${ids.huda} a.cal-free.r1`);
    expect(cell?.getAttribute('href')).toContain(`clinic_id=${ids.slp}&provider_id=${ids.huda}`);
  });

  it('pages one provider at a time on a phone: the chosen one is current', async () => {
    const { page } = await view(desk, `${dayUrl(DAY)}&provider=${ids.huda}`);
    const current = page.querySelectorAll('.cal-col.current');
    expect(current.map((column) => column.id)).toEqual([`provider-${ids.huda}`]);
    expect(page.querySelector('#cal-previous')?.getAttribute('href')).toBe(
      `${dayUrl(DAY)}&provider=${ids.faisal}`,
    );
    expect(page.querySelector('#cal-next')?.getAttribute('href')).toBe(
      `${dayUrl(DAY)}&provider=${ids.lama}`,
    );
    expect(page.querySelector(`#${DAY_VIEW_ID}`)?.getAttribute('hx-get')).toContain(
      `${dayUrl(DAY)}&provider=${ids.huda}&v=`,
    );
    // Paging on keeps to the day's other links.
    expect(page.querySelector('#next-day')?.getAttribute('href')).toContain(`provider=${ids.huda}`);
  });
});

describe('the clinic, remembered per user', () => {
  const chosen = async (client: TestClient) =>
    (await view(client, '/appointments')).page
      .querySelector('#day-view-clinic option[selected]')
      ?.getAttribute('value');
  const stored = async (email: string) =>
    (
      await database.db
        .selectFrom('users')
        .select('calendar_clinic_id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).calendar_clinic_id;

  it('opens on the clinic this user chose last, every clinic at first', async () => {
    const admin = await demo.signIn('admin@demo.test');
    expect(await chosen(admin)).toBe('all');
    await admin.request(dayUrl(DAY, ids.ot));
    expect(await chosen(admin)).toBe(ids.ot);
    expect(await stored('admin@demo.test')).toBe(ids.ot);
    // Another user's choice is their own.
    const finance = await demo.signIn('finance@demo.test');
    expect(await chosen(finance)).toBe('all');
    // The grid's own re-fetch does not change it; "All clinics" does.
    await admin.request(dayUrl(DAY, ids.slp), { htmx: true });
    expect(await chosen(admin)).toBe(ids.ot);
    await admin.request(dayUrl(DAY, 'all'));
    expect(await chosen(admin)).toBe('all');
    expect(await stored('admin@demo.test')).toBeNull();
  });
});

describe("a provider's week", () => {
  const weekUrl = (provider: string, date = DAY) =>
    `/appointments/week?provider=${provider}&date=${date}`;

  it('has a column per day from Sunday, the blocks on their days, free time to book', async () => {
    const { response, page } = await view(desk, weekUrl(ids.faisal, '2026-12-08'));
    expect(response.status).toBe(200);
    expect(page.querySelector('#provider-week-title')?.text).toBe('Week: Dr. Faisal Al-Ghamdi');
    const days = page.querySelectorAll(`#${PROVIDER_WEEK_ID} .cal-col`).map((c) => c.id);
    expect(days).toEqual(
      [6, 7, 8, 9, 10, 11, 12].map((d) => `day-2026-12-${String(d).padStart(2, '0')}`),
    );
    const sunday = page.querySelector(`#day-${DAY}`)!;
    expect(classesOf(sunday.querySelector(`#appointment-${day1100}`)?.parentNode)).toEqual([
      'cal-block',
      'r13',
      's3',
    ]);
    expect(sunday.querySelector('a.cal-free.r1')?.getAttribute('href')).toBe(
      `/appointments/new?clinic_id=${ids.slp}&provider_id=${ids.faisal}&date=${DAY}&time=08:00`,
    );
    // Friday: no hours, nothing free.
    expect(page.querySelector('#day-2026-12-11 .cal-free')).toBeNull();
    // On a phone, the day asked for.
    expect(page.querySelector('.cal-col.current')?.id).toBe('day-2026-12-08');
    expect(page.querySelector('#cal-next')?.getAttribute('href')).toBe(
      weekUrl(ids.faisal, '2026-12-09'),
    );
  });

  it("refuses another tenant's or an unknown provider with 404, a malformed query with 400", async () => {
    const foreign = (
      await database.db
        .selectFrom('providers')
        .select('id')
        .where('tenant_id', '=', demo.other)
        .executeTakeFirstOrThrow()
    ).id;
    const response = await desk.request(weekUrl(foreign));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Al-Marzouqi');
    expect((await desk.request(weekUrl(crypto.randomUUID()))).status).toBe(404);
    expect((await desk.request('/appointments/week')).status).toBe(400);
    expect((await desk.request(`/appointments/week?provider=${ids.faisal}&date=soon`)).status).toBe(
      400,
    );
  });
});

describe('roles', () => {
  it('lets a provider and finance read the grid but neither book nor check in', async () => {
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      const client = await demo.signIn(email);
      const { response, page } = await view(client, dayUrl(TODAY));
      expect(response.status, email).toBe(200);
      expect(page.querySelectorAll('.cal-free').length, email).toBeGreaterThan(0);
      expect(page.querySelector('a.cal-free'), email).toBeNull();
      expect(page.querySelector('.cal-checkin'), email).toBeNull();
      expect(page.querySelector('.reschedule-link'), email).toBeNull();
      const week = await view(client, `/appointments/week?provider=${ids.faisal}&date=${DAY}`);
      expect(week.response.status, email).toBe(200);
      expect(week.page.querySelector('a.cal-free'), email).toBeNull();
    }
  });

  it('keeps the check-in to the desk: finance is refused and nothing changes', async () => {
    const finance = await demo.signIn('finance@demo.test');
    const response = await finance.request(`/appointments/${today1300}/status`, {
      form: { status: 'ARRIVED' },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    const row = await database.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', today1300)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('BOOKED');
  });

  it('refuses bad input with 400', async () => {
    for (const query of ['?date=2026-02-30', `?clinic=${ids.slp}&provider=42`, '?clinic=every']) {
      expect((await desk.request(`/appointments${query}`)).status, query).toBe(400);
    }
  });
});

describe('the booking form, prefilled from the calendar', () => {
  const bookingUrl = (query: string) => `/appointments/new?${query}`;

  it('comes with the clinic, provider, day and time chosen', async () => {
    const { response, page } = await view(
      desk,
      bookingUrl(`clinic_id=${ids.slp}&provider_id=${ids.faisal}&date=${DAY}&time=10:00`),
    );
    expect(response.status).toBe(200);
    expect(page.querySelector('#clinic option[selected]')?.getAttribute('value')).toBe(ids.slp);
    expect(page.querySelector('#provider option[selected]')?.getAttribute('value')).toBe(
      ids.faisal,
    );
    expect(page.querySelector('#date')?.getAttribute('value')).toBe(DAY);
    expect(page.querySelector('#slot-list input[checked]')?.getAttribute('value')).toBe(
      `${DAY}T10:00:00+03:00`,
    );
    // Without a clinic: the provider's first one.
    const lama = await view(desk, bookingUrl(`provider_id=${ids.lama}&date=${DAY}&time=10:00`));
    expect(lama.page.querySelector('#clinic option[selected]')?.getAttribute('value')).toBe(ids.ot);
  });

  it('keeps the place when the patient is chosen after it', async () => {
    const patient = await demo.patient('Ahmed Al-Rashid');
    const place = new URLSearchParams({
      patient_id: patient,
      appointment_type: 'single',
      clinic_id: ids.slp,
      provider_id: ids.faisal,
      service_id: ids.speech,
      date: DAY,
      duration: '45',
      start: `${DAY}T10:00:00+03:00`,
    });
    const { page } = await view(desk, `/appointments/new/patient?${place}`, { htmx: true });
    expect(page.querySelector('#clinic-field')).toBeNull();
    const slots = page.querySelector('#slot-list');
    expect(slots?.getAttribute('hx-swap-oob')).toBe('true');
    expect(slots?.querySelector('input[checked]')?.getAttribute('value')).toBe(
      `${DAY}T10:00:00+03:00`,
    );
    // The results send that place along.
    const results = await view(desk, '/appointments/new/patients?q=Ahmed', { htmx: true });
    expect(results.page.querySelector('button.result')?.getAttribute('hx-include')).toBe(
      PLACE_FIELDS,
    );
  });

  it('answers 404 for a provider or clinic not the tenant’s, 403 for other roles, 400 for a bad time', async () => {
    const foreign = await database.db
      .selectFrom('providers')
      .innerJoin('provider_clinics', 'provider_clinics.provider_id', 'providers.id')
      .select(['providers.id', 'provider_clinics.clinic_id'])
      .where('providers.tenant_id', '=', demo.other)
      .executeTakeFirstOrThrow();
    expect((await desk.request(bookingUrl(`provider_id=${foreign.id}`))).status).toBe(404);
    expect((await desk.request(bookingUrl(`clinic_id=${foreign.clinic_id}`))).status).toBe(404);
    expect(
      (await desk.request(bookingUrl(`clinic_id=${ids.ot}&provider_id=${ids.faisal}`))).status,
    ).toBe(404);
    expect((await desk.request(bookingUrl(`provider_id=${ids.faisal}&time=25:00`))).status).toBe(
      400,
    );
    const provider = await demo.signIn('provider@demo.test');
    expect((await provider.request(bookingUrl(`provider_id=${ids.faisal}`))).status).toBe(403);
  });
});

/**
 * The calendar's free time, then a patient and a package: the place stays when the package
 * covers it (SPEC §1.6–8), with the session number of that day (§1.9); else, as without a
 * place, with a line saying why.
 */
describe('a package chosen after the calendar’s free time', () => {
  const tenAm = `${DAY}T10:00:00+03:00`;
  const place = (clinic: string, provider: string, date = DAY, start = tenAm) => ({
    clinic_id: clinic,
    provider_id: provider,
    date,
    start,
  });
  const choose = async (patient: string, purchase: string, asked: Record<string, string>) =>
    view(
      desk,
      `/appointments/new/package?${new URLSearchParams({ patient_id: patient, package_purchase_id: purchase, ...asked })}`,
      { htmx: true },
    );
  const chosenOf = (page: Awaited<ReturnType<typeof view>>['page']) => ({
    clinic: page.querySelector('#clinic option[selected]')?.getAttribute('value'),
    provider: page.querySelector('#provider option[selected]')?.getAttribute('value'),
    date: page.querySelector('#date')?.getAttribute('value'),
    start: page.querySelector('#slot-list input[checked]')?.getAttribute('value'),
    session: page.querySelector(`#${NEXT_SESSION_ID}`)?.text,
    notKept: page.querySelector(`#${PLACE_NOT_KEPT_ID}`)?.text,
  });

  it('keeps clinic, provider, day and time, numbering the session on that day', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    // Ahmed's fifth session is booked on 2 December: one on DAY after it is his sixth.
    const { response, page } = await choose(ahmed, purchase!.id, place(ids.slp, ids.faisal));
    expect(response.status).toBe(200);
    expect(chosenOf(page)).toEqual({
      clinic: ids.slp,
      provider: ids.faisal,
      date: DAY,
      start: tenAm,
      session: 'Session 6 of 10 will be booked.',
      notKept: undefined,
    });
    // Without a place: Dr. Huda (who saw him last) today, his fifth.
    const defaults = chosenOf((await choose(ahmed, purchase!.id, {})).page);
    expect(defaults).toMatchObject({ provider: ids.huda, date: TODAY, start: undefined });
    expect(defaults.session).toBe('Session 5 of 10 will be booked.');
    // Each way of choosing a package sends the place along.
    const modal = await view(desk, `/appointments/new/package-modal?patient_id=${ahmed}`, {
      htmx: true,
    });
    expect(modal.page.querySelector('.package-card button')?.getAttribute('hx-include')).toBe(
      PACKAGE_PLACE_FIELDS,
    );
    const patientChoice = await view(desk, `/appointments/new/patient?patient_id=${ahmed}`, {
      htmx: true,
    });
    expect(
      patientChoice.page.querySelector(`#${SUGGESTED_PACKAGE_ID}`)?.getAttribute('hx-include'),
    ).toBe(PACKAGE_PLACE_FIELDS);
  });

  it('keeps the place for a package sold on the spot', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const sale = await saleFormOf(desk, salePath(sara, await demo.pkg('10 SLP Sessions')));
    const response = await desk.request('/appointments/new/assign', {
      form: {
        ...sale,
        payment: 'later',
        ...place(ids.slp, ids.faisal, DAY, `${DAY}T12:00:00+03:00`),
      },
      htmx: true,
    });
    expect(response.status).toBe(200);
    expect(chosenOf(html(await response.text()))).toMatchObject({
      clinic: ids.slp,
      provider: ids.faisal,
      date: DAY,
      start: `${DAY}T12:00:00+03:00`,
      session: 'Session 1 of 10 will be booked.',
      notKept: undefined,
    });
  });

  it('falls back, saying why, when the package is not used at the clinic or ends before the day', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const elsewhere = chosenOf((await choose(ahmed, purchase!.id, place(ids.ot, ids.lama))).page);
    expect(elsewhere).toMatchObject({ clinic: ids.slp, provider: ids.huda, start: undefined });
    expect(elsewhere.notKept).toBe('10 SLP Sessions is not used at OT Clinic.');

    const { expiry_date } = await database.db
      .selectFrom('package_purchases')
      .select('expiry_date')
      .where('id', '=', purchase!.id)
      .executeTakeFirstOrThrow();
    const late = DateTime.fromISO(expiry_date).plus({ days: 7 }).toISODate()!;
    const afterExpiry = chosenOf(
      (
        await choose(
          ahmed,
          purchase!.id,
          place(ids.slp, ids.faisal, late, `${late}T10:00:00+03:00`),
        )
      ).page,
    );
    // The provider stays; the day is his first free one within the package's validity.
    expect(afterExpiry).toMatchObject({ clinic: ids.slp, provider: ids.faisal, start: undefined });
    expect(afterExpiry.date! <= expiry_date).toBe(true);
    expect(afterExpiry.notKept).toMatch(/^10 SLP Sessions expires on .+, before the chosen day\.$/);
  });

  it('says it in Arabic, and ignores another tenant’s or a malformed place', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const arabic = await demo.signIn('admin@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const { page } = await view(
      arabic,
      `/appointments/new/package?${new URLSearchParams({ patient_id: ahmed, package_purchase_id: purchase!.id, ...place(ids.ot, ids.lama) })}`,
      { htmx: true },
    );
    expect(page.querySelector(`#${PLACE_NOT_KEPT_ID}`)?.text).toBe(
      'لا تُستخدم باقة 10 جلسات نطق في عيادة العلاج الوظيفي.',
    );

    const foreignClinic = (
      await database.db
        .selectFrom('clinics')
        .select('id')
        .where('tenant_id', '=', demo.other)
        .executeTakeFirstOrThrow()
    ).id;
    const foreign = await choose(ahmed, purchase!.id, place(foreignClinic, ids.faisal));
    expect(foreign.response.status).toBe(200);
    // Nothing about another tenant's clinic: as without a place.
    expect(chosenOf(foreign.page)).toMatchObject({ provider: ids.huda, notKept: undefined });
    const malformed = await choose(ahmed, purchase!.id, place('nope', ids.faisal, 'soon', 'x'));
    expect(malformed.response.status).toBe(200);
    expect(chosenOf(malformed.page)).toMatchObject({ provider: ids.huda, notKept: undefined });
  });
});
