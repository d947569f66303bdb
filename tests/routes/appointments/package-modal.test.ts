import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../src/db/seed/demo.js';
import { createTestApp, TestClock } from '../../support/app.js';
import { html, TestClient } from '../../support/client.js';
import { htmxGetPath, saleFormOf } from '../../support/sale.js';
import { DEMO_NOW, openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import { QueryCounter } from '../../../src/db/query-counter.js';
import type { TestDatabase } from '../../support/test-db.js';
import { ANNOUNCER_ID } from '../../../src/views/announcer.js';
import { PACKAGE_HINT_ID } from '../../../src/views/appointments/booking-page.js';
import { CLINIC_FIELD_ID } from '../../../src/views/appointments/clinic-options.js';
import {
  PACKAGE_MODAL_BODY_ID,
  PACKAGE_MODAL_ERROR_ID,
  PACKAGE_MODAL_ID,
} from '../../../src/views/appointments/package-modal.js';
import { PACKAGE_SECTION_ID } from '../../../src/views/appointments/package-section.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
} from '../../../src/views/appointments/patient-picker.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

async function fragment(client: TestClient, path: string) {
  const response = await client.request(path, { htmx: true });
  return { response, page: html(await response.text()) };
}

const modalFor = async (patientName: string) =>
  fragment(desk, `/appointments/new/package-modal?patient_id=${await demo.patient(patientName)}`);

function cardTexts(page: ReturnType<typeof html>, section: string) {
  return page.querySelectorAll(`#${section} .package-card`).map((card) => ({
    id: card.getAttribute('id'),
    title: card.querySelector('h4')!.text,
    text: card.text.replace(/\s+/g, ' ').trim(),
    classes: card.getAttribute('class'),
    button: card.querySelector('button')?.text.trim() ?? null,
  }));
}

describe('the booking page', () => {
  it('has the patient search, the three appointment types, the dialog and a hint', async () => {
    const response = await desk.request('/appointments/new');
    expect(response.status).toBe(200);
    const page = html(await response.text());
    expect(page.querySelector('#patient-search')?.getAttribute('hx-trigger')).toContain('delay:');
    expect(
      page.querySelectorAll('[name="appointment_type"]').map((r) => r.getAttribute('value')),
    ).toEqual(['single', 'package', 'group']);
    expect(page.querySelector(`dialog#${PACKAGE_MODAL_ID}`)).not.toBeNull();
    const hint = page.querySelector(`#${PACKAGE_HINT_ID}`);
    expect(hint?.text).toBe('Please select a patient first.');
    expect(hint?.hasAttribute('hidden')).toBe(true);
    expect(page.querySelectorAll('#clinic option').map((o) => o.text)).toEqual([
      'Choose a clinic',
      'ABA Clinic',
      'OT Clinic',
      'SLP Clinic',
    ]);
  });

  it('is for the desk: providers and finance are refused', async () => {
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      const client = await demo.signIn(email);
      expect((await client.request('/appointments/new')).status).toBe(403);
    }
  });
});

