import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../../support/client.js';
import { demoIds, freeSlots, type DemoIds } from '../../support/booking.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import type { TestDatabase } from '../../support/test-db.js';

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday.
const THURSDAY = '2026-11-26';
const SUNDAY = '2026-11-29';
const MONDAY = '2026-11-30';

let database: TestDatabase, demo: DemoFixture, desk: TestClient, ids: DemoIds;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
});
afterAll(() => database.close());

function slots(providerId: string, date: string, patientId?: string, duration = 45) {
  return freeSlots(desk, { providerId, date, patientId, duration });
}

function book(body: Record<string, unknown>, client = desk) {
  return client.request('/appointments/api/book/', {
    json: { clinic_id: ids.slp, provider_id: ids.huda, duration_minutes: 45, ...body },
  });
}

async function purchaseState(purchaseId: string) {
  return database.db
    .selectFrom('package_purchases')
    .select(['sessions_used', 'status'])
    .where('id', '=', purchaseId)
    .executeTakeFirstOrThrow();
}

describe('providers and slots', () => {
  it('lists the providers of a clinic, optionally for one of its services', async () => {
    const response = await desk.request(`/appointments/api/providers/?clinic_id=${ids.slp}`);
    const body = (await response.json()) as { providers: { name_en: string }[] };
    expect(body.providers.map((p) => p.name_en)).toEqual([
      'Dr. Faisal Al-Ghamdi',
      'Dr. Huda Al-Zahrani',
      'Dr. Lama Al-Juhani',
    ]);
    expect(body.providers[0]).toEqual({
      id: expect.any(String),
      name_en: 'Dr. Faisal Al-Ghamdi',
      name_ar: expect.any(String),
    });
    const withService = await desk.request(
      `/appointments/api/providers/?clinic_id=${ids.slp}&service_id=${ids.speech}`,
    );
    expect(withService.status).toBe(200);
    const wrongService = await desk.request(
      `/appointments/api/providers/?clinic_id=${ids.slp}&service_id=${ids.aba_therapy}`,
    );
    expect(wrongService.status).toBe(404);
  });

  it('offers the working day in 15-minute steps with the tenant offset, minus the past', async () => {
    const sunday = await slots(ids.faisal, SUNDAY);
    expect(sunday[0]).toEqual({
      start: '2026-11-29T08:00:00+03:00',
      end: '2026-11-29T08:45:00+03:00',
    });
    expect(sunday.at(-1)?.start).toBe('2026-11-29T15:15:00+03:00');
    expect(sunday).toHaveLength(30);
    const today = await slots(ids.faisal, '2026-11-25');
    expect(today[0]?.start).toBe('2026-11-25T12:00:00+03:00');
    expect(await slots(ids.faisal, '2026-11-27')).toEqual([]); // Friday
  });

  it('refuses malformed queries with 400 and unknown ids with 404', async () => {
    for (const query of [
      `provider_id=${ids.faisal}&date=2026-13-01&duration=45`,
      `provider_id=${ids.faisal}&date=${SUNDAY}&duration=0`,
      `provider_id=nope&date=${SUNDAY}&duration=45`,
      `date=${SUNDAY}&duration=45`,
    ]) {
      expect((await desk.request(`/appointments/api/slots/?${query}`)).status, query).toBe(400);
    }
    const stranger = crypto.randomUUID();
    expect(
      (
        await desk.request(
          `/appointments/api/slots/?provider_id=${stranger}&date=${SUNDAY}&duration=45`,
        )
      ).status,
    ).toBe(404);
  });
});

