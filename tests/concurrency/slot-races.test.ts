import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { createAppointment, createGroupSession, createPatient } from '../support/factories.js';
import { invariantViolations } from '../support/invariants.js';
import { conflictMessages, race, racesSkipped, ROUNDS, tally, useRaceFixture } from './races.js';

const SLOT_TAKEN = 'This time is not available any more. Please choose another slot.';

/** Races for one provider's time and for the last seat of a group session. */
describe.skipIf(racesSkipped)('slot and seat races on PostgreSQL', () => {
  const fixture = useRaceFixture();

  const patients = (count: number) =>
    Promise.all(
      Array.from({ length: count }, () =>
        createPatient(fixture.database.db, fixture.demo.demo).then((patient) => patient.id),
      ),
    );

  /** Riyadh wall time (the demo centre's zone, always UTC+3) as the API's ISO instant. */
  const riyadh = (date: string, minutes: number) =>
    `${date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00+03:00`;

  it(`gives overlapping ranges of one provider to one of 50 patients, and both adjacent ranges, ${ROUNDS} times`, async () => {
    const { database, ids } = fixture;
    const racers = await patients(50);
    // Four windows a working day (Sunday to Thursday, from 08:00), in January: nobody's yet.
    const days = ['2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07'];
    // Ranges that all cover the quarter hour before the boundary, or all the one after it.
    const before = [60, 45, 30, 15].map((duration) => ({ offset: -duration, duration }));
    const after = [15, 30, 45, 60].map((duration) => ({ offset: 0, duration }));
    for (let round = 0; round < ROUNDS; round++) {
      const date = days[Math.floor(round / 4)]!;
      const boundary = 9 * 60 + (round % 4) * 120; // 09:00, 11:00, 13:00, 15:00
      const outcomes = await race(
        racers.map((patientId, i) => {
          const range = (i % 2 ? after : before)[Math.floor(i / 2) % 4]!;
          return () =>
            fixture.desk.request('/appointments/api/book/', {
              json: {
                patient_id: patientId,
                appointment_type: 'single',
                service_id: ids.speech,
                clinic_id: ids.slp,
                provider_id: ids.huda,
                start: riyadh(date, boundary + range.offset),
                duration_minutes: range.duration,
              },
            });
        }),
      );
      expect(tally(outcomes), `round ${round}`).toEqual({
        succeeded: 2,
        conflicts: 48,
        serverErrors: 0,
      });
      // Queued on the provider's calendar lock, each loser saw the time taken.
      expect(conflictMessages(outcomes)).toEqual({ [SLOT_TAKEN]: 48 });
      const won = await database.db
        .selectFrom('appointments')
        .select(['starts_at', 'ends_at'])
        .where('provider_id', '=', ids.huda)
        .where('starts_at', '>=', new Date(riyadh(date, boundary - 60)))
        .where('ends_at', '<=', new Date(riyadh(date, boundary + 60)))
        .orderBy('starts_at')
        .execute();
      expect(won).toHaveLength(2);
      // One range on each side, meeting at the boundary.
      expect(won[0]!.ends_at).toEqual(new Date(riyadh(date, boundary)));
      expect(won[1]!.starts_at).toEqual(new Date(riyadh(date, boundary)));
      expect(
        await invariantViolations(database.db, { patientIds: racers, providerIds: [ids.huda] }),
      ).toEqual([]);
    }
  });

  it(`gives one patient one of 21 overlapping ranges with three providers, ${ROUNDS} times`, async () => {
    const { database, demo, ids } = fixture;
    const places = [
      { provider_id: ids.huda, clinic_id: ids.slp, service_id: ids.speech },
      { provider_id: ids.faisal, clinic_id: ids.slp, service_id: ids.speech },
      { provider_id: ids.reem, clinic_id: ids.aba, service_id: ids.aba_therapy },
    ];
    const days = ['2027-03-07', '2027-03-08', '2027-03-09', '2027-03-10', '2027-03-11'];
    for (let round = 0; round < ROUNDS; round++) {
      const patient = await createPatient(database.db, demo.demo);
      const date = days[Math.floor(round / 4)]!;
      const boundary = 9 * 60 + (round % 4) * 120;
      // Every range covers the quarter hour before the boundary, each with another provider.
      const outcomes = await race(
        Array.from({ length: 21 }, (_, i) => {
          const duration = 15 * ((i % 4) + 1);
          return () =>
            fixture.desk.request('/appointments/api/book/', {
              json: {
                patient_id: patient.id,
                appointment_type: 'single',
                ...places[i % 3],
                start: riyadh(date, boundary - duration),
                duration_minutes: duration,
              },
            });
        }),
      );
      expect(tally(outcomes), `round ${round}`).toEqual({
        succeeded: 1,
        conflicts: 20,
        serverErrors: 0,
      });
      expect(conflictMessages(outcomes)).toEqual({ [SLOT_TAKEN]: 20 });
      expect(
        await invariantViolations(database.db, {
          patientIds: [patient.id],
          providerIds: places.map((place) => place.provider_id),
        }),
      ).toEqual([]);
    }
  });

  it(`gives the last seat of a group session to one of 20 joiners, ${ROUNDS} times`, async () => {
    const { database, demo, ids, deskUserId } = fixture;
    const joiners = await patients(20);
    const seated = await patients(2);
    const refs = {
      tenant: { id: demo.demo },
      clinic: { id: ids.slp },
      service: { id: ids.speech },
      provider: { id: ids.faisal },
      user: { id: deskUserId },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const start = riyadh(addDays('2027-02-01', round), 10 * 60);
      const session = await createGroupSession(database.db, refs, {
        starts_at: start,
        capacity: 3,
      });
      for (const patientId of seated) {
        await createAppointment(
          database.db,
          { ...refs, patient: { id: patientId } },
          { kind: 'GROUP', group_session_id: session.id, starts_at: start },
        );
      }
      const outcomes = await race(
        joiners.map(
          (patientId) => () =>
            fixture.desk.request('/appointments/api/book/', {
              json: {
                patient_id: patientId,
                appointment_type: 'group',
                group_session_id: session.id,
                clinic_id: ids.slp,
                provider_id: ids.faisal,
                start,
                duration_minutes: 45,
              },
            }),
        ),
      );
      expect(tally(outcomes), `round ${round}`).toEqual({
        succeeded: 1,
        conflicts: 19,
        serverErrors: 0,
      });
      // Queued on the session's row lock, each loser saw it full: the friendly answer.
      expect(conflictMessages(outcomes)).toEqual({ 'This group session is full.': 19 });
      const after = await database.db
        .selectFrom('group_sessions')
        .select('seats_taken')
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      expect(after.seats_taken).toBe(3);
      expect(
        await invariantViolations(database.db, {
          patientIds: [...joiners, ...seated],
          groupSessionIds: [session.id],
        }),
      ).toEqual([]);
    }
  });
});