describe('patient search', () => {
  it.each([
    ['an English name', 'rashid', 'Ahmed Al-Rashid'],
    ['an Arabic name', 'الراشد', 'Ahmed Al-Rashid'],
    ['an MRN', 'MRN-000004', 'Layla Al-Otaibi'],
    // Stored as +966501234567: the national, international and spaced spellings find it.
    ['a national phone', '0501234567', 'Ahmed Al-Rashid'],
    ['a phone with its country code', '966501234567', 'Ahmed Al-Rashid'],
    ['a spaced international phone', '+966 50 123 4567', 'Ahmed Al-Rashid'],
  ])('finds by %s', async (_kind, q, name) => {
    const { page } = await fragment(desk, `/appointments/new/patients?q=${encodeURIComponent(q)}`);
    expect(
      page.querySelectorAll(`#${PATIENT_RESULTS_ID} .result-name`).map((n) => n.text),
    ).toContain(name);
  });

  it('finds by phone digits', async () => {
    const phone = (
      await database.db
        .selectFrom('patients')
        .select('phone')
        .where('id', '=', await demo.patient('Sara Al-Harbi'))
        .executeTakeFirstOrThrow()
    ).phone!;
    const { page } = await fragment(desk, `/appointments/new/patients?q=${phone.slice(-7)}`);
    expect(page.querySelectorAll('.result-name').map((n) => n.text)).toEqual(['Sara Al-Harbi']);
  });

  it('returns at most 20 results and says when nothing matches', async () => {
    const many = await fragment(desk, '/appointments/new/patients?q=al');
    expect(many.page.querySelectorAll('.result').length).toBe(20);
    const none = await fragment(desk, '/appointments/new/patients?q=zzzz');
    expect(none.page.querySelector('.empty')?.text).toBe('No patient matches this search.');
  });

  it("never shows another tenant's patients", async () => {
    const { page } = await fragment(desk, '/appointments/new/patients?q=Mariam');
    expect(page.querySelectorAll('.result')).toHaveLength(0);
  });

  it('choosing a patient resets the package and the clinic choice', async () => {
    const id = await demo.patient('Ahmed Al-Rashid');
    const { page } = await fragment(desk, `/appointments/new/patient?patient_id=${id}`);
    expect(
      page.querySelector(`#${PATIENT_CHOICE_ID} input[name="patient_id"]`)?.getAttribute('value'),
    ).toBe(id);
    expect(page.querySelector(`#${PACKAGE_SECTION_ID}`)?.getAttribute('hx-swap-oob')).toBe('true');
    expect(page.querySelector(`#${CLINIC_FIELD_ID}`)?.getAttribute('hx-swap-oob')).toBe('true');
  });
});

describe('scenario 1: use an assigned package', () => {
  it('shows the purchase 5/10, suggested, and the whole catalogue', async () => {
    const { response, page } = await modalFor('Ahmed Al-Rashid');
    expect(response.status).toBe(200);
    expect(page.querySelector('#package-modal-title')?.text).toBe('Packages for Ahmed Al-Rashid');
    expect(page.querySelector('#assigned-heading')?.text).toBe('Assigned packages (1)');
    const [card] = cardTexts(page, 'assigned-packages');
    expect(card?.title).toContain('10 SLP Sessions');
    expect(card?.text).toContain('5/10 used (5 remaining)');
    expect(card?.classes).toContain('suggested');
    expect(card?.button).toBe('Select this package');
    expect(page.querySelector('#assigned-packages progress')?.getAttribute('value')).toBe('5');
    expect(page.querySelector('#available-heading')?.text).toBe('Available packages (5)');
  });

  it('a purchase swaps the package section (said once); a package opens its sale in the modal', async () => {
    const { page } = await modalFor('Ahmed Al-Rashid');
    const content = page.querySelector('.modal-content')!;
    expect(content.getAttribute('hx-target')).toBe(`#${PACKAGE_SECTION_ID}`);
    expect(content.getAttribute('hx-swap')).toBe('outerHTML');
    const selects = page.querySelectorAll('#assigned-packages [hx-get]');
    expect(selects).toHaveLength(1);
    expect(selects[0]!.hasAttribute('hx-target')).toBe(false);
    const sales = page.querySelectorAll('#available-packages [hx-get]');
    expect(sales).toHaveLength(5);
    const patientId = await demo.patient('Ahmed Al-Rashid');
    for (const button of sales) {
      expect(button.getAttribute('hx-get')).toMatch(/^\/appointments\/new\/sale\?/);
      expect(button.getAttribute('hx-target')).toBe(`#${PACKAGE_MODAL_BODY_ID}`);
      // The cards are kept for every patient: the patient comes from the section's hx-vals.
      expect(button.getAttribute('hx-get')).not.toContain('patient_id');
      expect(htmxGetPath(button)).toContain(`patient_id=${patientId}`);
    }
  });

  it('selecting it shows session 5 of 10 (today, before next week) and narrows clinics to SLP, with its providers', async () => {
    const patientId = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(patientId);
    const { response, page } = await fragment(
      desk,
      `/appointments/new/package?patient_id=${patientId}&package_purchase_id=${purchase!.id}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('hx-trigger')).toBe('raseed:close-package-modal');
    // The schedule opens on today, before Ahmed's session next week: date order makes it 5.
    expect(page.querySelector('#package-next-session')?.text).toBe(
      'Session 5 of 10 will be booked.',
    );
    expect(
      page
        .querySelector(`#${PACKAGE_SECTION_ID} input[name="package_purchase_id"]`)
        ?.getAttribute('value'),
    ).toBe(purchase!.id);
    const clinics = page.querySelectorAll('#clinic option');
    expect(clinics.map((o) => o.text)).toEqual(['SLP Clinic']);
    expect(clinics[0]?.hasAttribute('selected')).toBe(true);
    const providers = page.querySelectorAll('#provider option').map((o) => o.text);
    expect(providers).toContain('Dr. Huda Al-Zahrani');
    expect(providers).not.toContain('Dr. Reem Al-Mutairi'); // ABA
  });
});

