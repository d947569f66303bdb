import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, freeSlots, type DemoIds } from '../../support/booking.js';
import { html, type TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import { QueryCounter } from '../../../src/db/query-counter.js';
import type { TestDatabase } from '../../support/test-db.js';
import { ANNOUNCER_ID } from '../../../src/views/announcer.js';
import { BOOKING_ERROR_ID } from '../../../src/views/appointments/booking-page.js';
import {
  NEXT_SESSION_ID,
  PACKAGE_SECTION_ID,
} from '../../../src/views/appointments/package-section.js';
import { demoUserId } from '../../support/courses.js';
import { createPackage, createPatient, createPurchase } from '../../support/factories.js';
import {
  NEXT_FREE_DAY_ID,
  SLOT_LIST_ID,
  SLOT_TAKEN_ID,
} from '../../../src/views/appointments/schedule-fields.js';
import { SUGGESTED_PACKAGE_ID } from '../../../src/views/appointments/patient-picker.js';

const SUNDAY = '2026-11-29';

let database: TestDatabase, demo: DemoFixture, desk: TestClient, ids: DemoIds;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
});
afterAll(() => database.close());

async function fragment(path: string, query: Record<string, string>) {
  const response = await desk.request(`${path}?${new URLSearchParams(query).toString()}`, {
    htmx: true,
  });
  return { response, page: html(await response.text()) };
}

describe('choosing clinic, service, date and time', () => {
  it('a clinic brings its providers and, for a package, only services with sessions left', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const assigned = (await (
      await desk.request('/appointments/api/assign-package/', {
        json: { package_id: await demo.pkg('SLP Assessment + 4 Sessions'), patient_id: sara },
      })
    ).json()) as { package_purchase_id: string };
    const { page } = await fragment('/appointments/new/providers', {
      clinic_id: ids.slp,
      patient_id: sara,
      appointment_type: 'package',
      package_purchase_id: assigned.package_purchase_id,
    });
    expect(page.querySelectorAll('#provider option').map((o) => o.text)).toContain(
      'Dr. Huda Al-Zahrani',
    );
    expect(page.querySelectorAll('#service option').map((o) => o.text)).toEqual([
      'Speech Assessment',
      'Speech Therapy Session',
    ]);
    expect(page.querySelector('#duration')?.getAttribute('value')).toBe('60'); // the assessment's
    expect(page.querySelector('#date')?.getAttribute('value')).toBe('2026-11-25');
    expect(page.querySelector(`#${SLOT_LIST_ID} .empty`)?.text).toBe(
      'Choose a provider to see the free times.',
    );
  });

  it('a service change takes its default duration', async () => {
    const { page } = await fragment('/appointments/new/schedule', {
      clinic_id: ids.slp,
      service_id: ids.speech,
      provider_id: ids.faisal,
      date: SUNDAY,
      duration: '60',
    });
    expect(page.querySelector('#duration')?.getAttribute('value')).toBe('45');
    expect(page.querySelector('#date')?.getAttribute('value')).toBe(SUNDAY);
    expect(page.querySelectorAll(`#${SLOT_LIST_ID} input[name="start"]`)).toHaveLength(30);
  });

  it('lists the free times as radio buttons in the tenant zone', async () => {
    const { page } = await fragment('/appointments/new/slots', {
      provider_id: ids.faisal,
      date: SUNDAY,
      duration: '45',
    });
    const first = page.querySelector(`#${SLOT_LIST_ID} .slot`);
    expect(first?.querySelector('input')?.getAttribute('value')).toBe('2026-11-29T08:00:00+03:00');
    expect(first?.text.trim()).toBe('08:00');
    const friday = await fragment('/appointments/new/slots', {
      provider_id: ids.faisal,
      date: '2026-11-27',
      duration: '45',
    });
    expect(friday.page.querySelector(`#${SLOT_LIST_ID} .empty`)?.text).toBe(
      'No free time on this day. Try another date.',
    );
  });

  it('answers a malformed date or duration with 400, a missing one with the defaults', async () => {
    for (const query of [{ date: '2026-02-30' }, { date: 'soon' }, { duration: 'long' }]) {
      const { response } = await fragment('/appointments/new/slots', {
        provider_id: ids.faisal,
        date: SUNDAY,
        duration: '45',
        ...query,
      });
      expect(response.status, JSON.stringify(query)).toBe(400);
    }
    const { response, page } = await fragment('/appointments/new/slots', {
      provider_id: ids.faisal,
    });
    expect(response.status).toBe(200);
    expect(page.querySelector(`#${SLOT_LIST_ID} legend`)?.text).toContain('Time');
  });

  it('lists open group sessions for a group booking', async () => {
    await database.db
      .insertInto('group_sessions')
      .values({
        tenant_id: demo.demo,
        clinic_id: ids.aba,
        service_id: ids.aba_therapy,
        provider_id: ids.reem,
        starts_at: new Date('2026-12-02T10:00:00Z'),
        ends_at: new Date('2026-12-02T11:00:00Z'),
        capacity: 3,
      })
      .execute();
    const { page } = await fragment('/appointments/new/slots', {
      appointment_type: 'group',
      clinic_id: ids.aba,
      date: SUNDAY,
      duration: '60',
    });
    const session = page.querySelector(`#${SLOT_LIST_ID} .group-session`);
    expect(session?.querySelector('input[name="group_session_id"]')).not.toBeNull();
    expect(session?.text).toContain('3 seats left');
    expect(session?.text).toContain('Dr. Reem Al-Mutairi');
  });
});

