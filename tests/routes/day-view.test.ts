import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createAppointment } from '../support/factories.js';
import { QueryCounter } from '../../src/db/query-counter.js';
import type { TestDatabase } from '../support/test-db.js';
import { DAY_VIEW_EMPTY_ID, DAY_VIEW_ID } from '../../src/views/appointments/day-view.js';

const ZONE = 'Asia/Riyadh';
/** A Friday: the demo centre works Sunday to Thursday, so nothing is booked. */
const EMPTY_DAY = '2026-11-27';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;
let slpClinic: string;
/** Ahmed's fifth SLP session, BOOKED next week, and the tenant-local day it falls on. */
let booked: { id: string; provider_id: string; starts_at: Date };
let bookedDay: string;
/** Two single sessions added beside Ahmed's, so that day is busier than the others. */
let extraIds: string[];

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  const { db } = database;
  slpClinic = (
    await db
      .selectFrom('clinics')
      .select('id')
      .where('tenant_id', '=', demo.demo)
      .where('name_en', '=', 'SLP Clinic')
      .executeTakeFirstOrThrow()
  ).id;
  booked = await db
    .selectFrom('appointments')
    .select(['id', 'provider_id', 'starts_at'])
    .where('patient_id', '=', await demo.patient('Ahmed Al-Rashid'))
    .where('status', '=', 'BOOKED')
    .executeTakeFirstOrThrow();
  bookedDay = DateTime.fromJSDate(booked.starts_at, { zone: ZONE }).toISODate()!;

  const refs = {
    tenant: { id: demo.demo },
    clinic: { id: slpClinic },
    service: await db
      .selectFrom('services')
      .select('id')
      .where('tenant_id', '=', demo.demo)
      .where('name_en', '=', 'Speech Therapy Session')
      .executeTakeFirstOrThrow(),
    provider: await db
      .selectFrom('providers')
      .select('id')
      .where('tenant_id', '=', demo.demo)
      .where('name_en', '=', 'Dr. Faisal Al-Ghamdi')
      .executeTakeFirstOrThrow(),
    patient: { id: await demo.patient('Sara Al-Harbi') },
    user: await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'frontdesk@demo.test')
      .executeTakeFirstOrThrow(),
  };
  extraIds = [];
  for (const time of ['13:00', '11:00']) {
    const start = DateTime.fromISO(`${bookedDay}T${time}`, { zone: ZONE }).toJSDate();
    extraIds.push((await createAppointment(db, refs, { starts_at: start })).id);
  }
});
afterAll(() => database.close());

const dayUrl = (date: string, clinic = slpClinic) => `/appointments?date=${date}&clinic=${clinic}`;

async function page(client: TestClient, path: string) {
  const response = await client.request(path);
  return { response, page: html(await response.text()) };
}

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