describe('scenario 2: assign a new package to a patient with none', () => {
  it('shows the empty state, then assigns once however often it is submitted', async () => {
    const patientId = await demo.patient('Sara Al-Harbi');
    const { page } = await modalFor('Sara Al-Harbi');
    expect(page.querySelector('#assigned-heading')?.text).toBe('Assigned packages (0)');
    expect(page.querySelector('#assigned-packages .empty')?.text).toBe(
      'This patient has no packages yet. Assign one below.',
    );
    const abaId = await demo.pkg('20 ABA Therapy Package');
    const button = page.querySelector(`#package-${abaId} button`)!;
    const values: Record<string, string> = {
      ...(await saleFormOf(desk, htmxGetPath(button))),
      payment: 'later',
    };
    expect(values).toMatchObject({ patient_id: patientId, package_id: abaId });

    const first = await desk.request('/appointments/new/assign', { form: values, htmx: true });
    const again = await desk.request('/appointments/new/assign', { form: values, htmx: true });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);

    const purchases = await demo.purchasesOf(patientId);
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({
      name_en: '20 ABA Therapy Package',
      purchase_date: '2026-11-25',
      expiry_date: '2027-02-23',
      total_sessions: 20,
      sessions_used: 0,
      status: 'ACTIVE',
      price: '5000.00',
      idempotency_key: values.idempotency_key,
    });
    const services = await database.db
      .selectFrom('purchase_services')
      .select(['sessions', 'sessions_used'])
      .where('purchase_id', '=', purchases[0]!.id)
      .execute();
    expect(services).toEqual([{ sessions: 20, sessions_used: 0 }]);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('entity_id', '=', purchases[0]!.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.action).toBe('package.assign');

    const result = html(await again.text());
    expect(result.querySelector('#package-next-session')?.text).toBe(
      'Session 1 of 20 will be booked.',
    );
    expect(result.querySelectorAll('#clinic option').map((o) => o.text)).toEqual(['ABA Clinic']);
    expect(result.querySelector(`#${ANNOUNCER_ID}`)?.text).toBe(
      'Package assigned: 20 ABA Therapy Package.',
    );
  });
});