describe('booking on a package', () => {
  it('books the 6th session of 10 before next week’s: it is session 5 in date order, audited', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const [slot] = await slots(ids.huda, SUNDAY, ahmed);
    const response = await book({
      patient_id: ahmed,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      start: slot!.start,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      success: true,
      appointment_id: expect.any(String),
      status: 'BOOKED',
      start: slot!.start,
      end: slot!.end,
      session_number_in_package: 5,
      sessions_used: 6,
      sessions_remaining: 4,
    });
    expect(await purchaseState(purchase!.id)).toEqual({ sessions_used: 6, status: 'ACTIVE' });
    // Next week's session, booked earlier as number 5, follows it (SPEC §1.9).
    const numbers = await database.db
      .selectFrom('appointments')
      .select('session_number_in_package')
      .where('package_purchase_id', '=', purchase!.id)
      .where('status', '<>', 'CANCELLED')
      .orderBy('starts_at')
      .execute();
    expect(numbers.map((row) => row.session_number_in_package)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await slots(ids.huda, SUNDAY)).map((s) => s.start)).not.toContain(slot!.start);
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', body.appointment_id as string)
      .execute();
    expect(audit).toEqual([{ action: 'appointment.book' }]);
  });

  it('refuses the same slot for someone else with 409, writing nothing', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const sara = await demo.patient('Sara Al-Harbi');
    const [slot] = await slots(ids.huda, MONDAY, ahmed);
    const [purchase] = await demo.purchasesOf(ahmed);
    expect(
      (
        await book({
          patient_id: ahmed,
          appointment_type: 'package',
          package_purchase_id: purchase!.id,
          start: slot!.start,
        })
      ).status,
    ).toBe(201);
    const taken = await book({
      patient_id: sara,
      appointment_type: 'single',
      service_id: ids.speech,
      start: slot!.start,
    });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ success: false, error: { code: 'slot_taken' } });
    const saras = await database.db
      .selectFrom('appointments')
      .select('id')
      .where('patient_id', '=', sara)
      .execute();
    expect(saras).toEqual([]);
  });

  it('books once per idempotency key', async () => {
    const layla = await demo.patient('Layla Al-Otaibi');
    const [, unused] = await demo.purchasesOf(layla);
    const [slot] = await slots(ids.faisal, SUNDAY, layla);
    const request = {
      patient_id: layla,
      appointment_type: 'package',
      package_purchase_id: unused!.id,
      provider_id: ids.faisal,
      start: slot!.start,
      idempotency_key: crypto.randomUUID(),
    };
    const first = (await (await book(request)).json()) as { appointment_id: string };
    const second = await book(request);
    expect(second.status).toBe(201);
    expect(((await second.json()) as { appointment_id: string }).appointment_id).toBe(
      first.appointment_id,
    );
    expect(await purchaseState(unused!.id)).toEqual({ sessions_used: 1, status: 'ACTIVE' });
  });

  it('completes the package on its last session, then refuses more', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const assigned = (await (
      await desk.request('/appointments/api/assign-package/', {
        json: { package_id: await demo.pkg('SLP Assessment + 4 Sessions'), patient_id: sara },
      })
    ).json()) as { package_purchase_id: string };
    const purchaseId = assigned.package_purchase_id;
    const free = await slots(ids.faisal, THURSDAY, sara, 60);
    const bookOn = (serviceId: string | undefined, index: number) =>
      book({
        patient_id: sara,
        appointment_type: 'package',
        package_purchase_id: purchaseId,
        provider_id: ids.faisal,
        service_id: serviceId,
        start: free[index * 4]!.start, // an hour apart
        duration_minutes: 60,
      });

    expect((await bookOn(undefined, 0)).status).toBe(422); // two services: say which
    expect((await bookOn(ids.assessment, 0)).status).toBe(201);
    expect((await bookOn(ids.assessment, 1)).status).toBe(409); // its one session is used
    for (let i = 1; i <= 4; i++) expect((await bookOn(ids.speech, i)).status).toBe(201);
    expect(await purchaseState(purchaseId)).toEqual({ sessions_used: 5, status: 'COMPLETED' });
    const exhausted = await bookOn(ids.speech, 5);
    expect(exhausted.status).toBe(409);
    expect(await exhausted.json()).toMatchObject({
      error: { code: 'no_sessions_left', message: 'No sessions are left on this package.' },
    });
  });

  it('warns in the last week of validity and refuses after expiry', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const [purchase] = await demo.purchasesOf(ahmed);
    const expiry = purchase!.expiry_date;
    const workingDayBefore = async (date: string) => {
      for (let back = 0; back < 7; back++) {
        const day = new Date(`${date}T00:00:00Z`);
        day.setUTCDate(day.getUTCDate() - back);
        const candidate = day.toISOString().slice(0, 10);
        const free = await slots(ids.huda, candidate, ahmed);
        if (free.length) return free[0]!;
      }
      throw new Error('no working day');
    };
    const lastWeek = await workingDayBefore(expiry);
    const warned = await book({
      patient_id: ahmed,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      start: lastWeek.start,
    });
    expect(warned.status).toBe(201);
    expect(((await warned.json()) as { warning?: string }).warning).toContain(expiry);

    const after = new Date(`${expiry}T00:00:00Z`);
    after.setUTCDate(after.getUTCDate() + 7);
    const [late] = await slots(ids.huda, after.toISOString().slice(0, 10));
    const before = await purchaseState(purchase!.id);
    const refused = await book({
      patient_id: ahmed,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      start: late!.start,
    });
    expect(refused.status).toBe(409);
    expect(await purchaseState(purchase!.id)).toEqual(before);
  });

  it("refuses an expired package (409), another patient's purchase (404), a wrong role (403)", async () => {
    const khalid = await demo.patient('Khalid Al-Dosari');
    const [expired] = await demo.purchasesOf(khalid);
    const [slot] = await slots(ids.huda, THURSDAY, khalid);
    const onExpired = await book({
      patient_id: khalid,
      appointment_type: 'package',
      package_purchase_id: expired!.id,
      start: slot!.start,
    });
    expect(onExpired.status).toBe(409);
    expect(await onExpired.json()).toMatchObject({
      success: false,
      error: {
        code: 'package_expired',
        message: `This package expired on ${expired!.expiry_date}.`,
      },
    });
    const [ahmeds] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    expect(
      (
        await book({
          patient_id: khalid,
          appointment_type: 'package',
          package_purchase_id: ahmeds!.id,
          start: slot!.start,
        })
      ).status,
    ).toBe(404);
    const provider = await demo.signIn('provider@demo.test');
    expect(
      (
        await book(
          {
            patient_id: khalid,
            appointment_type: 'single',
            service_id: ids.speech,
            start: slot!.start,
          },
          provider,
        )
      ).status,
    ).toBe(403);
  });

  it("answers another tenant's patient or provider with 404 and bad bodies with 422", async () => {
    const [slot] = await slots(ids.huda, THURSDAY);
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    const sara = await demo.patient('Sara Al-Harbi');
    const single = { appointment_type: 'single', service_id: ids.speech, start: slot!.start };
    expect((await book({ ...single, patient_id: mariam })).status).toBe(404);
    expect((await book({ ...single, patient_id: sara, provider_id: ids.reem })).status).toBe(404);
    expect((await book({ ...single, patient_id: sara, start: 'tomorrow' })).status).toBe(422);
    expect((await book({ ...single, patient_id: sara, duration_minutes: '45' })).status).toBe(422);
    const [ahmeds] = await demo.purchasesOf(await demo.patient('Ahmed Al-Rashid'));
    const singleOnPackage = await book({
      ...single,
      patient_id: sara,
      package_purchase_id: ahmeds!.id,
    });
    expect(singleOnPackage.status).toBe(422);
    expect(
      (await book({ ...single, patient_id: sara, start: '2026-11-26T09:07:00+03:00' })).status,
    ).toBe(409); // not a slot
  });
});