describe('the day view', () => {
  it("shows Ahmed's booked session in his provider's column with its package badge", async () => {
    const { response, page: view } = await page(desk, dayUrl(bookedDay));
    expect(response.status).toBe(200);
    const item = view.querySelector(
      `#${DAY_VIEW_ID} #provider-${booked.provider_id} #appointment-${booked.id}`,
    );
    expect(item).not.toBeNull();
    expect(item!.querySelector('a')?.getAttribute('href')).toBe(`/appointments/${booked.id}`);
    expect(textOf(item!.querySelector('.time'))).toBe('09:00–09:45');
    expect(textOf(item!.querySelector('.patient'))).toBe('Ahmed Al-Rashid');
    expect(textOf(item!.querySelector('.service'))).toBe('Speech Therapy Session');
    expect(textOf(item!.querySelector('.badge-package'))).toBe('SLP 5/10');
    expect(textOf(item!.querySelector('.status'))).toBe('Booked');
    expect(view.querySelector(`#${DAY_VIEW_EMPTY_ID}`)).toBeNull();
    expect(textOf(view.querySelector('#day-view-date-heading'))).toMatch(/^\w+day, \d+ \w+ 2026$/);
  });

  it('has one column per provider of the clinic, each in time order', async () => {
    const providers = await database.db
      .selectFrom('providers')
      .innerJoin('provider_clinics', 'provider_clinics.provider_id', 'providers.id')
      .select(['providers.id', 'providers.name_en'])
      .where('provider_clinics.clinic_id', '=', slpClinic)
      .orderBy('providers.name_en')
      .execute();
    expect(providers.length).toBeGreaterThanOrEqual(2);
    const { page: view } = await page(desk, dayUrl(bookedDay));
    const columns = view.querySelectorAll(`#${DAY_VIEW_ID} .day-column`);
    expect(columns.map((column) => textOf(column.querySelector('h3')))).toEqual(
      providers.map((provider) => provider.name_en),
    );
    expect(columns.map((column) => column.id)).toEqual(
      providers.map((provider) => `provider-${provider.id}`),
    );
    const faisal = view.querySelector(
      `#provider-${providers.find((p) => p.name_en === 'Dr. Faisal Al-Ghamdi')!.id}`,
    );
    expect(faisal?.querySelectorAll('.time').map(textOf)).toEqual(['11:00–11:45', '13:00–13:45']);
    expect(faisal?.querySelectorAll('.day-appointment').map((item) => item.id)).toEqual(
      [...extraIds].reverse().map((id) => `appointment-${id}`),
    );
    expect(faisal?.querySelector('.badge-package')).toBeNull(); // single sessions
  });

  it('says so when the day has nothing, for the day and for each column', async () => {
    const { response, page: view } = await page(desk, dayUrl(EMPTY_DAY));
    expect(response.status).toBe(200);
    expect(textOf(view.querySelector(`#${DAY_VIEW_EMPTY_ID}`))).toBe(
      'No appointments in SLP Clinic on this day.',
    );
    const columns = view.querySelectorAll(`#${DAY_VIEW_ID} .day-column`);
    expect(columns.length).toBeGreaterThan(0);
    for (const column of columns) {
      expect(textOf(column.querySelector('.empty'))).toBe('No appointments');
      expect(column.querySelector('.day-appointment')).toBeNull();
    }
  });

  it('lists a cancelled appointment, marked cancelled', async () => {
    const { db } = database;
    await db
      .updateTable('appointments')
      .set({ status: 'CANCELLED' })
      .where('id', '=', booked.id)
      .execute();
    try {
      const { page: view } = await page(desk, dayUrl(bookedDay));
      const item = view.querySelector(`#appointment-${booked.id}`);
      expect(item?.classList.contains('cancelled')).toBe(true);
      expect(textOf(item?.querySelector('.status'))).toBe('Cancelled');
      expect(textOf(item?.querySelector('.badge-package'))).toBe('SLP 5/10');
    } finally {
      await db
        .updateTable('appointments')
        .set({ status: 'BOOKED' })
        .where('id', '=', booked.id)
        .execute();
    }
  });

  it("defaults to today in the tenant's zone and, at first, to every clinic", async () => {
    // A user who never chose a clinic (the desk's own choice is remembered: see calendar tests).
    const finance = await demo.signIn('finance@demo.test');
    const { response, page: view } = await page(finance, '/appointments');
    expect(response.status).toBe(200);
    expect(view.querySelector('#day-view-date')?.getAttribute('value')).toBe('2026-11-25');
    const options = view.querySelectorAll('#day-view-clinic option');
    expect(options.map(textOf)).toEqual(['All clinics', 'ABA Clinic', 'OT Clinic', 'SLP Clinic']);
    expect(options[0]?.hasAttribute('selected')).toBe(true);
    expect(textOf(view.querySelector('#day-view-title'))).toBe('Day view: All clinics');
    expect(view.querySelector('#today-link')?.getAttribute('aria-current')).toBe('date');
    // An emptied field is the default too.
    expect((await finance.request('/appointments?date=&clinic=')).status).toBe(200);
  });

  it('has a labelled form and links to the previous and next days', async () => {
    const { page: view } = await page(desk, dayUrl('2026-12-01'));
    const form = view.querySelector('form#day-view-form');
    expect(form?.getAttribute('method')).toBe('get');
    expect(form?.getAttribute('action')).toBe('/appointments');
    for (const id of ['day-view-date', 'day-view-clinic']) {
      expect(view.querySelector(`label[for="${id}"]`)).not.toBeNull();
    }
    expect(textOf(form?.querySelector('button[type="submit"]'))).toBe('Show');
    expect(view.querySelector('#previous-day')?.getAttribute('href')).toBe(dayUrl('2026-11-30'));
    expect(view.querySelector('#next-day')?.getAttribute('href')).toBe(dayUrl('2026-12-02'));
    expect(
      view.querySelector(`#day-view-clinic option[value="${slpClinic}"]`)?.hasAttribute('selected'),
    ).toBe(true);
  });

  it('answers an htmx request with the grid alone', async () => {
    const response = await desk.request(dayUrl(bookedDay), { htmx: true });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).not.toContain('<html');
    expect(html(body).querySelector(`#${DAY_VIEW_ID} #appointment-` + booked.id)).not.toBeNull();
  });

  it('is open to every signed-in role, and to nobody else', async () => {
    for (const email of ['provider@demo.test', 'finance@demo.test', 'admin@demo.test']) {
      const client = await demo.signIn(email);
      expect((await client.request(dayUrl(bookedDay))).status, email).toBe(200);
    }
    const anonymous = await new TestClient(createTestApp(database.db).app).request('/appointments');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });

  it('leaves the other /appointments pages to their routes', async () => {
    const { response, page: booking } = await page(desk, '/appointments/new');
    expect(response.status).toBe(200);
    expect(booking.querySelector('#booking-title')).not.toBeNull();
  });
});