describe('booking through the form', () => {
  async function packageForm(patientName: string) {
    const patientId = await demo.patient(patientName);
    const [purchase] = await demo.purchasesOf(patientId);
    const [slot] = await freeSlots(desk, { providerId: ids.huda, date: SUNDAY, patientId });
    return {
      patient_id: patientId,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      clinic_id: ids.slp,
      provider_id: ids.huda,
      service_id: ids.speech,
      date: SUNDAY,
      duration: '45',
      start: slot!.start,
      idempotency_key: crypto.randomUUID(),
    };
  }

  it('books and answers with the confirmation, once for a double submit', async () => {
    const form = await packageForm('Ahmed Al-Rashid');
    const first = await desk.request('/appointments/new/book', { form, htmx: true });
    const second = await desk.request('/appointments/new/book', { form, htmx: true });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const page = html(await first.text());
    expect(page.querySelector('#booked-title')?.text).toBe('Appointment booked.');
    // Ahmed's 6th session falls before the one booked for next week: 5th in date order.
    expect(page.querySelector('#booked-session')?.text).toContain('Session 5 of 10');
    expect(page.querySelector(`#${ANNOUNCER_ID}`)?.text).toBe('Appointment booked.');
    const booked = await database.db
      .selectFrom('appointments')
      .select('id')
      .where('idempotency_key', '=', form.idempotency_key)
      .execute();
    expect(booked).toHaveLength(1);
  });

  it('shows what is missing next to the form (422) and a taken slot (409)', async () => {
    const form = await packageForm('Layla Al-Otaibi');
    const missing = await desk.request('/appointments/new/book', {
      form: { ...form, start: '' },
      htmx: true,
    });
    expect(missing.status).toBe(422);
    expect(missing.headers.get('hx-retarget')).toBe(`#${BOOKING_ERROR_ID}`);
    expect(html(await missing.text()).text).toContain('Choose a time.');

    const ok = await desk.request('/appointments/new/book', { form, htmx: true });
    expect(ok.status).toBe(200);
    const sara = await demo.patient('Sara Al-Harbi');
    const taken = await desk.request('/appointments/new/book', {
      form: {
        ...form,
        patient_id: sara,
        appointment_type: 'single',
        package_purchase_id: '',
        idempotency_key: crypto.randomUUID(),
      },
      htmx: true,
    });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('hx-retarget')).toBe(`#${BOOKING_ERROR_ID}`);
  });
});