describe('booking on a package of several services', () => {
  it('needs the service, of this clinic, with sessions of its own left; a key stays its patient’s', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const assigned = await desk.request('/appointments/api/assign-package/', {
      json: { patient_id: sara, package_id: await demo.pkg('SLP Assessment + 4 Sessions') },
    });
    const { package_purchase_id } = (await assigned.json()) as { package_purchase_id: string };
    const free = await slots(ids.huda, MONDAY, sara, 60);
    const first = free[0]!;
    const second = free.find((slot) => slot.start >= first.end)!;
    const onPackage = {
      patient_id: sara,
      appointment_type: 'package',
      package_purchase_id,
      duration_minutes: 60,
    };

    const noService = await book({ ...onPackage, start: first.start });
    expect(noService.status).toBe(422);
    expect(await noService.json()).toMatchObject({
      error: { fields: { service_id: 'Choose the service to book.' } },
    });
    const otherClinic = await book({
      ...onPackage,
      service_id: ids.aba_therapy,
      start: first.start,
    });
    expect(otherClinic.status).toBe(422);
    expect(await otherClinic.json()).toMatchObject({
      error: { fields: { service_id: 'This service is not offered in this clinic.' } },
    });

    const key = crypto.randomUUID();
    const assessment = { ...onPackage, service_id: ids.assessment, idempotency_key: key };
    const booked = await book({ ...assessment, start: first.start });
    expect(booked.status).toBe(201);
    expect(await booked.json()).toMatchObject({
      session_number_in_package: 1,
      sessions_used: 1,
      sessions_remaining: 4,
    });
    const usedUp = await book({
      ...assessment,
      start: second.start,
      idempotency_key: crypto.randomUUID(),
    });
    expect(usedUp.status).toBe(409);
    expect(await usedUp.json()).toMatchObject({
      error: {
        code: 'no_service_sessions_left',
        message: 'No sessions of this service are left on this package.',
      },
    });
    const otherPatient = await book({
      ...assessment,
      patient_id: await demo.patient('Ahmed Al-Rashid'),
      start: second.start,
    });
    expect(otherPatient.status).toBe(409);
    expect(await otherPatient.json()).toMatchObject({
      error: {
        code: 'booking_key_reused',
        message: 'This request key was already used for another booking.',
      },
    });
    expect(await purchaseState(package_purchase_id)).toEqual({
      sessions_used: 1,
      status: 'ACTIVE',
    });
  });
});

