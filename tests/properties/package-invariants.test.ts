import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import { cancellationOutcome } from '../../src/domain/appointments.js';
import { demoIds, type DemoIds } from '../support/booking.js';
import { createTestApp, TestClock } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { DEMO_NOW, type DemoFixture, seedDemoFixture } from '../support/demo.js';
import { createPackage } from '../support/factories.js';
import { invariantViolations } from '../support/invariants.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-db.js';

/**
 * Random sequences of what a desk does to packages — assign, book single and package sessions
 * at valid and invalid times, book a series, join a group, move one session or all of a
 * purchase's, cancel in and out of the window (waived or not), mark no-shows, extend, transfer
 * to the run's other patient, cancel what remains — sent through the app as an administrator. After every step the database must still
 * hold every invariant (support/invariants.ts), and no answer may be a 5xx.
 *
 * Each run is isolated: two fresh patients, two fresh providers and a group session of its own.
 * The clock stands at DEMO_NOW (Wednesday 25 November 2026, 12:00 in Riyadh): tomorrow morning
 * is inside the 24-hour cancellation window, tomorrow afternoon outside; the packages expire on
 * Sunday 29 November, so Monday and Tuesday can only be booked after an extension.
 */

// 1000 runs on PostgreSQL (CI); fewer on the embedded PGlite, whose one connection makes each run
// several times slower, so a newcomer's first `npm test` stays short (CI runs both).
const RUNS = Number(process.env.FC_RUNS ?? (onRealPostgres ? 1000 : 250));
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

const DAYS = ['2026-11-25', '2026-11-26', '2026-11-29', '2026-11-30', '2026-12-01'];
/** 07:30 to 16:00 in quarter hours: the ends fall outside the 08:00–16:00 working day. */
const QUARTERS = 35;
const DURATIONS = [30, 45, 60];

/** Tomorrow 14:00 in Riyadh: outside the cancellation window. */
const GROUP_START = '2026-11-26T11:00:00Z';

const patientIndex = fc.constantFrom(0, 1);
const assign = fc.record({
  kind: fc.constant('assign'),
  pkg: fc.constantFrom(0, 1),
  patient: patientIndex,
  reuseKey: fc.boolean(),
});
/**
 * Which purchase a booking uses: none (a single session), or one of the run's purchases, the
 * patient's own ones mostly, another patient's now and then (which must be refused).
 */