describe('the package section', () => {
  it('re-renders with the next free session number, and refuses another patient', async () => {
    const noura = await demo.patient('Noura Al-Shammari');
    const [purchase] = await demo.purchasesOf(noura);
    const query = { patient_id: noura, package_purchase_id: purchase!.id };
    const before = await fragment('/appointments/new/package-section', {
      ...query,
      date: '2026-12-10',
    });
    expect(before.page.querySelector('#package-next-session')?.text).toBe(
      'Session 5 of 12 will be booked.',
    );
    expect(
      before.page.querySelector(`#${PACKAGE_SECTION_ID}`)?.getAttribute('hx-trigger'),
    ).toContain('sse:appointment.booked');
    const [slot] = await freeSlots(desk, { providerId: ids.faisal, date: '2026-12-09' });
    const booked = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: noura,
        appointment_type: 'package',
        package_purchase_id: purchase!.id,
        service_id: ids.speech,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        start: slot!.start,
        duration_minutes: 45,
      },
    });
    expect(booked.status).toBe(201);
    // The page sends the form's date along (hx-include): a day after the new session.
    const after = await fragment('/appointments/new/package-section', {
      ...query,
      date: '2026-12-10',
    });
    expect(after.page.querySelector('#package-next-session')?.text).toBe(
      'Session 6 of 12 will be booked.',
    );
    const sara = await demo.patient('Sara Al-Harbi');
    const foreign = await fragment('/appointments/new/package-section', {
      ...query,
      patient_id: sara,
    });
    expect(foreign.response.status).toBe(404);
  });
});

describe('the session number the booking page announces (date order, SPEC §1.9)', () => {
  const lineOf = (page: ReturnType<typeof html>) =>
    page.querySelector(`#${NEXT_SESSION_ID}`)?.text.replace(/\s+/g, ' ');

  it('follows the day of the times shown: before, on and after a session booked later', async () => {
    const pkg = await createPackage(database.db, demo.demo, [
      { serviceId: ids.speech, sessions: 10 },
    ]);
    const patient = await createPatient(database.db, demo.demo);
    const adminId = await demoUserId(database.db, 'admin@demo.test');
    const purchase = await createPurchase(database.db, pkg, patient.id, adminId, {
      purchase_date: '2026-11-25',
      expiry_date: '2026-12-31',
    });
    const patientId = patient.id;
    const sessionDay = '2026-12-02';
    const booked = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: patientId,
        appointment_type: 'package',
        package_purchase_id: purchase.id,
        clinic_id: ids.slp,
        provider_id: ids.huda,
        start: `${sessionDay}T12:00:00+03:00`,
        duration_minutes: 45,
      },
    });
    expect(booked.status).toBe(201);
    const slots = (date: string) =>
      fragment('/appointments/new/slots', {
        patient_id: patientId,
        appointment_type: 'package',
        package_purchase_id: purchase.id,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        service_id: ids.speech,
        date,
        duration: '45',
      });
    // Today comes before the session booked next week: the new one would be number 1.
    const today = await slots('2026-11-25');
    expect(today.page.querySelector(`#${SLOT_LIST_ID}`)).not.toBeNull();
    expect(lineOf(today.page)).toBe('Session 1 of 10 will be booked.');
    expect(today.page.querySelector(`#${NEXT_SESSION_ID}`)?.getAttribute('hx-swap-oob')).toBe(
      'true',
    );
    expect(lineOf((await slots('2026-12-10')).page)).toBe('Session 2 of 10 will be booked.');
    // On the session's own day the time decides: the line says both numbers.
    expect(lineOf((await slots(sessionDay)).page)).toBe(
      'Session 1 to 2 of 10 will be booked: sessions are numbered in date order, so the time chosen decides.',
    );
    // A single session says nothing of packages.
    const single = await fragment('/appointments/new/slots', {
      patient_id: patientId,
      appointment_type: 'single',
      clinic_id: ids.slp,
      provider_id: ids.faisal,
      date: '2026-12-10',
      duration: '45',
    });
    expect(single.page.querySelector(`#${NEXT_SESSION_ID}`)).toBeNull();
  });
});