describe('scenario 3: two purchases and five catalogue packages', () => {
  it('shows each card with its own facts', async () => {
    const { page } = await modalFor('Omar Al-Qahtani');
    const assigned = cardTexts(page, 'assigned-packages');
    expect(assigned.map((c) => c.title)).toEqual([
      expect.stringContaining('20 ABA Therapy Package'),
      '12 OT Sessions',
    ]);
    expect(assigned[0]?.text).toContain('2/20 used (18 remaining)');
    expect(assigned[1]?.text).toContain('0/12 used (12 remaining)');

    const available = cardTexts(page, 'available-packages');
    expect(available.map((c) => c.title)).toEqual([
      '10 SLP Sessions',
      '12 OT Sessions',
      '20 ABA Therapy Package',
      'SLP Assessment + 4 Sessions',
      'Speech & OT Combo',
    ]);
    const aba = available.find((c) => c.title === '20 ABA Therapy Package')!;
    expect(aba.text).toContain('5,000 SAR');
    expect(aba.text).toContain('Valid 90 days');
    expect(aba.text).toContain('ABA Therapy: 20 sessions, ABA Clinic');
    const combo = available.find((c) => c.title === 'Speech & OT Combo')!;
    expect(combo.text).toContain('Occupational Therapy Session: 6 sessions, OT Clinic');
    expect(combo.text).toContain('Speech Therapy Session: 6 sessions, SLP Clinic');
    const assessment = available.find((c) => c.title === 'SLP Assessment + 4 Sessions')!;
    expect(assessment.text).toContain('Speech Assessment: 1 session, SLP Clinic');
    expect(available.every((c) => c.button === 'Assign & use package')).toBe(true);
    expect(page.text).not.toContain('Summer ABA Camp'); // inactive
  });
});

describe('scenario 4: the same package held twice', () => {
  it('lists 3/10 and 0/10, both selectable, and a third assignment works', async () => {
    const patientId = await demo.patient('Layla Al-Otaibi');
    const { page } = await modalFor('Layla Al-Otaibi');
    const assigned = cardTexts(page, 'assigned-packages');
    expect(assigned.map((c) => c.text.match(/\d+\/10 used/)?.[0])).toEqual([
      '3/10 used',
      '0/10 used',
    ]);
    expect(assigned.map((c) => c.button)).toEqual(['Select this package', 'Select this package']);
    expect(assigned[0]?.classes).toContain('suggested'); // expires first

    for (const purchase of await demo.purchasesOf(patientId)) {
      const { response } = await fragment(
        desk,
        `/appointments/new/package?patient_id=${patientId}&package_purchase_id=${purchase.id}`,
      );
      expect(response.status).toBe(200);
    }
    const slp = await demo.pkg('10 SLP Sessions');
    const values: Record<string, string> = {
      ...(await saleFormOf(desk, htmxGetPath(page.querySelector(`#package-${slp} button`)!))),
      payment: 'later',
    };
    expect((await desk.request('/appointments/new/assign', { form: values })).status).toBe(200);
    expect(await demo.purchasesOf(patientId)).toHaveLength(3);
  });
});

describe('an expired purchase', () => {
  it('is greyed, badged and cannot be selected', async () => {
    const patientId = await demo.patient('Khalid Al-Dosari');
    const { page } = await modalFor('Khalid Al-Dosari');
    const [card] = cardTexts(page, 'assigned-packages');
    expect(card?.classes).toContain('expired');
    expect(card?.title).toContain('Expired');
    expect(card?.button).toBeNull();

    const [purchase] = await demo.purchasesOf(patientId);
    const { response, page: error } = await fragment(
      desk,
      `/appointments/new/package?patient_id=${patientId}&package_purchase_id=${purchase!.id}`,
    );
    expect(response.status).toBe(409);
    expect(response.headers.get('hx-retarget')).toBe(`#${PACKAGE_MODAL_ERROR_ID}`);
    expect(error.querySelector('[role="alert"]')?.text).toMatch(/expired on/);
  });
});

