import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { DEMO_PASSWORD } from '../../src/db/seed/demo.js';
import type { AppointmentStatus } from '../../src/db/schema.js';
import { findTenantSettings } from '../../src/db/tenants.js';
import { createTestApp, TestClock, unwiredBus } from '../support/app.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import { TestClient, type RequestOptions } from '../support/client.js';
import { DEMO_NOW, type DemoFixture, openSignedInDemo } from '../support/demo.js';
import {
  createAppointment,
  createClinic,
  createGroupSession,
  createPackage,
  createPatient,
  createProvider,
  createPurchase,
  createService,
  createTimeOff,
  createUser,
} from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { createCalendarFeed } from '../../src/db/calendar-feeds.js';
import { createDeadMessage } from '../messages/support.js';
import { tenantChecksum } from './tenant-checksum.js';

/**
 * Every unsafe route × every role, each on fresh data so that an allowed role's request
 * succeeds. A refusal changes nothing. PROVIDER acts on their own appointments only: another
 * provider's answers 403, because the appointment is of the same centre and every role may
 * already see it (its page, the day view); 404 stays for ids outside the caller's tenant.
 */

const ROLES = ['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE', 'anonymous'] as const;
type Caller = (typeof ROLES)[number];
const EMAILS: Record<Exclude<Caller, 'anonymous'>, string> = {
  ADMIN: 'admin@demo.test',
  FRONT_DESK: 'frontdesk@demo.test',
  PROVIDER: 'provider@demo.test',
  FINANCE: 'finance@demo.test',
};

let database: TestDatabase, demo: DemoFixture, ids: DemoIds;
let patient: string;
/** Dr. Huda is provider@demo.test; Dr. Faisal is someone else. */
let ownProvider: string;

type Request = { path: string } & Pick<RequestOptions, 'form' | 'json' | 'htmx'>;

interface Row {
  route: string;
  /** Fresh data for one call, then the request. */
  request: () => Request | Promise<Request>;
  expected: Record<Caller, number>;
  /** Ends or replaces the caller's session (sign-in, sign-out, password): signs in afresh. */
  endsSession?: boolean;
}

let hour = 0;
/** An appointment of the demo patient at a time no other row uses (BOOKED, a week ahead). */
async function appointment(providerId: string): Promise<string> {
  hour += 1;
  const starts = new Date(DEMO_NOW.getTime() + 7 * 86_400_000 + hour * 3_600_000);
  return appointmentAt(providerId, starts, patient);
}

const MINUTE = 60_000;
/** 23:00 in Riyadh on DEMO_NOW's day, and 00:00: minutes no demo appointment takes. */
const LATE_TODAY = new Date('2026-11-25T20:00:00Z');
const EARLY_TODAY = new Date('2026-11-24T21:00:00Z');
let minute = 0;
/**
 * A 1-minute appointment of a new patient today, `when` the demo clock's noon: later today
 * (not started yet) or early today (started). The minutes never repeat, so no two overlap.
 */
async function today(
  providerId: string,
  when: 'later' | 'started',
  status: AppointmentStatus = 'BOOKED',
): Promise<string> {
  minute += 1;
  const base = when === 'later' ? LATE_TODAY : EARLY_TODAY;
  const starts = new Date(base.getTime() + minute * MINUTE);
  const someone = await createPatient(database.db, demo.demo);
  return appointmentAt(providerId, starts, someone.id, status);
}

/** Tomorrow, at a time no other row uses. */
async function tomorrow(providerId: string, status: AppointmentStatus = 'BOOKED') {
  minute += 1;
  const starts = new Date(LATE_TODAY.getTime() + 86_400_000 + minute * MINUTE);
  const someone = await createPatient(database.db, demo.demo);
  return appointmentAt(providerId, starts, someone.id, status);
}

async function appointmentAt(
  providerId: string,
  starts: Date,
  patientId: string,
  status: AppointmentStatus = 'BOOKED',
): Promise<string> {
  const row = await createAppointment(
    database.db,
    {
      tenant: { id: demo.demo },
      clinic: { id: ids.slp },
      service: { id: ids.speech },
      provider: { id: providerId },
      patient: { id: patientId },
      user: { id: (await userId('frontdesk@demo.test'))! },
    },
    { starts_at: starts, ends_at: new Date(starts.getTime() + MINUTE), status },
  );
  return row.id;
}

