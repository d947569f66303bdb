import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, type DemoIds } from '../../support/booking.js';
import { html, type TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import { createGroupSession, createPatient } from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';
import { GROUP_PAYMENT_ID } from '../../../src/views/appointments/group-payment.js';
import { SLOT_LIST_ID } from '../../../src/views/appointments/schedule-fields.js';

/** The booking form's "Join group session": a seat paid with the patient's package, or not. */

let database: TestDatabase, demo: DemoFixture, desk: TestClient, ids: DemoIds;
let group: string, omar: string, abaPurchase: string;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
  // Thursday 3 December, 13:00–14:00 in Riyadh
  const session = await createGroupSession(
    database.db,
    {
      tenant: { id: demo.demo },
      clinic: { id: ids.aba },
      service: { id: ids.aba_therapy },
      provider: { id: ids.reem },
    },
    {
      starts_at: new Date('2026-12-03T10:00:00Z'),
      ends_at: new Date('2026-12-03T11:00:00Z'),
      capacity: 4,
    },
  );
  group = session.id;
  omar = await demo.patient('Omar Al-Qahtani');
  abaPurchase = (await demo.purchasesOf(omar)).find(
    (p) => p.name_en === '20 ABA Therapy Package',
  )!.id;
});
afterAll(() => database.close());

async function payment(patientId: string, client = desk) {
  const query = new URLSearchParams({ patient_id: patientId, group_session_id: group });
  const response = await client.request(`/appointments/new/group-payment?${query.toString()}`, {
    htmx: true,
  });
  expect(response.status).toBe(200);
  return html(await response.text()).querySelector(`#${GROUP_PAYMENT_ID}`)!;
}

function joinForm(patientId: string, purchaseId: string, key: string) {
  return {
    patient_id: patientId,
    appointment_type: 'group',
    clinic_id: ids.aba,
    group_session_id: group,
    group_purchase_id: purchaseId,
    duration: '60',
    idempotency_key: key,
  };
}

const seatsOf = (patientId: string) =>
  database.db
    .selectFrom('appointments')
    .select(['kind', 'package_purchase_id', 'session_number_in_package', 'status'])
    .where('group_session_id', '=', group)
    .where('patient_id', '=', patientId)
    .execute();

const purchaseUse = () =>
  database.db
    .selectFrom('package_purchases')
    .select('sessions_used')
    .where('id', '=', abaPurchase)
    .executeTakeFirstOrThrow();

describe('paying a group seat', () => {
  it("offers the patient's package covering the session first, with its session number", async () => {
    const fieldset = await payment(omar);
    const choices = fieldset.querySelectorAll('input[name="group_purchase_id"]');
    expect(choices.map((choice) => choice.getAttribute('value'))).toEqual([abaPurchase, '']);
    expect(choices[0]!.hasAttribute('checked')).toBe(true);
    expect(fieldset.text).toContain('20 ABA Therapy Package: session 3 of 20');
    expect(fieldset.text).toContain('18 left');
    expect(fieldset.text).toContain('A single paid session (no package)');

    const arabic = await demo.signIn('frontdesk@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    expect((await payment(omar, arabic)).text).toContain('الجلسة 3 من 20');
  });

  it('says so when no package of the patient covers it', async () => {
    const walkIn = await createPatient(database.db, demo.demo);
    const fieldset = await payment(walkIn.id);
    expect(fieldset.querySelector('input')).toBeNull();
    expect(fieldset.text).toContain('No package of this patient covers this session');
  });

  it('keeps the chosen session checked when the list is fetched again', async () => {
    const query = new URLSearchParams({
      appointment_type: 'group',
      clinic_id: ids.aba,
      group_session_id: group,
    });
    const response = await desk.request(`/appointments/new/slots?${query.toString()}`, {
      htmx: true,
    });
    const radio = html(await response.text()).querySelector(
      `#${SLOT_LIST_ID} input[value="${group}"]`,
    );
    expect(radio?.hasAttribute('checked')).toBe(true);
    expect(radio?.getAttribute('hx-get')).toBe('/appointments/new/group-payment');
  });

  it('books the seat on the package: its session used, numbered in date order, once', async () => {
    const form = joinForm(omar, abaPurchase, 'group-join-on-package');
    for (let i = 0; i < 2; i++) {
      const response = await desk.request('/appointments/new/book', { form, htmx: true });
      expect(response.status).toBe(200);
      const confirmation = html(await response.text()).querySelector('.booking-confirmation');
      expect(confirmation?.text).toContain('Session 3 of 20');
    }
    expect(await seatsOf(omar)).toEqual([
      {
        kind: 'GROUP',
        package_purchase_id: abaPurchase,
        session_number_in_package: 3,
        status: 'BOOKED',
      },
    ]);
    expect(await purchaseUse()).toEqual({ sessions_used: 3 });
    const seats = await database.db
      .selectFrom('group_sessions')
      .select('seats_taken')
      .where('id', '=', group)
      .executeTakeFirstOrThrow();
    expect(seats.seats_taken).toBe(1);
  });

  it('books a single paid seat when no package is chosen', async () => {
    const walkIn = await createPatient(database.db, demo.demo);
    const response = await desk.request('/appointments/new/book', {
      form: joinForm(walkIn.id, '', 'group-join-single'),
      htmx: true,
    });
    expect(response.status).toBe(200);
    expect(await seatsOf(walkIn.id)).toEqual([
      {
        kind: 'GROUP',
        package_purchase_id: null,
        session_number_in_package: null,
        status: 'BOOKED',
      },
    ]);
  });

  it("refuses another patient's package, and nothing is written", async () => {
    const walkIn = await createPatient(database.db, demo.demo);
    const response = await desk.request('/appointments/new/book', {
      form: joinForm(walkIn.id, abaPurchase, 'group-join-not-theirs'),
      htmx: true,
    });
    expect(response.status).toBe(404);
    expect(await seatsOf(walkIn.id)).toEqual([]);
    expect(await purchaseUse()).toEqual({ sessions_used: 3 });
  });
});