const purchaseChoice = fc.oneof(
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.record({ index: fc.nat(3), foreign: fc.constant(false) }), weight: 4 },
  { arbitrary: fc.record({ index: fc.nat(3), foreign: fc.constant(true) }), weight: 1 },
);
const command = fc.oneof(
  { arbitrary: assign, weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('book'),
      patient: patientIndex,
      purchase: purchaseChoice,
      provider: fc.constantFrom(0, 1),
      service: fc.constantFrom(0, 1),
      day: fc.integer({ min: 0, max: DAYS.length - 1 }),
      quarter: fc.integer({ min: 0, max: QUARTERS - 1 }),
      duration: fc.constantFrom(...DURATIONS),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('join'),
      patient: patientIndex,
      purchase: purchaseChoice,
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('cancel'),
      appointment: fc.nat(7),
      waive: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('reschedule'),
      appointment: fc.nat(7),
      provider: fc.constantFrom(0, 1),
      day: fc.integer({ min: 0, max: DAYS.length - 1 }),
      quarter: fc.integer({ min: 0, max: QUARTERS - 1 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('rescheduleAll'),
      purchase: fc.nat(3),
      days: fc.constantFrom(-1, 1, 4),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('series'),
      purchase: fc.nat(3),
      provider: fc.constantFrom(0, 1),
      days: fc.uniqueArray(fc.integer({ min: 0, max: DAYS.length - 1 }), {
        minLength: 1,
        maxLength: 3,
      }),
      quarter: fc.integer({ min: 0, max: QUARTERS - 1 }),
      duration: fc.constantFrom(...DURATIONS),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('transfer'),
      purchase: fc.nat(3),
      cancelFuture: fc.boolean(),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('cancelRemaining'), purchase: fc.nat(3) }),
    weight: 1,
  },
  {
    // Time passes, sessions start. Less than half a sign-in's life (12 h): a session is renewed
    // once half of it is spent, so a longer step could let it expire between two requests.
    arbitrary: fc.record({ kind: fc.constant('later'), hours: fc.integer({ min: 1, max: 5 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('noShow'), appointment: fc.nat(7) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('extend'),
      purchase: fc.nat(3),
      days: fc.integer({ min: 1, max: 3 }),
    }),
    weight: 1,
  },
);
/** Every run starts by selling a package, then does up to MAX_STEPS other things. */
const MAX_STEPS = Number(process.env.FC_STEPS ?? 5);
const runCommands = fc
  .tuple(assign, fc.array(command, { maxLength: MAX_STEPS }))
  .map(([first, rest]) => [first, ...rest]);
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

let database: TestDatabase, demo: DemoFixture, admin: TestClient, ids: DemoIds;
/** The app's clock: each run starts at DEMO_NOW, and `later` steps move it on. */
const clock = new TestClock(DEMO_NOW);
let packageIds: string[];

beforeAll(async () => {
  database = await createTestDatabase('demo');
  demo = await seedDemoFixture(database.db);
  admin = new TestClient(createTestApp(database.db, clock).app);
  await admin.login('admin@demo.test', DEMO_PASSWORD);
  ids = await demoIds(database.db, demo.demo);
  const shortLived = { validity_days: 4 };
  packageIds = [
    (
      await createPackage(
        database.db,
        demo.demo,
        [{ serviceId: ids.speech, sessions: 2 }],
        shortLived,
      )
    ).id,
    (
      await createPackage(
        database.db,
        demo.demo,
        [
          { serviceId: ids.speech, sessions: 1 },
          { serviceId: ids.assessment, sessions: 1 },
        ],
        shortLived,
      )
    ).id,
  ];
});
afterAll(() => database.close());

/**
 * Two patients, two providers of the SLP clinic (Sunday–Thursday 08:00–16:00) and a group
 * session of two seats with the second one: one statement, as a thousand runs each make them.
 */
async function freshRun() {
  const tenant = demo.demo;
  const { rows } = await sql<{ patients: string[]; providers: string[]; group_id: string }>`
    with patients as (
      insert into patients (tenant_id, mrn, name_en, name_ar)
      select ${tenant}, 'PROP-' || gen_random_uuid(), 'Property Patient ' || i, 'مريض'
      from generate_series(0, 1) as i
      returning id
    ), providers as (
      insert into providers (tenant_id, name_en, name_ar)
      select ${tenant}, 'Property Provider ' || i, 'أخصائي' from generate_series(0, 1) as i
      returning id
    ), clinics as (
      insert into provider_clinics (tenant_id, provider_id, clinic_id)
      select ${tenant}, id, ${ids.slp} from providers
    ), schedules as (
      insert into provider_schedules (tenant_id, provider_id, weekday, start_time, end_time)
      select ${tenant}, id, weekday, '08:00', '16:00'
      from providers cross join generate_series(0, 4) as weekday
    ), grouped as (
      insert into group_sessions
        (tenant_id, clinic_id, service_id, provider_id, starts_at, ends_at, capacity)
      select ${tenant}, ${ids.slp}, ${ids.speech}, max(id::text)::uuid,
        ${GROUP_START}::timestamptz, ${GROUP_START}::timestamptz + interval '1 hour', 2
      from providers
      returning id, provider_id
    )
    select
      (select array_agg(id::text order by id) from patients) as patients,
      (select array_agg(id::text order by id::text desc) from providers) as providers,
      (select id from grouped) as group_id
  `.execute(database.db);
  const { patients, providers, group_id } = rows[0]!;
  return {
    patients,
    /** The group session's provider is providers[0]. */
    providers,
    groupId: group_id,
    purchases: [] as { id: string; patient: number }[],
    appointments: [] as { id: string; startsAt: Date }[],
    lastKey: null as string | null,
  };
}
type Run = Awaited<ReturnType<typeof freshRun>>;

const riyadh = (day: number, quarter: number) => {
  const minutes = 7 * 60 + 30 + quarter * 15;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${DAYS[day]}T${hh}:${mm}:00+03:00`;
};

const json = async (response: Response) =>
  (await response.json()) as Record<string, unknown> & { error?: { message: string } };

/** Sends one command and checks what its answer may be: its status, null when there was nothing to send. */
async function perform(run: Run, step: Command): Promise<number | null> {
  switch (step.kind) {
    case 'assign': {
      const key = step.reuseKey && run.lastKey ? run.lastKey : crypto.randomUUID();
      run.lastKey = key;
      const response = await admin.request('/appointments/api/assign-package/', {
        json: {
          package_id: packageIds[step.pkg],
          patient_id: run.patients[step.patient],
          idempotency_key: key,
        },
      });
      expect([200, 409]).toContain(response.status);
      if (response.status === 200) {
        const { package_purchase_id: id } = await json(response);
        if (!run.purchases.some((p) => p.id === id)) {
          run.purchases.push({ id: id as string, patient: step.patient });
        }
      }
      return response.status;
    }
    case 'book':
    case 'join': {
      const choice = step.purchase;
      const candidates = run.purchases.filter(
        (p) => choice && (choice.foreign || p.patient === step.patient),
      );
      const purchase =
        choice && candidates.length ? candidates[choice.index % candidates.length]! : null;
      const body =
        step.kind === 'join'
          ? {
              appointment_type: 'group',
              group_session_id: run.groupId,
              provider_id: run.providers[0],
              start: GROUP_START,
              duration_minutes: 60,
            }
          : {
              appointment_type: purchase ? 'package' : 'single',
              service_id: step.service ? ids.assessment : ids.speech,
              provider_id: run.providers[step.provider],
              start: riyadh(step.day, step.quarter),
              duration_minutes: step.duration,
            };
      const response = await admin.request('/appointments/api/book/', {
        json: {
          patient_id: run.patients[step.patient],
          clinic_id: ids.slp,
          ...(purchase && { package_purchase_id: purchase.id }),
          ...body,
        },
      });
      // 404: a purchase of the run's other patient.
      expect([201, 404, 409]).toContain(response.status);
      if (response.status === 404) expect(purchase?.patient).not.toBe(step.patient);
      if (response.status === 201) {
        const { appointment_id: id, start } = await json(response);
        run.appointments.push({ id: id as string, startsAt: new Date(start as string) });
      }
      return response.status;
    }
    case 'cancel': {
      const appointment = run.appointments[step.appointment % run.appointments.length];
      if (!appointment) return null;
      const response = await admin.request(
        `/appointments/api/appointments/${appointment.id}/cancel/`,
        { json: { reason: 'Property test', waive: step.waive } },
      );
      expect([200, 409]).toContain(response.status);
      if (response.status === 200) {
        const { status } = await json(response);
        // An administrator's waiver returns the session even inside the window.
        const late = cancellationOutcome(appointment.startsAt, clock.now(), 24);
        expect(status).toBe(step.waive ? 'CANCELLED' : late);
      }
      return response.status;
    }
    case 'reschedule': {
      const appointment = run.appointments[step.appointment % run.appointments.length];
      if (!appointment) return null;
      const response = await admin.request(
        `/appointments/api/appointments/${appointment.id}/reschedule/`,
        {
          json: {
            start: riyadh(step.day, step.quarter),
            provider_id: run.providers[step.provider],
            reason: 'Property test',
          },
        },
      );
      expect([200, 409]).toContain(response.status);
      if (response.status === 200)
        appointment.startsAt = new Date((await json(response)).start as string);
      return response.status;
    }
    case 'rescheduleAll': {
      const purchase = run.purchases[step.purchase % run.purchases.length];
      if (!purchase) return null;
      const response = await admin.request(
        `/appointments/api/purchases/${purchase.id}/reschedule/`,
        { json: { offset_days: step.days, reason: 'Property test' } },
      );
      expect([200, 409]).toContain(response.status);
      if (response.status === 200) {
        const { moved } = (await json(response)) as {
          moved: { appointment_id: string; start: string }[];
        };
        for (const { appointment_id: id, start } of moved) {
          const known = run.appointments.find((a) => a.id === id);
          if (known) known.startsAt = new Date(start);
        }
      }
      return response.status;
    }
    case 'series': {
      const purchase = run.purchases[step.purchase % run.purchases.length];
      if (!purchase) return null;
      const response = await admin.request('/appointments/api/series/', {
        json: {
          package_purchase_id: purchase.id,
          clinic_id: ids.slp,
          duration_minutes: step.duration,
          sessions: step.days.map((day) => ({
            provider_id: run.providers[step.provider],
            start: riyadh(day, step.quarter),
          })),
        },
      });
      // 422: a session in the past, or a length the package's service does not take.
      expect([201, 409, 422]).toContain(response.status);
      if (response.status === 201) {
        const { appointments } = (await json(response)) as {
          appointments: { appointment_id: string; start: string }[];
        };
        for (const { appointment_id: id, start } of appointments) {
          run.appointments.push({ id, startsAt: new Date(start) });
        }
      }
      return response.status;
    }
    case 'transfer': {
      const purchase = run.purchases[step.purchase % run.purchases.length];
      if (!purchase) return null;
      const sibling = 1 - purchase.patient;
      const response = await admin.request(`/appointments/api/purchases/${purchase.id}/transfer/`, {
        json: {
          patient_id: run.patients[sibling],
          reason: 'Property test',
          cancel_future: step.cancelFuture,
        },
      });
      expect([201, 409]).toContain(response.status);
      if (response.status === 201) {
        const { package_purchase_id: id } = await json(response);
        run.purchases.push({ id: id as string, patient: sibling });
      }
      return response.status;
    }
    case 'cancelRemaining': {
      const purchase = run.purchases[step.purchase % run.purchases.length];
      if (!purchase) return null;
      const response = await admin.request(
        `/appointments/api/purchases/${purchase.id}/cancel-remaining/`,
        { json: { reason: 'Property test' } },
      );
      expect([200, 409]).toContain(response.status);
      return response.status;
    }
    case 'later': {
      clock.advance(step.hours * 60 * 60 * 1000);
      // A signed-in request at the new time (it keeps the session alive, as a desk would).
      const response = await admin.request(
        `/appointments/api/packages-for-patient/?patient=${run.patients[0]}`,
      );
      expect(response.status).toBe(200);
      return response.status;
    }
    case 'noShow': {
      // The desk marks someone who did not come: an appointment that has started, if any.
      const started = run.appointments.filter((a) => a.startsAt <= clock.now());
      const pool = started.length > 0 ? started : run.appointments;
      const appointment = pool[step.appointment % pool.length];
      if (!appointment) return null;
      const response = await admin.request(`/appointments/${appointment.id}/status`, {
        form: { status: 'NO_SHOW' },
      });
      expect([303, 409]).toContain(response.status);
      return response.status;
    }
    case 'extend': {
      const purchase = run.purchases[step.purchase % run.purchases.length];
      if (!purchase) return null;
      const response = await admin.request(
        `/patients/${run.patients[purchase.patient]}/packages/${purchase.id}/extend`,
        { form: { days: String(step.days), expiry_date: '', reason: 'Property test' } },
      );
      // 409: used up (COMPLETED), which cannot be extended.
      expect([303, 409]).toContain(response.status);
      return response.status;
    }
  }
}

const KINDS = [
  'assign',
  'book',
  'join',
  'cancel',
  'reschedule',
  'rescheduleAll',
  'series',
  'transfer',
  'cancelRemaining',
  'noShow',
  'extend',
  'later',
] as const satisfies Command['kind'][];
const succeeded = new Set<Command['kind']>();

describe('package invariants under random desk work', () => {
  it(`hold after every step of ${RUNS} random runs`, async () => {
    console.info(`Property test seed: ${SEED} (set FC_SEED=${SEED} to replay)`);
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(runCommands, async (commands) => {
        clock.set(DEMO_NOW);
        const run = await freshRun();
        for (const [index, step] of commands.entries()) {
          const status = await perform(run, step);
          if (status === null) continue;
          if (status < 400) succeeded.add(step.kind); // 2xx, or 303 after a form
          const violations = await invariantViolations(database.db, {
            patientIds: run.patients,
            providerIds: run.providers,
            groupSessionIds: [run.groupId],
          });
          expect(violations, `after step ${index}: ${JSON.stringify(step)}`).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.info(`Property test: ${RUNS} runs in ${Date.now() - started} ms`);
    // Not a test of refusals only: every kind of step went through at least once. (A no-show
    // needs an appointment that has started, which short random runs seldom hold: the route
    // tests of the status change cover it.)
    const missing = KINDS.filter((kind) => kind !== 'noShow' && !succeeded.has(kind));
    if (RUNS >= 100) expect(missing).toEqual([]);
  }, 300_000);
});