describe('bad input changes nothing', () => {
  async function purchaseCount() {
    const row = await database.db
      .selectFrom('package_purchases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('refuses a missing or malformed patient id with 400', async () => {
    for (const query of ['', '?patient_id=', '?patient_id=42', "?patient_id=1'--"]) {
      const { response } = await fragment(desk, `/appointments/new/package-modal${query}`);
      expect(response.status, query).toBe(400);
    }
  });

  it("answers another tenant's patient with 404 and leaks nothing", async () => {
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    const response = await desk.request(`/appointments/new/package-modal?patient_id=${mariam}`, {
      htmx: true,
    });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Mariam');
  });

  it("answers another patient's purchase with 404", async () => {
    const [ahmeds] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    const sara = await demo.patient('Sara Al-Harbi');
    const { response } = await fragment(
      desk,
      `/appointments/new/package?patient_id=${sara}&package_purchase_id=${ahmeds!.id}`,
    );
    expect(response.status).toBe(404);
  });

  it("refuses to assign an inactive package (409) or another tenant's (404)", async () => {
    const before = await purchaseCount();
    const sara = await demo.patient('Sara Al-Harbi');
    const retired = await demo.pkg('Summer ABA Camp (retired)');
    const foreign = await demo.pkg('10 Speech Sessions', demo.other);
    const inactive = await desk.request('/appointments/new/assign', {
      form: { patient_id: sara, package_id: retired, idempotency_key: crypto.randomUUID() },
      htmx: true,
    });
    const elsewhere = await desk.request('/appointments/new/assign', {
      form: { patient_id: sara, package_id: foreign, idempotency_key: crypto.randomUUID() },
      htmx: true,
    });
    expect(inactive.status).toBe(409);
    expect(elsewhere.status).toBe(404);
    expect(await purchaseCount()).toBe(before);
  });

  it('refuses an assignment from a provider, or without the CSRF token', async () => {
    const before = await purchaseCount();
    const form = {
      patient_id: await demo.patient('Sara Al-Harbi'),
      package_id: await demo.pkg('12 OT Sessions'),
      idempotency_key: crypto.randomUUID(),
    };
    const provider = await demo.signIn('provider@demo.test');
    expect((await provider.request('/appointments/new/assign', { form })).status).toBe(403);
    expect((await desk.request('/appointments/new/assign', { form, csrf: false })).status).toBe(
      403,
    );
    expect(await purchaseCount()).toBe(before);
  });
});

describe('the catalogue kept by an instance', () => {
  it('follows each reader’s language and every change to the catalogue', async () => {
    const { app } = createTestApp(database.db, new TestClock(DEMO_NOW));
    const [english, arabic] = [new TestClient(app), new TestClient(app)];
    await english.login('frontdesk@demo.test', DEMO_PASSWORD);
    await arabic.login('admin@demo.test', DEMO_PASSWORD);
    expect((await arabic.request('/account/locale', { form: { locale: 'ar' } })).status).toBe(303);
    const path = `/appointments/new/package-modal?patient_id=${await demo.patient('Sara Al-Harbi')}`;
    const abaId = await demo.pkg('20 ABA Therapy Package');
    const cardOf = async (client: TestClient) => {
      const page = html(await (await client.request(path, { htmx: true })).text());
      return page.querySelector(`#package-${abaId}`)!.text.replace(/\s+/g, ' ');
    };
    expect(await cardOf(english)).toContain('20 ABA Therapy Package');
    expect(await cardOf(arabic)).not.toContain('20 ABA Therapy Package');
    expect(await cardOf(arabic)).toBe(await cardOf(arabic));

    // Renamed on another instance (here: by hand): the next modal of each reader shows it.
    await sql`update packages set name_en = 'ABA, renamed', name_ar = 'تحليل السلوك'
      where id = ${abaId}`.execute(database.db);
    expect(await cardOf(english)).toContain('ABA, renamed');
    expect(await cardOf(arabic)).toContain('تحليل السلوك');
    await sql`update packages set name_en = '20 ABA Therapy Package' where id = ${abaId}`.execute(
      database.db,
    );
  });
});

describe('queries per modal', () => {
  it('stays at one statement (the session is cached), the view audit row included, whatever the number of packages', async () => {
    const counts: number[] = [];
    for (const name of ['Sara Al-Harbi', 'Omar Al-Qahtani', 'Layla Al-Otaibi']) {
      const counter = new QueryCounter();
      const client = await demo.signIn('frontdesk@demo.test', database.db.withPlugin(counter));
      await client.request('/'); // the session is looked up once, then cached
      counter.count = 0;
      const patientId = await demo.patient(name);
      const response = await client.request(
        `/appointments/new/package-modal?patient_id=${patientId}`,
        { htmx: true },
      );
      expect(response.status).toBe(200);
      counts.push(counter.count);
    }
    expect(counts).toEqual([1, 1, 1]);
  });
});
