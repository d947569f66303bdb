import { describe, expect, it } from 'vitest';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import { invariantViolations } from '../support/invariants.js';
import { race, racesSkipped, tally, useRaceFixture } from './races.js';

/** Moves, series and transfers racing bookings, through HTTP on PostgreSQL (SPEC §7). */
describe.skipIf(racesSkipped)('package course races on PostgreSQL', () => {
  const fixture = useRaceFixture();
  const ROUNDS = 8;
  // Riyadh is always UTC+3; January 2027, working days (Sunday to Thursday) nobody else uses.
  const at = (date: string, time: string) => `${date}T${time}:00+03:00`;
  const DAYS = ['2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14'];
  // Sunday to Thursday again, four and eight weeks later.
  const FEBRUARY = ['2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'];
  const MARCH = ['2027-03-07', '2027-03-08', '2027-03-09', '2027-03-10', '2027-03-11'];

  /** A fresh patient holding 10 speech sessions until the end of February 2027. */
  async function held() {
    const { database, demo, ids, deskUserId } = fixture;
    const pkg = await createPackage(database.db, demo.demo, [
      { serviceId: ids.speech, sessions: 10 },
    ]);
    const patient = await createPatient(database.db, demo.demo);
    const purchase = await createPurchase(database.db, pkg, patient.id, deskUserId, {
      purchase_date: '2026-11-25',
      expiry_date: '2027-02-28',
    });
    return { patientId: patient.id, purchaseId: purchase.id };
  }

  const book = (owner: { patientId: string; purchaseId: string }, start: string) =>
    fixture.desk.request('/appointments/api/book/', {
      json: {
        patient_id: owner.patientId,
        appointment_type: 'package',
        package_purchase_id: owner.purchaseId,
        clinic_id: fixture.ids.slp,
        provider_id: fixture.ids.huda,
        start,
        duration_minutes: 45,
      },
    });

  it(`lets one of two reschedules into the same slot win, ${ROUNDS} times`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const date = DAYS[round % DAYS.length]!;
      const hour = `${String(8 + Math.floor(round / DAYS.length) * 4).padStart(2, '0')}`;
      const [one, two] = [await held(), await held()];
      const first = (await (await book(one, at(date, `${hour}:00`))).json()) as {
        appointment_id: string;
      };
      const second = (await (await book(two, at(date, `${hour}:45`))).json()) as {
        appointment_id: string;
      };
      const target = at(date, `${String(Number(hour) + 2).padStart(2, '0')}:00`);
      const outcomes = await race(
        [first, second].map(
          (appointment) => () =>
            fixture.desk.request(
              `/appointments/api/appointments/${appointment.appointment_id}/reschedule/`,
              { json: { start: target, reason: 'Race' } },
            ),
        ),
      );
      expect(tally(outcomes), `round ${round}`).toEqual({
        succeeded: 1,
        conflicts: 1,
        serverErrors: 0,
      });
      const there = await fixture.database.db
        .selectFrom('appointments')
        .select('id')
        .where('provider_id', '=', fixture.ids.huda)
        .where('starts_at', '=', new Date(target))
        .where('status', '=', 'BOOKED')
        .execute();
      expect(there).toHaveLength(1);
      expect(
        await invariantViolations(fixture.database.db, {
          patientIds: [one.patientId, two.patientId],
          providerIds: [fixture.ids.huda],
        }),
      ).toEqual([]);
    }
  });

  it(`keeps a series all or nothing against a single booking of one of its slots, ${ROUNDS} times`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const course = await held();
      const single = await held();
      const time = `${String(8 + round).padStart(2, '0')}:15`;
      const starts = FEBRUARY.map((day) => at(day, time));
      const outcomes = await race([
        () =>
          fixture.desk.request('/appointments/api/series/', {
            json: {
              package_purchase_id: course.purchaseId,
              clinic_id: fixture.ids.slp,
              duration_minutes: 45,
              sessions: starts.map((start) => ({ provider_id: fixture.ids.huda, start })),
            },
          }),
        () => book(single, starts[2]!),
      ]);
      expect(tally(outcomes), `round ${round}`).toEqual({
        succeeded: 1,
        conflicts: 1,
        serverErrors: 0,
      });
      const booked = await fixture.database.db
        .selectFrom('appointments')
        .select('id')
        .where('package_purchase_id', '=', course.purchaseId)
        .execute();
      // All five, or none at all.
      expect([0, 5]).toContain(booked.length);
      expect(
        await invariantViolations(fixture.database.db, {
          patientIds: [course.patientId, single.patientId],
          providerIds: [fixture.ids.huda],
        }),
      ).toEqual([]);
    }
  });

  it(`orders a transfer and a booking on the same purchase, ${ROUNDS} times`, async () => {
    const admin = await fixture.demo.signIn('admin@demo.test');
    for (let round = 0; round < ROUNDS; round++) {
      const owner = await held();
      const sibling = await createPatient(fixture.database.db, fixture.demo.demo);
      const day = MARCH[round % MARCH.length]!;
      const start = at(day, round < DAYS.length ? '15:00' : '14:00');
      const outcomes = await race([
        () =>
          admin.request(`/appointments/api/purchases/${owner.purchaseId}/transfer/`, {
            json: { patient_id: sibling.id, reason: 'Race', cancel_future: false },
          }),
        () => book(owner, start),
      ]);
      expect(
        outcomes.filter((o) => o.status >= 500),
        `round ${round}`,
      ).toEqual([]);
      const [transfer, booking] = outcomes;
      const [original] = await fixture.demo.purchasesOf(owner.patientId);
      const moved = await fixture.demo.purchasesOf(sibling.id);
      if (transfer!.status === 201) {
        // The transfer went first: the booking found the purchase closed.
        expect(booking!.status).toBe(409);
        expect(original!.status).toBe('TRANSFERRED');
        expect(moved[0]!.total_sessions).toBe(10);
      } else {
        // The booking went first: its session is still to come, the transfer refused.
        expect(booking!.status).toBe(201);
        expect(transfer!.status).toBe(409);
        expect(original!.status).toBe('ACTIVE');
        expect(moved).toHaveLength(0);
      }
      expect(
        await invariantViolations(fixture.database.db, {
          patientIds: [owner.patientId, sibling.id],
        }),
      ).toEqual([]);
    }
  });
});