describe('cancellation', () => {
  async function bookSingleSession(patient: string, date: string, provider = ids.faisal) {
    const [purchase] = await demo.purchasesOf(patient);
    const [slot] = await slots(provider, date, patient);
    const response = await book({
      patient_id: patient,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      provider_id: provider,
      start: slot!.start,
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      appointment_id: string;
      session_number_in_package: number;
    };
    return { ...body, purchaseId: purchase!.id };
  }

  const cancel = (id: string, reason = 'Patient is ill') =>
    desk.request(`/appointments/api/appointments/${id}/cancel/`, { json: { reason } });

  it('returns the session when cancelled in time, and reuses its number', async () => {
    const layla = await demo.patient('Layla Al-Otaibi');
    const booked = await bookSingleSession(layla, MONDAY);
    const before = await purchaseState(booked.purchaseId);
    const response = await cancel(booked.appointment_id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      status: 'CANCELLED',
      session_returned: true,
    });
    expect((await purchaseState(booked.purchaseId)).sessions_used).toBe(before.sessions_used - 1);
    const again = await bookSingleSession(layla, MONDAY);
    expect(again.session_number_in_package).toBe(booked.session_number_in_package);
    expect((await cancel(booked.appointment_id)).status).toBe(409); // already cancelled
  });

  it('keeps the session when cancelled late', async () => {
    const layla = await demo.patient('Layla Al-Otaibi');
    const booked = await bookSingleSession(layla, '2026-11-25'); // this afternoon
    const before = await purchaseState(booked.purchaseId);
    const body = (await (await cancel(booked.appointment_id)).json()) as Record<string, unknown>;
    expect(body.status).toBe('LATE_CANCELLED');
    expect(body.session_returned).toBe(false);
    expect(await purchaseState(booked.purchaseId)).toEqual(before);
  });

  it('refuses a cancellation without a reason, by finance, or of an unknown id', async () => {
    const layla = await demo.patient('Layla Al-Otaibi');
    const booked = await bookSingleSession(layla, '2026-12-01');
    expect((await cancel(booked.appointment_id, ' ')).status).toBe(422);
    const finance = await demo.signIn('finance@demo.test');
    expect(
      (
        await finance.request(`/appointments/api/appointments/${booked.appointment_id}/cancel/`, {
          json: { reason: 'x' },
        })
      ).status,
    ).toBe(403);
    expect((await cancel(crypto.randomUUID())).status).toBe(404);
    expect((await cancel('12')).status).toBe(400);
    const state = await database.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', booked.appointment_id)
      .executeTakeFirstOrThrow();
    expect(state.status).toBe('BOOKED');
  });
});