describe('statements per fragment', () => {
  it("reads the chosen package, its clinic, providers, services and the default provider's free times in four statements (the session is cached)", async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const query = new URLSearchParams({ patient_id: ahmed, package_purchase_id: purchase!.id });
    const counter = new QueryCounter();
    const client = await demo.signIn('frontdesk@demo.test', database.db.withPlugin(counter));
    await client.request('/'); // the session is looked up once, then cached
    const counted = async (path: string) => {
      counter.count = 0;
      const response = await client.request(path, { htmx: true });
      expect(response.status, path).toBe(200);
      return { count: counter.count, page: html(await response.text()) };
    };

    const chosen = await counted(`/appointments/new/package?${query.toString()}`);
    // One clinic: its providers and services come with the package.
    expect(chosen.page.querySelectorAll('#provider option').length).toBeGreaterThan(1);
    expect(chosen.page.querySelectorAll('#service option').length).toBeGreaterThan(0);
    // Two more than the package and its choices: who saw Ahmed for this service last (Dr. Huda,
    // chosen) and her free times today, saving the desk the provider's and the date's requests.
    expect(chosen.page.querySelector('#provider option[selected]')?.text).toBe(
      'Dr. Huda Al-Zahrani',
    );
    expect(chosen.page.querySelectorAll('#slot-list .slot').length).toBeGreaterThan(0);
    expect(chosen.count).toBe(4);
    expect((await counted(`/appointments/new/package-section?${query.toString()}`)).count).toBe(1);
  });
});

