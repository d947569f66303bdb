import { describe, expect, it } from 'vitest';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import { invariantViolations } from '../support/invariants.js';
import {
  conflictMessages,
  disjointSlots,
  race,
  racesSkipped,
  ROUNDS,
  tally,
  useRaceFixture,
} from './races.js';

/** Races on one package purchase: its last session, its idempotency keys, cancel vs book. */
describe.skipIf(racesSkipped)('package races on PostgreSQL', () => {
  const fixture = useRaceFixture();

  const book = (body: Record<string, unknown>) => () =>
    fixture.desk.request('/appointments/api/book/', {
      json: { clinic_id: fixture.ids.slp, duration_minutes: 45, ...body },
    });
  const cancel = (appointmentId: string) => () =>
    fixture.desk.request(`/appointments/api/appointments/${appointmentId}/cancel/`, {
      json: { reason: 'Race' },
    });

  /** A fresh patient with a purchase of `sessions` speech sessions, valid until late February. */
  async function freshPurchase(sessions: number) {
    const { database, demo, ids, deskUserId } = fixture;
    const pkg = await createPackage(database.db, demo.demo, [{ serviceId: ids.speech, sessions }]);
    const patient = await createPatient(database.db, demo.demo);
    const purchase = await createPurchase(database.db, pkg, patient.id, deskUserId, {
      purchase_date: '2026-11-25',
      expiry_date: '2027-02-23',
    });
    return { patientId: patient.id, purchaseId: purchase.id };
  }

  const packageBooking = (
    target: { patientId: string; purchaseId: string },
    providerId: string,
    start: string,
  ) =>
    book({
      patient_id: target.patientId,
      appointment_type: 'package',
      package_purchase_id: target.purchaseId,
      provider_id: providerId,
      start,
    });

  const purchaseState = (purchaseId: string) =>
    fixture.database.db
      .selectFrom('package_purchases')
      .select(['sessions_used', 'status'])
      .where('id', '=', purchaseId)
      .executeTakeFirstOrThrow();

  it(`books the last session of a package once among 200 simultaneous requests, ${ROUNDS} times`, async () => {
    const { database, ids } = fixture;
    // 200 times one patient could hold at once: only the package can refuse them.
    const starts = await disjointSlots(fixture.desk, ids.huda, '2026-12-06', 200);
    for (let round = 0; round < ROUNDS; round++) {
      const target = await freshPurchase(1);
      const outcomes = await race(starts.map((start) => packageBooking(target, ids.huda, start)));
      expect(tally(outcomes), `round ${round}`).toEqual({
        succeeded: 1,
        conflicts: 199,
        serverErrors: 0,
      });
      // Queued on the purchase's row lock, each loser saw the session gone: the friendly answer.
      expect(conflictMessages(outcomes)).toEqual({ 'No sessions are left on this package.': 199 });
      expect(await purchaseState(target.purchaseId)).toEqual({
        sessions_used: 1,
        status: 'COMPLETED',
      });
      expect(await invariantViolations(database.db, { patientIds: [target.patientId] })).toEqual(
        [],
      );
      // Give the provider's time back for the next round.
      const winner = outcomes.find((outcome) => outcome.status === 201)!;
      expect((await cancel(winner.body.appointment_id as string)()).status).toBe(200);
    }
  });

  it(`lets a cancellation race bookings and a second cancellation: counters stay true, ${ROUNDS} times`, async () => {
    const { database, ids } = fixture;
    // Tomorrow morning is inside the 24-hour window (a late cancellation keeps its session).
    const [soon] = await disjointSlots(fixture.desk, ids.faisal, '2026-11-26', 1);
    const later = await disjointSlots(fixture.desk, ids.faisal, '2026-12-20', 12);
    const [early, kept, ...bookingStarts] = later;
    for (let round = 0; round < ROUNDS; round++) {
      const target = await freshPurchase(3);
      const booked: string[] = [];
      for (const start of [early!, soon!, kept!]) {
        const response = await packageBooking(target, ids.faisal, start)();
        expect(response.status).toBe(201);
        booked.push(((await response.json()) as { appointment_id: string }).appointment_id);
      }
      expect(await purchaseState(target.purchaseId)).toEqual({
        sessions_used: 3,
        status: 'COMPLETED',
      });
      const [earlyId, soonId] = booked;

      const outcomes = await race([
        cancel(earlyId!),
        cancel(earlyId!),
        cancel(soonId!),
        ...bookingStarts.map((start) => packageBooking(target, ids.faisal, start)),
      ]);
      const [first, second, late, ...bookings] = outcomes;
      expect(tally(outcomes).serverErrors).toBe(0);
      // The same appointment cancelled twice at once: once only, and its session returned once.
      expect([first!.status, second!.status].sort()).toEqual([200, 409]);
      const cancelled = first!.status === 200 ? first! : second!;
      expect(cancelled.body).toEqual({
        success: true,
        status: 'CANCELLED',
        session_returned: true,
      });
      expect(late).toEqual({
        status: 200,
        body: { success: true, status: 'LATE_CANCELLED', session_returned: false },
      });
      // One session came back: at most one booking can have taken it.
      const created = tally(bookings).succeeded;
      expect(created).toBeLessThanOrEqual(1);
      expect(tally(bookings).conflicts).toBe(bookings.length - created);
      expect(await purchaseState(target.purchaseId)).toEqual({
        sessions_used: 2 + created,
        status: created ? 'COMPLETED' : 'ACTIVE',
      });
      expect(
        await invariantViolations(database.db, {
          patientIds: [target.patientId],
          providerIds: [ids.faisal],
        }),
      ).toEqual([]);

      // Free the provider's later times for the next round (an early cancellation).
      const live = await database.db
        .selectFrom('appointments')
        .select('id')
        .where('patient_id', '=', target.patientId)
        .where('status', '=', 'BOOKED')
        .execute();
      for (const { id } of live) expect((await cancel(id)()).status).toBe(200);
    }
  });

  it(`assigns once for one idempotency key sent 30 times at once, ${ROUNDS} times`, async () => {
    const { database, demo } = fixture;
    const packageId = await demo.pkg('20 ABA Therapy Package');
    for (let round = 0; round < ROUNDS; round++) {
      const patient = await createPatient(database.db, demo.demo);
      const key = crypto.randomUUID();
      const outcomes = await race(
        Array.from(
          { length: 30 },
          () => () =>
            fixture.desk.request('/appointments/api/assign-package/', {
              json: { package_id: packageId, patient_id: patient.id, idempotency_key: key },
            }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(30).fill(200));
      const purchaseIds = new Set(outcomes.map((outcome) => outcome.body.package_purchase_id));
      expect(purchaseIds.size).toBe(1);
      const purchases = await database.db
        .selectFrom('package_purchases')
        .select('id')
        .where('patient_id', '=', patient.id)
        .execute();
      expect(purchases.map((purchase) => purchase.id)).toEqual([...purchaseIds]);
      const [purchaseId] = [...purchaseIds] as string[];
      const services = await database.db
        .selectFrom('purchase_services')
        .select('sessions')
        .where('purchase_id', '=', purchaseId!)
        .execute();
      expect(services).toEqual([{ sessions: 20 }]);
      const audits = await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', purchaseId!)
        .execute();
      expect(audits).toEqual([{ action: 'package.assign' }]);
    }
  });

  it(`books once for one idempotency key sent 30 times at once, ${ROUNDS} times`, async () => {
    const { database, ids } = fixture;
    const starts = await disjointSlots(fixture.desk, ids.faisal, '2027-01-10', ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const target = await freshPurchase(10);
      const key = crypto.randomUUID();
      const send = book({
        patient_id: target.patientId,
        appointment_type: 'package',
        package_purchase_id: target.purchaseId,
        provider_id: ids.faisal,
        start: starts[round],
        idempotency_key: key,
      });
      const outcomes = await race(Array.from({ length: 30 }, () => send));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(30).fill(201));
      expect(new Set(outcomes.map((outcome) => outcome.body.appointment_id)).size).toBe(1);
      expect(outcomes.map((outcome) => outcome.body.sessions_used)).toEqual(Array(30).fill(1));
      const rows = await database.db
        .selectFrom('appointments')
        .select(['idempotency_key', 'session_number_in_package'])
        .where('patient_id', '=', target.patientId)
        .execute();
      expect(rows).toEqual([{ idempotency_key: key, session_number_in_package: 1 }]);
      expect(await purchaseState(target.purchaseId)).toEqual({
        sessions_used: 1,
        status: 'ACTIVE',
      });
    }
  });
});