describe('bad input', () => {
  it.each([
    ['a malformed date', '?date=tomorrow'],
    ['an impossible date', '?date=2026-02-30'],
    ['a month 13', '?date=2026-13-01'],
    ['a malformed clinic', '?clinic=42'],
    ['an injected clinic', "?clinic=1'--"],
  ])('refuses %s with 400', async (_kind, query) => {
    expect((await desk.request(`/appointments${query}`)).status).toBe(400);
  });

  it("answers another tenant's clinic, or an unknown one, with 404 and leaks nothing", async () => {
    const foreign = (
      await database.db
        .selectFrom('clinics')
        .select('id')
        .where('tenant_id', '=', demo.other)
        .executeTakeFirstOrThrow()
    ).id;
    const response = await desk.request(dayUrl(bookedDay, foreign));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Other SLP Clinic');
    expect((await desk.request(dayUrl(bookedDay, crypto.randomUUID()))).status).toBe(404);
  });
});

describe('in Arabic', () => {
  it('is right-to-left with Arabic labels and names, and no English left', async () => {
    const admin = await demo.signIn('admin@demo.test');
    const switched = await admin.request('/account/locale', { form: { locale: 'ar' } });
    expect(switched.status).toBe(303);
    const { page: view } = await page(admin, dayUrl(bookedDay));
    const root = view.querySelector('html');
    expect(root?.getAttribute('dir')).toBe('rtl');
    expect(root?.getAttribute('lang')).toBe('ar');
    expect(textOf(view.querySelector('#day-view-title'))).toBe('عرض اليوم: عيادة النطق');
    expect(textOf(view.querySelector('label[for="day-view-date"]'))).toBe('التاريخ');
    expect(textOf(view.querySelector('#day-view-form button'))).toBe('عرض');
    const item = view.querySelector(`#appointment-${booked.id}`);
    expect(textOf(item?.querySelector('.patient'))).toBe('أحمد الراشد');
    expect(textOf(item?.querySelector('.status'))).toBe('محجوز');
    expect(textOf(item?.querySelector('.time'))).toBe('09:00–09:45');
    expect(textOf(view.querySelector(`#provider-${booked.provider_id} h3`))).toBe(
      'د. هدى الزهراني',
    );
    // Only the specialty code of the package badge (data, like "SLP") may stay in Latin letters.
    const main = view.querySelector('#main')!;
    for (const badge of main.querySelectorAll('.badge-package')) badge.remove();
    expect(main.text).not.toMatch(/[A-Za-z]/);
  });
});

describe('queries per day view', () => {
  it('do not grow with the number of appointments', async () => {
    const counts: number[] = [];
    for (const date of [EMPTY_DAY, bookedDay]) {
      const counter = new QueryCounter();
      const client = await demo.signIn('frontdesk@demo.test', database.db.withPlugin(counter));
      counter.count = 0;
      expect((await client.request(dayUrl(date))).status).toBe(200);
      counts.push(counter.count);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(4); // session, clinics, providers, appointments
  });
});