describe('group sessions', () => {
  it('fills seats up to capacity, never beyond', async () => {
    const group = await database.db
      .insertInto('group_sessions')
      .values({
        tenant_id: demo.demo,
        clinic_id: ids.aba,
        service_id: ids.aba_therapy,
        provider_id: ids.reem,
        starts_at: new Date('2026-12-01T10:00:00Z'),
        ends_at: new Date('2026-12-01T11:00:00Z'),
        capacity: 2,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const join = async (name: string) =>
      book({
        patient_id: await demo.patient(name),
        appointment_type: 'group',
        clinic_id: ids.aba,
        provider_id: ids.reem,
        group_session_id: group.id,
        start: '2026-12-01T13:00:00+03:00',
        duration_minutes: 60,
      });
    expect((await join('Sara Al-Harbi')).status).toBe(201);
    expect((await join('Khalid Al-Dosari')).status).toBe(201);
    const full = await join('Noura Al-Shammari');
    expect(full.status).toBe(409);
    expect(await full.json()).toMatchObject({
      error: { code: 'group_session_full', message: 'This group session is full.' },
    });
    const seats = await database.db
      .selectFrom('group_sessions')
      .select('seats_taken')
      .where('id', '=', group.id)
      .executeTakeFirstOrThrow();
    expect(seats.seats_taken).toBe(2);
  });

  it('may consume a package session of the group session’s service', async () => {
    const group = await database.db
      .insertInto('group_sessions')
      .values({
        tenant_id: demo.demo,
        clinic_id: ids.aba,
        service_id: ids.aba_therapy,
        provider_id: ids.reem,
        starts_at: new Date('2026-12-03T10:00:00Z'),
        ends_at: new Date('2026-12-03T11:00:00Z'),
        capacity: 4,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const omar = await demo.patient('Omar Al-Qahtani');
    const aba = (await demo.purchasesOf(omar)).find((p) => p.name_en === '20 ABA Therapy Package')!;
    const response = await book({
      patient_id: omar,
      appointment_type: 'group',
      clinic_id: ids.aba,
      provider_id: ids.reem,
      group_session_id: group.id,
      package_purchase_id: aba.id,
      start: '2026-12-03T13:00:00+03:00',
      duration_minutes: 60,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      session_number_in_package: 3,
      sessions_used: 3,
      sessions_remaining: 17,
    });
  });
});

describe('what blocks a slot', () => {
  // Wednesday 2026-12-09, a working day nobody else here books; Riyadh is UTC+3.
  const DAY = '2026-12-09';
  const at = (time: string) => new Date(`${DAY}T${time}:00+03:00`);
  const starts = (list: { start: string }[]) => list.map((slot) => slot.start.slice(11, 16));

  beforeAll(async () => {
    const { db } = database;
    const desk = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'frontdesk@demo.test')
      .executeTakeFirstOrThrow();
    const appointment = (providerId: string, patientId: string, from: string, to: string) => ({
      tenant_id: demo.demo,
      patient_id: patientId,
      provider_id: providerId,
      clinic_id: ids.slp,
      service_id: ids.speech,
      booked_by: desk.id,
      kind: 'SINGLE' as const,
      starts_at: at(from),
      ends_at: at(to),
    });
    const sara = await demo.patient('Sara Al-Harbi');
    const layla = await demo.patient('Layla Al-Otaibi');
    await db
      .insertInto('provider_time_off')
      .values({
        tenant_id: demo.demo,
        provider_id: ids.faisal,
        starts_at: at('08:00'),
        ends_at: at('09:00'),
        reason: 'Training',
      })
      .execute();
    await db
      .insertInto('appointments')
      .values([
        appointment(ids.faisal, layla, '10:00', '10:45'),
        { ...appointment(ids.faisal, layla, '11:00', '11:45'), status: 'CANCELLED' },
        appointment(ids.huda, sara, '14:00', '14:45'),
      ])
      .execute();
    await db
      .insertInto('group_sessions')
      .values({
        tenant_id: demo.demo,
        clinic_id: ids.slp,
        service_id: ids.speech,
        provider_id: ids.faisal,
        capacity: 4,
        starts_at: at('12:00'),
        ends_at: at('13:00'),
      })
      .execute();
  });

  it("leaves out the provider's time off, appointments and group sessions, and the patient's appointments elsewhere", async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const forSara = starts(await slots(ids.faisal, DAY, sara));
    expect(forSara).not.toContain('08:00'); // time off
    expect(forSara).toContain('09:00');
    expect(forSara).not.toContain('10:00'); // Layla's appointment
    expect(forSara).toContain('11:00'); // cancelled: frees the slot
    expect(forSara).not.toContain('12:00'); // group session
    expect(forSara).not.toContain('14:00'); // Sara with Dr. Huda
    expect(forSara).toContain('15:00');
    expect(starts(await slots(ids.faisal, DAY))).toContain('14:00');
  });

  it("answers an unknown or another tenant's patient with 404", async () => {
    const foreign = await demo.patient('Mariam Al-Mansoori', demo.other);
    for (const patientId of [crypto.randomUUID(), foreign]) {
      const response = await desk.request(
        `/appointments/api/slots/?provider_id=${ids.faisal}&date=${DAY}&duration=45&patient_id=${patientId}`,
      );
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        success: false,
        error: { code: 'patient_not_found', message: 'Patient not found.' },
      });
    }
  });
});
