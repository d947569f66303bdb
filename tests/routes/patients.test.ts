import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { QueryCounter } from '../../src/db/query-counter.js';
import type { TestDatabase } from '../support/test-db.js';
import {
  PATIENT_APPOINTMENTS_ID,
  PATIENT_PACKAGES_ID,
} from '../../src/views/patients/patient-page.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

async function patientPage(name: string, client = desk) {
  const response = await client.request(`/patients/${await demo.patient(name)}`);
  return { response, page: html(await response.text()) };
}

function rows(page: ReturnType<typeof html>, section: string) {
  return page.querySelectorAll(`#${section} tbody tr`).map((row) => ({
    id: row.id,
    cells: row.querySelectorAll('th, td').map(textOf),
    classes: row.getAttribute('class') ?? '',
    link: row.querySelector('a')?.getAttribute('href') ?? null,
  }));
}

describe('the patient page', () => {
  it("shows Ahmed's details", async () => {
    const { response, page } = await patientPage('Ahmed Al-Rashid');
    expect(response.status).toBe(200);
    expect(textOf(page.querySelector('#patient-title'))).toBe('Ahmed Al-Rashid');
    const details = textOf(page.querySelector('#patient-details'));
    for (const fact of ['أحمد الراشد', 'MRN-000001', '+966501234567', '14 Mar 2019']) {
      expect(details).toContain(fact);
    }
  });

  it('lists his purchase 5/10 and his five appointments, newest first', async () => {
    const patientId = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(patientId);
    const { page } = await patientPage('Ahmed Al-Rashid');
    expect(textOf(page.querySelector(`#${PATIENT_PACKAGES_ID} h2`))).toBe('Packages (1)');
    const packages = rows(page, 'patient-packages');
    expect(packages).toHaveLength(1);
    expect(packages[0]!.id).toBe(`purchase-${purchase!.id}`);
    expect(packages[0]!.cells.slice(0, 4)).toEqual(['10 SLP Sessions', 'Active', '5/10', '5']);

    const appointments = await database.db
      .selectFrom('appointments')
      .select(['id', 'status', 'session_number_in_package'])
      .where('patient_id', '=', patientId)
      .orderBy('starts_at', 'desc')
      .execute();
    expect(appointments).toHaveLength(5);
    expect(textOf(page.querySelector(`#${PATIENT_APPOINTMENTS_ID} h2`))).toBe('Appointments (5)');
    const listed = rows(page, 'patient-appointments');
    expect(listed.map((row) => row.id)).toEqual(appointments.map((a) => `appointment-${a.id}`));
    expect(listed.map((row) => row.link)).toEqual(appointments.map((a) => `/appointments/${a.id}`));
    expect(listed.map((row) => row.cells[4])).toEqual([
      'Booked',
      'Completed',
      'Completed',
      'Completed',
      'Completed',
    ]);
    expect(listed.map((row) => row.cells[5])).toEqual(
      [5, 4, 3, 2, 1].map((n) => `Session ${n} of 10`),
    );
    expect(listed[0]!.cells.slice(1, 4)).toEqual([
      'SLP Clinic',
      'Dr. Huda Al-Zahrani',
      'Speech Therapy Session',
    ]);
    expect(listed[0]!.cells[0]).toMatch(/^\d+ \w{3} 20\d\d 09:00–09:45$/);
  });

  it("keeps Khalid's expired purchase in the history with its status", async () => {
    const [purchase] = await demo.purchasesOf(await demo.patient('Khalid Al-Dosari'));
    const { page } = await patientPage('Khalid Al-Dosari');
    const [row] = rows(page, 'patient-packages');
    expect(row?.id).toBe(`purchase-${purchase!.id}`);
    expect(row?.cells.slice(0, 4)).toEqual(['12 OT Sessions', 'Expired', '2/12', '10']);
    expect(row?.classes).toContain('history');
    expect(rows(page, 'patient-appointments').map((r) => r.cells[5])).toEqual([
      'Session 2 of 12',
      'Session 1 of 12',
    ]);
  });

  it('lists usable purchases first, earliest expiry first', async () => {
    const { page } = await patientPage('Layla Al-Otaibi');
    expect(rows(page, 'patient-packages').map((row) => row.cells[2])).toEqual(['3/10', '0/10']);
  });

  it('shows empty states for a patient with nothing yet', async () => {
    const { page } = await patientPage('Sara Al-Harbi');
    expect(textOf(page.querySelector(`#${PATIENT_PACKAGES_ID} .empty`))).toBe(
      'This patient has no packages.',
    );
    expect(textOf(page.querySelector(`#${PATIENT_APPOINTMENTS_ID} .empty`))).toBe(
      'This patient has no appointments.',
    );
  });

  it('is open to every signed-in role, and to nobody else', async () => {
    for (const email of ['provider@demo.test', 'finance@demo.test', 'admin@demo.test']) {
      const client = await demo.signIn(email);
      expect((await patientPage('Ahmed Al-Rashid', client)).response.status, email).toBe(200);
    }
    const anonymous = new TestClient(createTestApp(database.db).app);
    const response = await anonymous.request(`/patients/${await demo.patient('Ahmed Al-Rashid')}`);
    expect(response.status).toBe(303);
  });
});

describe('bad input', () => {
  it("answers another tenant's patient, or an unknown one, with 404 and leaks nothing", async () => {
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    const response = await desk.request(`/patients/${mariam}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Mariam');
    expect((await desk.request(`/patients/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it.each(['42', "1'--", 'not-a-uuid'])('refuses the malformed id %s with 400', async (id) => {
    expect((await desk.request(`/patients/${encodeURIComponent(id)}`)).status).toBe(400);
  });
});

describe('in Arabic', () => {
  it('is right-to-left with Arabic labels', async () => {
    const admin = await demo.signIn('admin@demo.test');
    expect((await admin.request('/account/locale', { form: { locale: 'ar' } })).status).toBe(303);
    const { page } = await patientPage('Ahmed Al-Rashid', admin);
    expect(page.querySelector('html')?.getAttribute('dir')).toBe('rtl');
    expect(textOf(page.querySelector('#patient-title'))).toBe('أحمد الراشد');
    expect(textOf(page.querySelector(`#${PATIENT_PACKAGES_ID} h2`))).toBe('الباقات (1)');
    expect(rows(page, 'patient-packages')[0]?.cells.slice(0, 4)).toEqual([
      '10 جلسات نطق',
      'نشطة',
      '5/10',
      '5',
    ]);
    const [latest] = rows(page, 'patient-appointments');
    expect(latest?.cells.slice(1)).toEqual([
      'عيادة النطق',
      'د. هدى الزهراني',
      'جلسة علاج النطق',
      'محجوز',
      'الجلسة 5 من 10',
    ]);
    // Latin letters only in the English name and the MRN (data, not labels).
    const main = page.querySelector('#main')!;
    for (const data of main.querySelectorAll('[lang="en"], [dir="ltr"]')) data.remove();
    expect(main.text).not.toMatch(/[A-Za-z]/);
  });
});

describe('queries per patient page', () => {
  it('do not grow with the number of purchases and appointments', async () => {
    const counts: number[] = [];
    for (const name of ['Sara Al-Harbi', 'Ahmed Al-Rashid', 'Noura Al-Shammari']) {
      const counter = new QueryCounter();
      const client = await demo.signIn('frontdesk@demo.test', database.db.withPlugin(counter));
      counter.count = 0;
      expect((await patientPage(name, client)).response.status).toBe(200);
      counts.push(counter.count);
    }
    expect(new Set(counts).size).toBe(1);
  });
});