describe('booking with fewer steps', () => {
  it('opens with the patient search focused; "Book another" keeps the patient', async () => {
    const blank = html(await (await desk.request('/appointments/new')).text());
    expect(blank.querySelector('#patient-search')?.hasAttribute('autofocus')).toBe(true);
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const again = html(await (await desk.request(`/appointments/new?patient_id=${ahmed}`)).text());
    expect(again.querySelector('#patient-choice [name="patient_id"]')?.getAttribute('value')).toBe(
      ahmed,
    );
    expect(again.querySelector(`#${SUGGESTED_PACKAGE_ID}`)?.text).toContain('10 SLP Sessions');
    expect(again.querySelector('#patient-search')?.hasAttribute('autofocus')).toBe(false);
  });

  it("refuses another tenant's patient (404) and a malformed id (400) for Book another", async () => {
    const mariam = await database.db
      .selectFrom('patients')
      .select('id')
      .where('tenant_id', '=', demo.other)
      .executeTakeFirstOrThrow();
    expect((await desk.request(`/appointments/new?patient_id=${mariam.id}`)).status).toBe(404);
    expect((await desk.request('/appointments/new?patient_id=nope')).status).toBe(400);
  });

  it('offers the suggested package as soon as the patient is chosen', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const { page } = await fragment('/appointments/new/patient', { patient_id: ahmed });
    const shortcut = page.querySelector(`#${SUGGESTED_PACKAGE_ID}`);
    // (earlier tests of this file booked on it)
    expect(shortcut?.text).toMatch(/^Use 10 SLP Sessions \(\d of 10 left\)$/);
    const [purchase] = await demo.purchasesOf(ahmed);
    expect(shortcut?.getAttribute('hx-get')).toContain(`package_purchase_id=${purchase!.id}`);
    const newcomer = await createPatient(database.db, demo.demo);
    const none = await fragment('/appointments/new/patient', { patient_id: newcomer.id });
    expect(none.page.querySelector(`#${SUGGESTED_PACKAGE_ID}`)).toBeNull();
  });

  it('offers the next day with free time when the chosen day has none', async () => {
    const friday = '2026-11-27'; // nobody works on Fridays
    const { page } = await fragment('/appointments/new/slots', {
      provider_id: ids.huda,
      clinic_id: ids.slp,
      date: friday,
      duration: '45',
    });
    const offer = page.querySelector(`#${NEXT_FREE_DAY_ID}`);
    expect(offer?.text).toBe('Next free day: Sunday, 29 November 2026');
    expect(JSON.parse(offer!.getAttribute('hx-vals')!)).toEqual({ date: SUNDAY });
    // The offer brings that day's times (its date wins over the form's).
    const next = await fragment('/appointments/new/schedule', {
      provider_id: ids.huda,
      clinic_id: ids.slp,
      service_id: ids.speech,
      date: SUNDAY,
    });
    expect(next.page.querySelector('#date')?.getAttribute('value')).toBe(SUNDAY);
    expect(next.page.querySelectorAll(`#${SLOT_LIST_ID} .slot`).length).toBeGreaterThan(0);
  });

  it("searches ahead only within the package's validity", async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const { page } = await fragment('/appointments/new/slots', {
      provider_id: ids.huda,
      clinic_id: ids.slp,
      patient_id: ahmed,
      package_purchase_id: purchase!.id,
      appointment_type: 'package',
      date: purchase!.expiry_date,
      duration: '45',
    });
    // The expiry day itself may have times; the day after it never offers one.
    const after = await fragment('/appointments/new/slots', {
      provider_id: ids.huda,
      clinic_id: ids.slp,
      patient_id: ahmed,
      package_purchase_id: purchase!.id,
      appointment_type: 'package',
      date: '2027-12-31',
      duration: '45',
    });
    expect(after.page.querySelector(`#${NEXT_FREE_DAY_ID}`)).toBeNull();
    expect(after.page.querySelector(`#${SLOT_LIST_ID}`)?.text).toContain(
      'No free time in the days ahead either.',
    );
    expect(page.querySelector(`#${SLOT_LIST_ID}`)).not.toBeNull();
  });

  it('says where the choice was when the chosen time was taken at another desk', async () => {
    const query = {
      provider_id: ids.faisal,
      clinic_id: ids.slp,
      date: SUNDAY,
      duration: '45',
    };
    const before = await fragment('/appointments/new/slots', query);
    const context = before.page.querySelector('[name="slot_context"]')?.getAttribute('value');
    const start = before.page.querySelector(`#${SLOT_LIST_ID} .slot input`)?.getAttribute('value');
    expect(context && start).toBeTruthy();
    // Another desk books that time.
    const other = await demo.signIn('admin@demo.test');
    const booked = await other.request('/appointments/api/book/', {
      json: {
        patient_id: await demo.patient('Sara Al-Harbi'),
        appointment_type: 'single',
        service_id: ids.speech,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        start,
        duration_minutes: 45,
      },
    });
    expect(booked.status).toBe(201);
    const after = await fragment('/appointments/new/slots', {
      ...query,
      start: start!,
      slot_context: context!,
    });
    expect(after.page.querySelector(`#${SLOT_TAKEN_ID}`)?.text).toMatch(
      /^\d\d:\d\d was just booked at another desk\. Please choose another time\.$/,
    );
    // A time missing from another day's or provider's list is no news.
    const moved = await fragment('/appointments/new/slots', {
      ...query,
      date: '2026-11-30',
      start: start!,
      slot_context: context!,
    });
    expect(moved.page.querySelector(`#${SLOT_TAKEN_ID}`)).toBeNull();

    // The next re-fetch (any desk's next booking) says it again, until another time is chosen.
    const takenStart = after.page.querySelector('[name="taken_start"]')?.getAttribute('value');
    expect(takenStart).toBe(start);
    const again = await fragment('/appointments/new/slots', {
      ...query,
      taken_start: takenStart!,
      slot_context: context!,
    });
    expect(again.page.querySelector(`#${SLOT_TAKEN_ID}`)?.text).toContain('was just booked');
    const free = again.page.querySelectorAll(`#${SLOT_LIST_ID} .slot input`)[0]!;
    const chosenAnother = await fragment('/appointments/new/slots', {
      ...query,
      start: free.getAttribute('value')!,
      taken_start: takenStart!,
      slot_context: context!,
    });
    expect(chosenAnother.page.querySelector(`#${SLOT_TAKEN_ID}`)).toBeNull();
    expect(chosenAnother.page.querySelector('[name="taken_start"]')).toBeNull();
  });

  it('takes a start that is not a time as no choice (200, no message)', async () => {
    const query = { provider_id: ids.faisal, clinic_id: ids.slp, date: SUNDAY, duration: '45' };
    const before = await fragment('/appointments/new/slots', query);
    const context = before.page.querySelector('[name="slot_context"]')!.getAttribute('value')!;
    for (const bad of ['not a time', '2026-13-45T99:00']) {
      const { response, page } = await fragment('/appointments/new/slots', {
        ...query,
        start: bad,
        taken_start: bad,
        slot_context: context,
      });
      expect(response.status).toBe(200);
      expect(page.querySelector(`#${SLOT_TAKEN_ID}`)).toBeNull();
    }
  });
});