async function userId(email: string) {
  return (
    await database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
  )?.id;
}

/** Text no other row uses: names, e-mails, phones. */
const fresh = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
const freshPhone = () => `050${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function freshProvider() {
  return createProvider(database.db, demo.demo, [ids.slp]);
}

async function freshPurchase(values: { amount_paid?: string } = {}) {
  const pkg = await createPackage(database.db, demo.demo, [
    { serviceId: ids.speech, sessions: 10 },
  ]);
  const owner = await createPatient(database.db, demo.demo);
  const purchase = await createPurchase(
    database.db,
    pkg,
    owner.id,
    (await userId('frontdesk@demo.test'))!,
    values,
  );
  return { patient: owner.id, purchase: purchase.id };
}

let groupProviderId: string | undefined;
/** A provider of the SLP clinic of its own, working Sunday to Thursday 08:00–16:00. */
async function groupProvider() {
  const provider = await freshProvider();
  await database.db
    .insertInto('provider_schedules')
    .values(
      [0, 1, 2, 3, 4].map((weekday) => ({
        tenant_id: demo.demo,
        provider_id: provider.id,
        weekday,
        start_time: '08:00:00',
        end_time: '16:00:00',
      })),
    )
    .execute();
  groupProviderId = provider.id;
  return provider;
}

/** A group session of a provider of its own, Sunday 6 December at 10:00 in Riyadh. */
async function freshGroupSession(): Promise<string> {
  const provider = await groupProvider();
  const session = await createGroupSession(
    database.db,
    {
      tenant: { id: demo.demo },
      clinic: { id: ids.slp },
      service: { id: ids.speech },
      provider,
    },
    { starts_at: new Date('2026-12-06T07:00:00Z'), ends_at: new Date('2026-12-06T07:45:00Z') },
  );
  return session.id;
}

const DATES = ['2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10'];
let bookings = 0;
/** A free slot of Dr. Faisal for the patient: each call takes another day, then the next slot. */
async function freeStart(): Promise<string> {
  const date = DATES[bookings++ % DATES.length]!;
  const desk = await callerClient('FRONT_DESK');
  const [slot] = await freeSlots(desk, { providerId: ids.faisal, date, patientId: patient });
  return slot!.start;
}

const deskOnly = { ADMIN: 200, FRONT_DESK: 200, PROVIDER: 403, FINANCE: 403, anonymous: 401 };
/** Pages' forms: success and the signed-out login both redirect. */
const adminOnly = { ADMIN: 303, FRONT_DESK: 403, PROVIDER: 403, FINANCE: 403, anonymous: 303 };
const registrars = { ...adminOnly, FRONT_DESK: 303 };
const everyone303 = { ADMIN: 303, FRONT_DESK: 303, PROVIDER: 303, FINANCE: 303, anonymous: 303 };
/** A provider's step on their own appointment: the desk and that provider. */
const deskOrOwner = { ...deskOnly, PROVIDER: 200 };
/** Too early (SPEC §2): refused for everyone who may take the step at all, nothing changed. */
const tooEarly = { ADMIN: 409, FRONT_DESK: 409, PROVIDER: 409, FINANCE: 403, anonymous: 401 };
/** A step the appointment's state does not allow: refused before anyone's role is looked at. */
const impossible = { ADMIN: 409, FRONT_DESK: 409, PROVIDER: 409, FINANCE: 409, anonymous: 401 };

/** A step of the appointment being made. */
const step = async (id: Promise<string>, next: string): Promise<Request> => ({
  path: `/appointments/${await id}/status`,
  form: { status: next },
  htmx: true,
});

const MATRIX: Row[] = [
  {
    route: 'POST /login',
    request: () => ({
      path: '/login',
      form: { email: 'finance@demo.test', password: DEMO_PASSWORD },
    }),
    expected: everyone303,
    endsSession: true,
  },
  {
    route: 'POST /logout',
    request: () => ({ path: '/logout', form: {} }),
    expected: everyone303,
    endsSession: true,
  },
  {
    route: 'POST /account/locale',
    request: () => ({ path: '/account/locale', form: { locale: 'ar' } }),
    // signed out: redirected to the login
    expected: everyone303,
  },
  {
    route: 'POST /appointments/new/assign',
    request: async () => ({
      path: '/appointments/new/assign',
      form: {
        patient_id: patient,
        package_id: await demo.pkg('20 ABA Therapy Package'),
        idempotency_key: randomUUID(),
        payment: 'now',
        amount: '100',
        method: 'CASH',
      },
      htmx: true,
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/new/book',
    request: async () => ({
      path: '/appointments/new/book',
      form: {
        patient_id: patient,
        appointment_type: 'single',
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        service_id: ids.speech,
        start: await freeStart(),
        duration: '45',
        idempotency_key: randomUUID(),
      },
      htmx: true,
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/api/purchases/:id/payments/',
    request: async () => ({
      path: `/appointments/api/purchases/${(await freshPurchase()).purchase}/payments/`,
      json: { amount: 100, method: 'CASH' },
    }),
    expected: { ADMIN: 201, FRONT_DESK: 201, PROVIDER: 403, FINANCE: 201, anonymous: 401 },
  },
  {
    route: 'POST /appointments/api/purchases/:id/refunds/',
    request: async () => ({
      path: `/appointments/api/purchases/${(await freshPurchase({ amount_paid: '100.00' })).purchase}/refunds/`,
      json: { amount: 100, method: 'CASH', reason: 'Overcharged' },
    }),
    expected: { ADMIN: 201, FRONT_DESK: 403, PROVIDER: 403, FINANCE: 201, anonymous: 401 },
  },
  {
    route: 'POST /appointments/api/assign-package/',
    request: async () => ({
      path: '/appointments/api/assign-package/',
      json: { patient_id: patient, package_id: await demo.pkg('20 ABA Therapy Package') },
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/api/book/',
    request: async () => ({
      path: '/appointments/api/book/',
      json: {
        patient_id: patient,
        appointment_type: 'single',
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        service_id: ids.speech,
        start: await freeStart(),
        duration_minutes: 45,
      },
    }),
    expected: { ...deskOnly, ADMIN: 201, FRONT_DESK: 201 },
  },
  {
    route: 'POST /appointments/api/appointments/:id/cancel/',
    request: async () => ({
      path: `/appointments/api/appointments/${await appointment(ids.faisal)}/cancel/`,
      json: { reason: 'Family travel' },
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/api/appointments/:id/reschedule/',
    request: async () => ({
      path: `/appointments/api/appointments/${await appointment(ids.faisal)}/reschedule/`,
      json: { start: await freeStart(), reason: 'Child is ill' },
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/reschedule',
    request: async () => {
      const start = await freeStart();
      return {
        path: `/appointments/${await appointment(ids.faisal)}/reschedule`,
        form: {
          provider_id: ids.faisal,
          date: start.slice(0, 10),
          duration: '45',
          start,
          reason: 'Child is ill',
        },
        htmx: true,
      };
    },
    // htmx follows HX-Redirect to the appointment's page
    expected: { ...deskOnly, ADMIN: 204, FRONT_DESK: 204 },
  },
  {
    route: 'POST /appointments/:id/cancel',
    request: async () => ({
      path: `/appointments/${await appointment(ownProvider)}/cancel`,
      form: { reason: 'Family travel' },
      htmx: true,
    }),
    expected: deskOnly,
  },
  // Steps of an appointment (SPEC §2): who, and when
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'later'), 'ARRIVED'),
    // their own appointment, today: the provider marks the arrival
    expected: deskOrOwner,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ids.faisal, 'later'), 'ARRIVED'),
    // another provider's appointment
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'later', 'ARRIVED'), 'COMPLETED'),
    expected: deskOrOwner,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ids.faisal, 'later', 'ARRIVED'), 'COMPLETED'),
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(tomorrow(ownProvider), 'ARRIVED'),
    // not before the appointment's day
    expected: tooEarly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(tomorrow(ownProvider, 'ARRIVED'), 'COMPLETED'),
    expected: tooEarly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'started'), 'NO_SHOW'),
    // a no-show is the desk's to mark, once the appointment has started
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'later'), 'NO_SHOW'),
    expected: { ...tooEarly, PROVIDER: 403 },
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(appointment(ownProvider), 'CONFIRMED'),
    // confirming is the desk's job, even on the provider's own appointment
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'later'), 'COMPLETED'),
    // completed without an arrival
    expected: impossible,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'started', 'CANCELLED'), 'ARRIVED'),
    expected: impossible,
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => step(today(ownProvider, 'started', 'NO_SHOW'), 'ARRIVED'),
    expected: impossible,
  },
  // A status marked by mistake, set back the same day by the desk (SPEC §2)
  {
    route: 'POST /appointments/:id/revert',
    request: async () => ({
      path: `/appointments/${await today(ownProvider, 'later', 'ARRIVED')}/revert`,
      form: { reason: 'Marked the wrong patient' },
      htmx: true,
    }),
    // even on the provider's own appointment
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/:id/revert',
    request: async () => ({
      path: `/appointments/${await tomorrow(ownProvider, 'ARRIVED')}/revert`,
      form: { reason: 'Not on its day' },
      htmx: true,
    }),
    expected: { ...tooEarly, PROVIDER: 403 },
  },
  // Patients: registration and editing (the desk), package operations (ADMIN)
  {
    route: 'POST /appointments/new/register',
    request: () => ({
      path: '/appointments/new/register',
      form: { name_en: fresh('Quick'), phone: freshPhone(), form_token: randomUUID() },
      htmx: true,
    }),
    expected: deskOnly,
  },
  {
    route: 'POST /patients',
    request: () => ({
      path: '/patients',
      form: { name_en: fresh('Registered'), phone: freshPhone(), form_token: randomUUID() },
    }),
    expected: registrars,
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/transfer',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/patients/${bought.patient}/packages/${bought.purchase}/transfer`,
        form: { patient_id: patient, reason: 'Sibling' },
      };
    },
    expected: adminOnly,
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/cancel-remaining',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/patients/${bought.patient}/packages/${bought.purchase}/cancel-remaining`,
        form: { reason: 'Stopping' },
      };
    },
    expected: adminOnly,
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/reschedule',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/patients/${bought.patient}/packages/${bought.purchase}/reschedule`,
        form: { offset_days: '7', reason: 'Trip' },
      };
    },
    expected: registrars,
  },
  {
    route: 'POST /patients/:id/edit',
    request: async () => {
      const row = await createPatient(database.db, demo.demo);
      return {
        path: `/patients/${row.id}/edit`,
        form: { name_en: fresh('Edited'), phone: freshPhone(), mrn: row.mrn },
      };
    },
    expected: registrars,
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/extend',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/patients/${bought.patient}/packages/${bought.purchase}/extend`,
        form: { days: '30', reason: 'Medical leave' },
      };
    },
    expected: adminOnly,
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/payments',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/patients/${bought.patient}/packages/${bought.purchase}/payments`,
        form: { amount: '100', method: 'CASH', idempotency_key: randomUUID() },
      };
    },
    expected: { ADMIN: 303, FRONT_DESK: 303, PROVIDER: 403, FINANCE: 303, anonymous: 303 },
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/refunds',
    request: async () => {
      const bought = await freshPurchase({ amount_paid: '100.00' });
      return {
        path: `/patients/${bought.patient}/packages/${bought.purchase}/refunds`,
        form: {
          amount: '100',
          method: 'CASH',
          reason: 'Overcharged',
          idempotency_key: randomUUID(),
        },
      };
    },
    expected: { ADMIN: 303, FRONT_DESK: 403, PROVIDER: 403, FINANCE: 303, anonymous: 303 },
  },
  {
    route: 'POST /appointments/api/purchases/:id/transfer/',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/appointments/api/purchases/${bought.purchase}/transfer/`,
        json: { patient_id: patient, reason: 'Sibling' },
      };
    },
    expected: { ...deskOnly, ADMIN: 201, FRONT_DESK: 403 },
  },
  {
    route: 'POST /appointments/api/purchases/:id/cancel-remaining/',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/appointments/api/purchases/${bought.purchase}/cancel-remaining/`,
        json: { reason: 'Stopping' },
      };
    },
    expected: { ...deskOnly, FRONT_DESK: 403 },
  },
  {
    route: 'POST /appointments/api/purchases/:id/reschedule/',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: `/appointments/api/purchases/${bought.purchase}/reschedule/`,
        json: { offset_days: 7, reason: 'Trip' },
      };
    },
    expected: deskOnly,
  },
  {
    route: 'POST /appointments/api/series/',
    request: async () => {
      const bought = await freshPurchase();
      return {
        path: '/appointments/api/series/',
        json: {
          package_purchase_id: bought.purchase,
          clinic_id: ids.slp,
          duration_minutes: 45,
          sessions: [{ provider_id: ids.faisal, start: await freeStart() }],
        },
      };
    },
    expected: { ...deskOnly, ADMIN: 201, FRONT_DESK: 201 },
  },
  {
    route: 'POST /appointments/new/course/:purchaseId',
    request: async () => {
      const bought = await freshPurchase();
      const start = await freeStart();
      const date = start.slice(0, 10);
      return {
        path: `/appointments/new/course/${bought.purchase}`,
        form: {
          service_id: ids.speech,
          days: String(new Date(`${date}T12:00:00Z`).getUTCDay()),
          time: start.slice(11, 16),
          start_date: date,
          count: '1',
          day_provider_0: ids.faisal,
          day_provider_1: ids.faisal,
          day_provider_2: ids.faisal,
          day_provider_3: ids.faisal,
          day_provider_4: ids.faisal,
          idempotency_key: randomUUID(),
          intent: 'book',
        },
        htmx: true,
      };
    },
    expected: deskOnly,
  },
  // Administration (ADMIN only)
  {
    route: 'POST /admin/clinics',
    request: () => ({
      path: '/admin/clinics',
      form: {
        name_en: fresh('Clinic'),
        name_ar: 'عيادة',
        specialty: 'Speech',
        form_token: randomUUID(),
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/clinics/:id',
    request: async () => ({
      path: `/admin/clinics/${(await createClinic(database.db, demo.demo)).id}`,
      form: { name_en: fresh('Clinic'), name_ar: 'عيادة', specialty: 'Speech' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/services',
    request: () => ({
      path: '/admin/services',
      form: {
        clinic_id: ids.slp,
        name_en: fresh('Service'),
        name_ar: 'خدمة',
        default_duration_minutes: '45',
        price: '300.00',
        form_token: randomUUID(),
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/services/:id',
    request: async () => ({
      path: `/admin/services/${(await createService(database.db, demo.demo, ids.slp)).id}`,
      form: {
        clinic_id: ids.slp,
        name_en: fresh('Service'),
        name_ar: 'خدمة',
        default_duration_minutes: '60',
        price: '350.00',
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/packages',
    request: () => ({
      path: '/admin/packages',
      form: {
        name_en: fresh('Package'),
        name_ar: 'باقة',
        price: '3000.00',
        validity_days: '90',
        active: 'on',
        'service_id[]': ids.speech,
        'sessions[]': '10',
        form_token: randomUUID(),
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/packages/:id',
    request: async () => {
      const pkg = await createPackage(database.db, demo.demo, [
        { serviceId: ids.speech, sessions: 10 },
      ]);
      return {
        path: `/admin/packages/${pkg.id}`,
        form: {
          name_en: fresh('Package'),
          name_ar: 'باقة',
          price: '3500.00',
          validity_days: '120',
          'service_id[]': ids.speech,
          'sessions[]': '12',
        },
      };
    },
    expected: adminOnly,
  },
  {
    route: 'POST /admin/providers',
    request: () => ({
      path: '/admin/providers',
      form: {
        name_en: fresh('Provider'),
        name_ar: 'أخصائي',
        user_id: '',
        clinic_ids: ids.slp,
        form_token: randomUUID(),
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/providers/:id',
    request: async () => ({
      path: `/admin/providers/${(await freshProvider()).id}`,
      form: { name_en: fresh('Provider'), name_ar: 'أخصائي', user_id: '', clinic_ids: ids.slp },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/group-sessions',
    request: async () => ({
      path: '/admin/group-sessions',
      form: {
        service_id: ids.speech,
        provider_id: (await groupProvider()).id,
        date: '2026-12-06',
        time: '10:00',
        capacity: '4',
        form_token: randomUUID(),
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/group-sessions/:id',
    request: async () => ({
      path: `/admin/group-sessions/${await freshGroupSession()}`,
      form: { provider_id: groupProviderId!, date: '2026-12-06', time: '11:00', capacity: '5' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/group-sessions/:id/cancel',
    request: async () => ({
      path: `/admin/group-sessions/${await freshGroupSession()}/cancel`,
      form: { reason: 'Provider away' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/providers/:id/schedule',
    request: async () => ({
      path: `/admin/providers/${(await freshProvider()).id}/schedule`,
      form: { 'start_0[]': '09:00', 'end_0[]': '17:00' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/providers/:id/time-off',
    request: async () => ({
      path: `/admin/providers/${(await freshProvider()).id}/time-off`,
      form: {
        form_token: randomUUID(),
        starts_at: '2026-12-20T09:00',
        ends_at: '2026-12-20T17:00',
        reason: 'Conference',
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/providers/:id/time-off/:timeOffId/remove',
    request: async () => {
      const provider = await freshProvider();
      const off = await createTimeOff(database.db, demo.demo, provider.id);
      return { path: `/admin/providers/${provider.id}/time-off/${off.id}/remove`, form: {} };
    },
    expected: adminOnly,
  },
  {
    route: 'POST /admin/users',
    request: () => ({
      path: '/admin/users',
      form: {
        name: fresh('User'),
        email: `${randomUUID().slice(0, 8)}@demo.test`,
        role: 'FRONT_DESK',
        locale: 'en',
        password: 'a long enough password',
        form_token: randomUUID(),
      },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/users/:id',
    request: async () => ({
      path: `/admin/users/${(await createUser(database.db, demo.demo)).id}`,
      form: { name: fresh('User'), role: 'FINANCE', locale: 'ar' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/users/:id/password',
    request: async () => ({
      path: `/admin/users/${(await createUser(database.db, demo.demo)).id}/password`,
      form: { password: 'a long enough password' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/users/:id/active',
    request: async () => ({
      path: `/admin/users/${(await createUser(database.db, demo.demo)).id}/active`,
      form: { active: 'false' },
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/users/:id/unlock',
    request: async () => ({
      path: `/admin/users/${(await createUser(database.db, demo.demo)).id}/unlock`,
      form: {},
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/messages/:id/retry',
    request: async () => ({
      path: `/admin/messages/${(await createDeadMessage(database.db, demo.demo)).id}/retry`,
      form: {},
    }),
    expected: adminOnly,
  },
  {
    route: 'POST /admin/calendar-feeds',
    request: () => ({
      path: '/admin/calendar-feeds',
      form: { owner_type: 'clinic', owner_id: ids.slp, form_token: randomUUID() },
    }),
    expected: { ...adminOnly, ADMIN: 201 },
  },
  {
    route: 'POST /admin/calendar-feeds/:id/revoke',
    request: async () => {
      const admin = (await userId('admin@demo.test'))!;
      const feed = await createCalendarFeed(database.db, demo.demo, { clinicId: ids.slp }, admin);
      return { path: `/admin/calendar-feeds/${feed.id}/revoke`, form: {} };
    },
    expected: adminOnly,
  },
  {
    route: 'POST /admin/settings',
    request: async () => {
      const settings = await findTenantSettings(database.db, demo.demo);
      return {
        path: '/admin/settings',
        form: {
          name: settings.name,
          timezone: settings.timezone,
          currency: settings.currency,
          cancellation_window_hours: String(settings.cancellation_window_hours),
          channels: 'log',
          reminder_hours_before: String(settings.reminder_hours_before ?? ''),
          quiet_hours_start: settings.quiet_hours_start,
          quiet_hours_end: settings.quiet_hours_end,
          vat_percent: '15',
          vat_number: settings.vat_number ?? '',
          country: settings.country ?? '',
        },
      };
    },
    expected: adminOnly,
  },
  // One's own password: every signed-in role. The same password again, so that the next
  // sign-ins of these test users still work; it ends the user's other sessions (see `desk`).
  {
    route: 'POST /account/password',
    request: () => ({
      path: '/account/password',
      form: {
        current_password: DEMO_PASSWORD,
        new_password: DEMO_PASSWORD,
        confirm_password: DEMO_PASSWORD,
      },
    }),
    expected: everyone303,
    endsSession: true,
  },
];

let app: ReturnType<typeof createTestApp>['app'];
beforeAll(async () => {
  ({ database, demo } = await openSignedInDemo());
  app = createTestApp(database.db, new TestClock(DEMO_NOW)).app;
  ids = await demoIds(database.db, demo.demo);
  patient = await demo.patient('Sara Al-Harbi');
  ownProvider = ids.huda;
  const huda = await database.db
    .selectFrom('providers')
    .select('user_id')
    .where('id', '=', ids.huda)
    .executeTakeFirstOrThrow();
  expect(huda.user_id).toBe(await userId('provider@demo.test'));
});
afterAll(() => database.close());

/** One sign-in per role (argon2 is slow on purpose), reused by every case that keeps it. */
const signedIn = new Map<Caller, { cookies: Map<string, string>; csrfToken?: string }>();

/**
 * A client of its own for one case: the role's session, or (for a case that ends or replaces
 * it) a session of its own, after which the role signs in afresh (a password change ends the
 * user's other sessions).
 */
async function callerClient(caller: Caller, ownSession = false): Promise<TestClient> {
  const client = new TestClient(app);
  if (caller === 'anonymous') return client;
  let session = ownSession ? undefined : signedIn.get(caller);
  if (!session) {
    const fresh = await demo.signIn(EMAILS[caller]);
    session = { cookies: fresh.cookies, csrfToken: fresh.csrfToken };
    if (ownSession) signedIn.delete(caller);
    else signedIn.set(caller, session);
  }
  for (const [name, value] of session.cookies) client.cookies.set(name, value);
  client.csrfToken = session.csrfToken;
  return client;
}

describe('unsafe routes × roles', () => {
  const cases = MATRIX.flatMap((row, index) =>
    ROLES.map((caller) => [row.route, index, caller, row.expected[caller]] as const),
  );
  it.each(cases)('%s (line %i) as %s → %i', async (_, index, caller, expected) => {
    const client = await callerClient(caller, MATRIX[index]!.endsSession);
    const { path, ...options } = await MATRIX[index]!.request();
    const before = await tenantChecksum(database.db, demo.demo);
    const response = await client.request(path, options);
    expect(response.status, (await response.text()).slice(0, 200)).toBe(expected);
    if (expected >= 400) expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
  });

  it('covers every unsafe route of the app', () => {
    const app = createApp({ db: database.db, clock: () => DEMO_NOW, bus: unwiredBus });
    const unsafe = new Set(
      app.routes
        .filter((route) => !['ALL', 'GET', 'HEAD', 'OPTIONS'].includes(route.method))
        .map((route) => `${route.method} ${route.path}`),
    );
    const covered = new Set(MATRIX.map((row) => row.route));
    expect([...unsafe].filter((route) => !covered.has(route))).toEqual([]);
  });
});

describe('CSRF on every unsafe route', () => {
  const forgeries: [string, Record<string, string>][] = [
    ['no token', {}],
    ['a wrong token', { 'x-csrftoken': 'not-the-session-token' }],
    ['another origin', { origin: 'https://evil.example' }],
  ];
  const cases = MATRIX.flatMap((row, index) =>
    forgeries.map(([forgery, headers]) => [row.route, index, forgery, headers] as const),
  );
  it.each(cases)(
    '%s (line %i) with %s → 403, nothing changed',
    async (_, index, forgery, headers) => {
      const client = await callerClient('ADMIN');
      const { path, ...options } = await MATRIX[index]!.request();
      const before = await tenantChecksum(database.db, demo.demo);
      const response = await client.request(path, {
        ...options,
        headers,
        csrf: forgery === 'another origin',
      });
      expect(response.status).toBe(403);
      expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
    },
  );
});

describe('patient data is never stored by browsers or proxies', () => {
  let desk: TestClient;
  beforeAll(async () => {
    desk = await callerClient('FRONT_DESK');
  });
  it.each([
    ['the patient page', () => `/patients/${patient}`, false],
    ['the package modal', () => `/appointments/new/package-modal?patient_id=${patient}`, true],
    [
      'the JSON packages',
      () => `/appointments/api/packages-for-patient/?patient=${patient}`,
      false,
    ],
    ['a patient search', () => '/appointments/new/patients?q=Sara', true],
    ['the day view fragment', () => '/appointments', true],
    ['an error', () => '/patients/00000000-0000-4000-8000-000000000000', false],
  ])('%s: Cache-Control no-store', async (_, path, htmx) => {
    const response = await desk.request(path(), { htmx });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
