import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Role } from '../../src/db/schema.js';
import { createTestApp, TestClock, unwiredBus } from '../support/app.js';
import { demoIds } from '../support/booking.js';
import { TestClient, type RequestOptions } from '../support/client.js';
import { DEMO_NOW, seedDemoFixture, type DemoFixture } from '../support/demo.js';
import {
  createGroupSession,
  createPackage,
  createService,
  createTimeOff,
  createUser,
  TEST_PASSWORD,
} from '../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { createDeadMessage } from '../messages/support.js';
import { createCalendarFeed } from '../../src/db/calendar-feeds.js';
import { tenantChecksum } from './tenant-checksum.js';

/**
 * Tenant B's staff, signed in, call every route with tenant A's ids: each answers 404 (never
 * 403, 200 or 500), shows nothing of A, and leaves every one of A's tables as it was.
 */

let database: TestDatabase;
let demo: DemoFixture;
let a: Awaited<ReturnType<typeof tenantAIds>>;
let b: Awaited<ReturnType<typeof tenantBIds>>;
const clients = new Map<Role, TestClient>();

async function tenantAIds() {
  const { db } = database;
  const ids = await demoIds(db, demo.demo);
  const patient = await demo.patient('Ahmed Al-Rashid');
  const [purchase] = await demo.purchasesOf(patient);
  const appointment = await db
    .selectFrom('appointments')
    .select('id')
    .where('tenant_id', '=', demo.demo)
    .where('patient_id', '=', patient)
    .where('status', '=', 'BOOKED')
    .executeTakeFirstOrThrow();
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'admin@demo.test')
    .executeTakeFirstOrThrow();
  const group = await createGroupSession(
    db,
    {
      tenant: { id: demo.demo },
      clinic: { id: ids.slp },
      service: { id: ids.speech },
      provider: { id: ids.huda },
    },
    { starts_at: new Date('2026-12-01T06:00:00Z') },
  );
  const timeOff = await createTimeOff(db, demo.demo, ids.huda, {
    starts_at: new Date('2026-12-20T06:00:00Z'),
    ends_at: new Date('2026-12-20T14:00:00Z'),
  });
  const user = await createUser(db, demo.demo, { name: 'Tenant A Staffer', role: 'PROVIDER' });
  const payment = await db
    .selectFrom('payments')
    .select('id')
    .where('tenant_id', '=', demo.demo)
    .where('purchase_id', '=', purchase!.id)
    .executeTakeFirstOrThrow();
  return {
    payment: payment.id,
    ...ids,
    patient,
    purchase: purchase!.id,
    package: await demo.pkg('20 ABA Therapy Package'),
    appointment: appointment.id,
    group: group.id,
    admin: admin.id,
    timeOff: timeOff.id,
    deadMessage: (await createDeadMessage(db, demo.demo)).id,
    feed: (await createCalendarFeed(db, demo.demo, { providerId: ids.huda }, admin.id)).id,
    user: user.id,
    userEmail: user.email,
  };
}

/** B's own rows, to mix with A's (B's patient on A's purchase, B's clinic with A's service…). */
async function tenantBIds() {
  const { db } = database;
  const first = (table: 'clinics' | 'providers' | 'patients') =>
    db
      .selectFrom(table)
      .select('id')
      .where('tenant_id', '=', demo.other)
      .orderBy('id')
      .executeTakeFirstOrThrow()
      .then((row) => row.id);
  const clinic = await first('clinics');
  const service = await createService(db, demo.other, clinic);
  const pkg = await createPackage(db, demo.other, [{ serviceId: service.id, sessions: 10 }]);
  const provider = await first('providers');
  const group = await createGroupSession(
    db,
    { tenant: { id: demo.other }, clinic: { id: clinic }, service, provider: { id: provider } },
    { starts_at: new Date('2026-12-02T06:00:00Z') },
  );
  return {
    clinic,
    group: group.id,
    provider,
    patient: await first('patients'),
    service: service.id,
    package: pkg.id,
  };
}

interface Row {
  /** `METHOD /path` as Hono registered it: the completeness test matches on this. */
  route: string;
  /** Built once the ids exist. */
  request: () => { path: string } & Pick<RequestOptions, 'form' | 'json' | 'htmx'>;
  /** Who of tenant B calls it, when the route is not for the front desk. */
  as?: Role;
  /**
   * 404 unless said otherwise. A form naming A's rows in its body (a package's services, a
   * provider's clinics) is refused field by field: 422 with that field's error, nothing saved.
   */
  refused?: { status: 422; error: string };
}

const KEY = 'isolation-key-1';
const when = '2026-12-01T09:00:00+03:00';
const bookingForm = () => ({
  patient_id: a.patient,
  appointment_type: 'package',
  package_purchase_id: a.purchase,
  clinic_id: a.slp,
  provider_id: a.huda,
  service_id: a.speech,
  start: when,
  duration: '45',
  idempotency_key: KEY,
});
/** A form token (a uuid) for the admin forms that take one. */
const KEY_UUID = '00000000-0000-4000-8000-00000000a11c';
const patientEdit = { name_en: 'Changed Name', phone: '0500000009', mrn: 'MRN-ISOLATION' };
const clinicForm = { name_en: 'Changed', name_ar: 'تغيير', specialty: 'Changed' };
const serviceForm = () => ({
  clinic_id: b.clinic,
  name_en: 'Changed',
  name_ar: 'تغيير',
  default_duration_minutes: '45',
  price: '100.00',
});
const packageForm = (serviceId: string) => ({
  name_en: 'Changed',
  name_ar: 'تغيير',
  price: '100.00',
  validity_days: '90',
  active: 'on',
  'service_id[]': serviceId,
  'sessions[]': '10',
});
const providerForm = (values: { clinic_ids: string; user_id?: string }) => ({
  name_en: 'Changed',
  name_ar: 'تغيير',
  user_id: '',
  ...values,
});
const timeOffForm = () => ({
  form_token: KEY_UUID,
  starts_at: '2026-12-21T09:00',
  ends_at: '2026-12-21T17:00',
  reason: 'isolation',
});
const chooseClinic = { status: 422, error: 'Choose one of the clinics.' } as const;
const chooseService = { status: 422, error: 'Choose one of the services.' } as const;
const groupForm = (providerId: string) => ({
  provider_id: providerId,
  date: '2026-12-06',
  time: '10:00',
  capacity: '5',
});
const chooseGroupProvider = {
  status: 422,
  error: 'Choose a provider who works in the service’s clinic.',
} as const;
const chooseUser = {
  status: 422,
  error: 'Choose a provider account that is not linked to anyone else.',
} as const;
const bookingJson = () => ({
  patient_id: a.patient,
  appointment_type: 'package',
  package_purchase_id: a.purchase,
  clinic_id: a.slp,
  provider_id: a.huda,
  start: when,
  duration_minutes: 45,
});

/** One line per request; several lines may exercise one route with different ids. */
const ROWS: Row[] = [
  // Pages
  { route: 'GET /patients/:id', request: () => ({ path: `/patients/${a.patient}` }) },
  { route: 'GET /appointments/:id', request: () => ({ path: `/appointments/${a.appointment}` }) },
  { route: 'GET /appointments', request: () => ({ path: `/appointments?clinic=${a.slp}` }) },
  {
    route: 'GET /appointments/week',
    request: () => ({ path: `/appointments/week?provider=${a.huda}` }),
  },
  {
    route: 'GET /appointments/new',
    request: () => ({ path: `/appointments/new?provider_id=${a.huda}&date=2026-12-06&time=10:00` }),
  },
  {
    route: 'GET /appointments/new',
    request: () => ({ path: `/appointments/new?clinic_id=${a.slp}` }),
  },
  // Booking-page fragments
  {
    route: 'GET /appointments/new/patient',
    request: () => ({ path: `/appointments/new/patient?patient_id=${a.patient}`, htmx: true }),
  },
  {
    route: 'GET /appointments/new/package-modal',
    request: () => ({
      path: `/appointments/new/package-modal?patient_id=${a.patient}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/package',
    request: () => ({
      path: `/appointments/new/package?patient_id=${a.patient}&package_purchase_id=${a.purchase}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/package',
    request: () => ({
      path: `/appointments/new/package?patient_id=${b.patient}&package_purchase_id=${a.purchase}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/package-section',
    request: () => ({
      path: `/appointments/new/package-section?patient_id=${a.patient}&package_purchase_id=${a.purchase}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/providers',
    request: () => ({ path: `/appointments/new/providers?clinic_id=${a.slp}`, htmx: true }),
  },
  {
    route: 'GET /appointments/new/schedule',
    request: () => ({ path: `/appointments/new/schedule?clinic_id=${a.slp}`, htmx: true }),
  },
  {
    route: 'GET /appointments/new/schedule',
    request: () => ({
      path: `/appointments/new/schedule?clinic_id=${b.clinic}&package_purchase_id=${a.purchase}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/slots',
    request: () => ({
      path: `/appointments/new/slots?provider_id=${a.huda}&date=2026-12-01`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/slots',
    request: () => ({
      path: `/appointments/new/slots?provider_id=${b.provider}&date=2026-12-01&patient_id=${a.patient}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/slots',
    request: () => ({
      path: `/appointments/new/slots?appointment_type=group&clinic_id=${a.slp}`,
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/new/assign',
    request: () => ({
      path: '/appointments/new/assign',
      form: {
        patient_id: a.patient,
        package_id: a.package,
        idempotency_key: KEY,
        payment: 'now',
        amount: '1',
        method: 'CASH',
      },
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/new/assign',
    request: () => ({
      path: '/appointments/new/assign',
      form: {
        patient_id: b.patient,
        package_id: a.package,
        idempotency_key: KEY,
        payment: 'now',
        amount: '1',
        method: 'CASH',
      },
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/sale',
    request: () => ({
      path: `/appointments/new/sale?patient_id=${a.patient}&package_id=${a.package}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/sale',
    request: () => ({
      path: `/appointments/new/sale?patient_id=${b.patient}&package_id=${a.package}`,
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/new/book',
    request: () => ({ path: '/appointments/new/book', form: bookingForm(), htmx: true }),
  },
  {
    route: 'POST /appointments/new/book',
    request: () => ({
      path: '/appointments/new/book',
      form: { ...bookingForm(), patient_id: b.patient },
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/new/book',
    request: () => ({
      path: '/appointments/new/book',
      form: {
        ...bookingForm(),
        appointment_type: 'group',
        group_session_id: a.group,
        package_purchase_id: '',
      },
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/new/book',
    request: () => ({
      path: '/appointments/new/book',
      form: {
        ...bookingForm(),
        patient_id: b.patient,
        clinic_id: b.clinic,
        appointment_type: 'group',
        group_session_id: b.group,
        package_purchase_id: '',
        group_purchase_id: a.purchase,
      },
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/group-payment',
    request: () => ({
      path: `/appointments/new/group-payment?patient_id=${b.patient}&group_session_id=${a.group}`,
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/group-payment',
    request: () => ({
      path: `/appointments/new/group-payment?patient_id=${a.patient}&group_session_id=${b.group}`,
      htmx: true,
    }),
  },
  // Appointment actions
  {
    route: 'POST /appointments/:id/cancel',
    request: () => ({
      path: `/appointments/${a.appointment}/cancel`,
      form: { reason: 'isolation' },
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/new/course/:purchaseId',
    request: () => ({ path: `/appointments/new/course/${a.purchase}` }),
  },
  {
    route: 'POST /appointments/new/course/:purchaseId',
    request: () => ({
      path: `/appointments/new/course/${a.purchase}`,
      form: {
        service_id: b.service,
        days: '1',
        time: '09:00',
        start_date: '2026-12-01',
        count: '1',
        idempotency_key: crypto.randomUUID(),
        intent: 'book',
      },
      htmx: true,
    }),
  },
  {
    route: 'GET /appointments/:id/reschedule',
    request: () => ({ path: `/appointments/${a.appointment}/reschedule` }),
  },
  {
    route: 'GET /appointments/:id/reschedule/slots',
    request: () => ({
      path: `/appointments/${a.appointment}/reschedule/slots?provider_id=${b.provider}&date=2026-12-01&duration=45`,
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/:id/reschedule',
    request: () => ({
      path: `/appointments/${a.appointment}/reschedule`,
      form: {
        provider_id: b.provider,
        date: '2026-12-01',
        duration: '45',
        start: '2026-12-01T09:00:00+03:00',
        reason: 'isolation',
      },
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/:id/status',
    request: () => ({
      path: `/appointments/${a.appointment}/status`,
      form: { status: 'CONFIRMED' },
      htmx: true,
    }),
  },
  {
    route: 'POST /appointments/:id/revert',
    request: () => ({
      path: `/appointments/${a.appointment}/revert`,
      form: { reason: 'isolation' },
      htmx: true,
    }),
  },
  // JSON API
  {
    route: 'GET /appointments/api/packages-for-patient/',
    request: () => ({ path: `/appointments/api/packages-for-patient/?patient=${a.patient}` }),
  },
  {
    route: 'POST /appointments/api/assign-package/',
    request: () => ({
      path: '/appointments/api/assign-package/',
      json: { package_id: a.package, patient_id: a.patient },
    }),
  },
  {
    route: 'POST /appointments/api/assign-package/',
    request: () => ({
      path: '/appointments/api/assign-package/',
      json: { package_id: a.package, patient_id: b.patient },
    }),
  },
  {
    route: 'GET /appointments/api/purchases/:id/',
    request: () => ({ path: `/appointments/api/purchases/${a.purchase}/` }),
  },
  {
    route: 'POST /appointments/api/purchases/:id/payments/',
    request: () => ({
      path: `/appointments/api/purchases/${a.purchase}/payments/`,
      json: { amount: 1, method: 'CASH' },
    }),
  },
  {
    route: 'POST /appointments/api/purchases/:id/refunds/',
    as: 'ADMIN',
    request: () => ({
      path: `/appointments/api/purchases/${a.purchase}/refunds/`,
      json: { amount: 1, method: 'CASH', reason: 'Overcharged' },
    }),
  },
  {
    route: 'GET /receipts/:id',
    request: () => ({ path: `/receipts/${a.payment}` }),
  },
  // Reports take a clinic to narrow to: another centre's is not found (their own numbers
  // for B are tests/routes/reports.test.ts).
  { route: 'GET /reports', request: () => ({ path: `/reports?clinic=${a.slp}` }), as: 'ADMIN' },
  {
    route: 'GET /reports/:report',
    request: () => ({ path: `/reports/liability?clinic=${a.slp}` }),
    as: 'ADMIN',
  },
  {
    route: 'GET /reports/liability.csv',
    request: () => ({ path: `/reports/liability.csv?clinic=${a.slp}` }),
    as: 'ADMIN',
  },
  {
    route: 'GET /reports/sales.csv',
    request: () => ({ path: `/reports/sales.csv?range=this-year&clinic=${a.slp}` }),
    as: 'ADMIN',
  },
  {
    route: 'GET /reports/:report/csv',
    request: () => ({ path: `/reports/usage/csv?table=usage-by-week&clinic=${a.slp}` }),
    as: 'ADMIN',
  },
  {
    route: 'GET /appointments/api/package-clinics/',
    request: () => ({
      path: `/appointments/api/package-clinics/?package_purchase_id=${a.purchase}`,
    }),
  },
  {
    route: 'GET /appointments/api/package-clinics/',
    request: () => ({ path: `/appointments/api/package-clinics/?package_id=${a.package}` }),
  },
  {
    route: 'GET /appointments/api/providers/',
    request: () => ({ path: `/appointments/api/providers/?clinic_id=${a.slp}` }),
  },
  {
    route: 'GET /appointments/api/providers/',
    request: () => ({
      path: `/appointments/api/providers/?clinic_id=${b.clinic}&service_id=${a.speech}`,
    }),
  },
  {
    route: 'GET /appointments/api/slots/',
    request: () => ({
      path: `/appointments/api/slots/?provider_id=${a.huda}&date=2026-12-01&duration=45`,
    }),
  },
  {
    route: 'GET /appointments/api/slots/',
    request: () => ({
      path: `/appointments/api/slots/?provider_id=${b.provider}&date=2026-12-01&duration=45&patient_id=${a.patient}`,
    }),
  },
  {
    route: 'POST /appointments/api/book/',
    request: () => ({ path: '/appointments/api/book/', json: bookingJson() }),
  },
  {
    route: 'POST /appointments/api/book/',
    request: () => ({
      path: '/appointments/api/book/',
      json: { ...bookingJson(), patient_id: b.patient },
    }),
  },
  {
    route: 'POST /appointments/api/book/',
    request: () => ({
      path: '/appointments/api/book/',
      json: {
        ...bookingJson(),
        appointment_type: 'group',
        group_session_id: a.group,
        package_purchase_id: undefined,
      },
    }),
  },
  {
    route: 'POST /appointments/api/appointments/:id/cancel/',
    request: () => ({
      path: `/appointments/api/appointments/${a.appointment}/cancel/`,
      json: { reason: 'isolation' },
    }),
  },
  {
    route: 'POST /appointments/api/appointments/:id/reschedule/',
    request: () => ({
      path: `/appointments/api/appointments/${a.appointment}/reschedule/`,
      json: { start: '2026-12-01T09:00:00+03:00', reason: 'isolation' },
    }),
  },
  {
    route: 'POST /appointments/api/purchases/:id/transfer/',
    request: () => ({
      path: `/appointments/api/purchases/${a.purchase}/transfer/`,
      json: { patient_id: b.patient, reason: 'isolation', cancel_future: true },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /appointments/api/purchases/:id/cancel-remaining/',
    request: () => ({
      path: `/appointments/api/purchases/${a.purchase}/cancel-remaining/`,
      json: { reason: 'isolation' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /appointments/api/purchases/:id/reschedule/',
    request: () => ({
      path: `/appointments/api/purchases/${a.purchase}/reschedule/`,
      json: { offset_days: 7, reason: 'isolation' },
    }),
  },
  {
    route: 'POST /appointments/api/series/',
    request: () => ({
      path: '/appointments/api/series/',
      json: {
        package_purchase_id: a.purchase,
        clinic_id: b.clinic,
        duration_minutes: 45,
        sessions: [{ provider_id: b.provider, start: '2026-12-01T09:00:00+03:00' }],
      },
    }),
  },
  // Patients: editing and the ADMIN's package operations
  {
    route: 'GET /patients/:id/edit',
    request: () => ({ path: `/patients/${a.patient}/edit` }),
  },
  {
    route: 'POST /patients/:id/edit',
    request: () => ({ path: `/patients/${a.patient}/edit`, form: patientEdit }),
  },
  {
    route: 'POST /patients/:id/edit',
    // refused by the form's validation: the page shown again would be A's patient
    request: () => ({ path: `/patients/${a.patient}/edit`, form: { ...patientEdit, mrn: '' } }),
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/extend',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/extend`,
      form: { days: '30', reason: 'isolation' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/extend',
    request: () => ({
      path: `/patients/${b.patient}/packages/${a.purchase}/extend`,
      form: { days: '30', reason: 'isolation' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/extend',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/extend`,
      form: { days: '', reason: '' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/payments',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/payments`,
      form: { amount: '1', method: 'CASH', idempotency_key: KEY },
    }),
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/payments',
    request: () => ({
      path: `/patients/${b.patient}/packages/${a.purchase}/payments`,
      form: { amount: '1', method: 'CASH', idempotency_key: KEY },
    }),
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/payments',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/payments`,
      form: { amount: '-1', method: 'CASH', idempotency_key: KEY },
    }),
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/refunds',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/refunds`,
      form: { amount: '1', method: 'CASH', reason: 'isolation', idempotency_key: KEY },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/refunds',
    request: () => ({
      path: `/patients/${b.patient}/packages/${a.purchase}/refunds`,
      form: { amount: '1', method: 'CASH', reason: 'isolation', idempotency_key: KEY },
    }),
    as: 'ADMIN',
  },
  {
    route: 'GET /patients/:id/packages/:purchaseId/recipients',
    request: () => ({ path: `/patients/${a.patient}/packages/${a.purchase}/recipients?q=Ahmed` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/transfer',
    request: () => ({
      path: `/patients/${b.patient}/packages/${a.purchase}/transfer`,
      form: { patient_id: b.patient, reason: 'isolation' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/cancel-remaining',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/cancel-remaining`,
      form: { reason: 'isolation' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /patients/:id/packages/:purchaseId/reschedule',
    request: () => ({
      path: `/patients/${a.patient}/packages/${a.purchase}/reschedule`,
      form: { offset_days: '7', reason: 'isolation' },
    }),
  },
  // Administration: clinics
  {
    route: 'GET /admin/clinics/:id/edit',
    request: () => ({ path: `/admin/clinics/${a.slp}/edit` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/clinics/:id',
    request: () => ({ path: `/admin/clinics/${a.slp}`, form: clinicForm }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/clinics/:id',
    request: () => ({ path: `/admin/clinics/${a.slp}`, form: { ...clinicForm, name_en: '' } }),
    as: 'ADMIN',
  },
  // Group sessions
  {
    route: 'GET /admin/group-sessions/providers',
    request: () => ({ path: `/admin/group-sessions/providers?service_id=${a.speech}`, htmx: true }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/group-sessions',
    request: () => ({
      path: '/admin/group-sessions',
      form: { ...groupForm(b.provider), service_id: a.speech, form_token: KEY_UUID },
    }),
    as: 'ADMIN',
    refused: chooseService,
  },
  {
    route: 'POST /admin/group-sessions',
    request: () => ({
      path: '/admin/group-sessions',
      form: { ...groupForm(a.huda), service_id: b.service, form_token: KEY_UUID },
    }),
    as: 'ADMIN',
    refused: chooseGroupProvider,
  },
  {
    route: 'GET /admin/group-sessions/:id/edit',
    request: () => ({ path: `/admin/group-sessions/${a.group}/edit` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/group-sessions/:id',
    request: () => ({ path: `/admin/group-sessions/${a.group}`, form: groupForm(b.provider) }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/group-sessions/:id',
    request: () => ({
      path: `/admin/group-sessions/${a.group}`,
      form: { ...groupForm(b.provider), capacity: '0' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/group-sessions/:id',
    request: () => ({ path: `/admin/group-sessions/${b.group}`, form: groupForm(a.huda) }),
    as: 'ADMIN',
    refused: chooseGroupProvider,
  },
  {
    route: 'GET /admin/group-sessions/:id/cancel',
    request: () => ({ path: `/admin/group-sessions/${a.group}/cancel` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/group-sessions/:id/cancel',
    request: () => ({
      path: `/admin/group-sessions/${a.group}/cancel`,
      form: { reason: 'isolation' },
    }),
    as: 'ADMIN',
  },
  // Services
  {
    route: 'GET /admin/services/new',
    request: () => ({ path: `/admin/services/new?clinic_id=${a.slp}` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/services',
    request: () => ({
      path: '/admin/services',
      form: { ...serviceForm(), clinic_id: a.slp, form_token: KEY_UUID },
    }),
    as: 'ADMIN',
    refused: chooseClinic,
  },
  {
    route: 'GET /admin/services/:id/edit',
    request: () => ({ path: `/admin/services/${a.speech}/edit` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/services/:id',
    request: () => ({ path: `/admin/services/${a.speech}`, form: serviceForm() }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/services/:id',
    request: () => ({
      path: `/admin/services/${a.speech}`,
      form: { ...serviceForm(), price: 'x' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/services/:id',
    request: () => ({
      path: `/admin/services/${b.service}`,
      form: { ...serviceForm(), clinic_id: a.slp },
    }),
    as: 'ADMIN',
    refused: chooseClinic,
  },
  // Packages
  {
    route: 'POST /admin/packages',
    request: () => ({
      path: '/admin/packages',
      form: { ...packageForm(a.speech), form_token: KEY_UUID },
    }),
    as: 'ADMIN',
    refused: chooseService,
  },
  {
    route: 'GET /admin/packages/:id/edit',
    request: () => ({ path: `/admin/packages/${a.package}/edit` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/packages/:id',
    request: () => ({ path: `/admin/packages/${a.package}`, form: packageForm(b.service) }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/packages/:id',
    // "add a row" shows the form again, nothing saved: still not A's package
    request: () => ({
      path: `/admin/packages/${a.package}`,
      form: { ...packageForm(b.service), _row: 'add' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/packages/:id',
    request: () => ({
      path: `/admin/packages/${a.package}`,
      form: { ...packageForm(b.service), name_en: '' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/packages/:id',
    request: () => ({ path: `/admin/packages/${b.package}`, form: packageForm(a.speech) }),
    as: 'ADMIN',
    refused: chooseService,
  },
  // Providers, their hours and time off
  {
    route: 'POST /admin/providers',
    request: () => ({
      path: '/admin/providers',
      form: { ...providerForm({ clinic_ids: a.slp }), form_token: KEY_UUID },
    }),
    as: 'ADMIN',
    refused: chooseClinic,
  },
  {
    route: 'POST /admin/providers',
    request: () => ({
      path: '/admin/providers',
      form: { ...providerForm({ clinic_ids: b.clinic, user_id: a.user }), form_token: KEY_UUID },
    }),
    as: 'ADMIN',
    refused: chooseUser,
  },
  {
    route: 'GET /admin/providers/:id/edit',
    request: () => ({ path: `/admin/providers/${a.huda}/edit` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id',
    request: () => ({
      path: `/admin/providers/${a.huda}`,
      form: providerForm({ clinic_ids: b.clinic }),
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id',
    request: () => ({
      path: `/admin/providers/${a.huda}`,
      form: { ...providerForm({ clinic_ids: b.clinic }), name_en: '' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id',
    request: () => ({
      path: `/admin/providers/${b.provider}`,
      form: providerForm({ clinic_ids: a.slp }),
    }),
    as: 'ADMIN',
    refused: chooseClinic,
  },
  {
    route: 'POST /admin/providers/:id',
    request: () => ({
      path: `/admin/providers/${b.provider}`,
      form: providerForm({ clinic_ids: b.clinic, user_id: a.user }),
    }),
    as: 'ADMIN',
    refused: chooseUser,
  },
  {
    route: 'GET /admin/providers/:id/schedule',
    request: () => ({ path: `/admin/providers/${a.huda}/schedule` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id/schedule',
    request: () => ({
      path: `/admin/providers/${a.huda}/schedule`,
      form: { 'start_0[]': '09:00', 'end_0[]': '17:00' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'GET /admin/providers/:id/time-off',
    request: () => ({ path: `/admin/providers/${a.huda}/time-off` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id/time-off',
    request: () => ({ path: `/admin/providers/${a.huda}/time-off`, form: timeOffForm() }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id/time-off',
    request: () => ({
      path: `/admin/providers/${a.huda}/time-off`,
      form: { ...timeOffForm(), starts_at: 'soon' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id/time-off/:timeOffId/remove',
    request: () => ({
      path: `/admin/providers/${a.huda}/time-off/${a.timeOff}/remove`,
      form: {},
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/providers/:id/time-off/:timeOffId/remove',
    request: () => ({
      path: `/admin/providers/${b.provider}/time-off/${a.timeOff}/remove`,
      form: {},
    }),
    as: 'ADMIN',
  },
  // Users
  {
    route: 'GET /admin/users/:id',
    request: () => ({ path: `/admin/users/${a.user}` }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/users/:id',
    request: () => ({
      path: `/admin/users/${a.user}`,
      form: { name: 'Changed', role: 'ADMIN', locale: 'en' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/users/:id',
    request: () => ({ path: `/admin/users/${a.user}`, form: { name: '', role: 'ADMIN' } }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/users/:id/password',
    request: () => ({
      path: `/admin/users/${a.user}/password`,
      form: { password: 'a new password for A' },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/users/:id/password',
    request: () => ({ path: `/admin/users/${a.user}/password`, form: { password: 'short' } }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/users/:id/active',
    request: () => ({ path: `/admin/users/${a.user}/active`, form: { active: 'false' } }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/users/:id/unlock',
    request: () => ({ path: `/admin/users/${a.user}/unlock`, form: {} }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/messages/:id/retry',
    request: () => ({ path: `/admin/messages/${a.deadMessage}/retry`, form: {} }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/calendar-feeds',
    request: () => ({
      path: '/admin/calendar-feeds',
      form: { owner_type: 'provider', owner_id: a.huda, form_token: crypto.randomUUID() },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/calendar-feeds',
    request: () => ({
      path: '/admin/calendar-feeds',
      form: { owner_type: 'clinic', owner_id: a.slp, form_token: crypto.randomUUID() },
    }),
    as: 'ADMIN',
  },
  {
    route: 'POST /admin/calendar-feeds/:id/revoke',
    request: () => ({ path: `/admin/calendar-feeds/${a.feed}/revoke`, form: {} }),
    as: 'ADMIN',
  },
];

/** Routes that take no id of a tenant: what they show comes from the session's tenant alone. */
const WITHOUT_IDS = new Set([
  'GET /healthz', // probes: no tenant, no session (tests/routes/health.test.ts)
  'GET /readyz',
  'GET /login',
  'POST /login',
  'POST /logout',
  'POST /account/locale',
  'GET /',
  'GET /my-day', // the signed-in provider's own appointments: tests/routes/my-day.test.ts
  'GET /my-day/week',
  'GET /appointments/new/patients', // a search: see "searches" below
  'GET /appointments/new/reset',
  'GET /admin/audit', // ids there are filters: another tenant's match nothing (tests/security/audit.test.ts)
  'GET /events', // the stream carries only the session's tenant: tests/events/stream.test.ts
  'GET /account/password',
  'POST /account/password', // the signed-in user's own password
  'GET /appointments/new/patient-form', // the quick-add dialog, prefilled from a search's text
  'POST /appointments/new/register', // a new patient of the session's tenant: no id taken
  'GET /patients', // a search, like the booking page's: see "routes without ids" below
  'GET /patients/new',
  'POST /patients', // registration: no id taken
  'GET /admin/clinics',
  'GET /admin/clinics/new',
  'POST /admin/clinics', // names only
  'GET /admin/services',
  'GET /admin/group-sessions',
  'GET /admin/group-sessions/new',
  'GET /admin/packages',
  'GET /admin/packages/new',
  'GET /admin/providers',
  'GET /admin/providers/new',
  'GET /admin/users',
  'GET /admin/users/new',
  'POST /admin/users', // a new user of the session's tenant: no id taken
  'GET /admin/settings',
  'POST /admin/settings', // the session's own tenant
  'GET /admin/messages', // the session's tenant's dead letters
  'GET /admin/calendar-feeds', // the session's tenant's providers, clinics and their links
  'GET /calendar/:token{[A-Za-z0-9_-]{43}\\.ics}', // a feed's token, not an id (tests/routes/calendar-feed.test.ts)
]);

beforeAll(async () => {
  database = await createTestDatabase('demo');
  demo = await seedDemoFixture(database.db);
  a = await tenantAIds();
  b = await tenantBIds();
  clients.set('FRONT_DESK', await demo.signIn('frontdesk@other.test'));
  const otherAdmin = await createUser(database.db, demo.other, { role: 'ADMIN' });
  const admin = new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
  await admin.login(otherAdmin.email, TEST_PASSWORD);
  clients.set('ADMIN', admin);
});
afterAll(() => database.close());

/** Strings of tenant A that must never reach B. */
function leaksOfA(): string[] {
  return [
    a.patient,
    a.deadMessage,
    a.feed,
    a.purchase,
    a.payment,
    a.package,
    a.appointment,
    a.slp,
    a.huda,
    a.speech,
    a.group,
    a.timeOff,
    a.user,
    a.userEmail,
    'Tenant A Staffer',
    'Ahmed',
    'أحمد',
    'Huda',
    '>SLP Clinic<',
  ];
}

describe("tenant B's staff with tenant A's ids", () => {
  it.each(
    ROWS.map(
      (row) =>
        [
          `${row.route} ${ROWS.filter((r) => r.route === row.route).indexOf(row) + 1}`,
          row,
        ] as const,
    ),
  )('%s → 404, nothing of A shown, nothing of A changed', async (_, row) => {
    const before = await tenantChecksum(database.db, demo.demo);
    const beforeB = await tenantChecksum(database.db, demo.other);
    const { path, ...options } = row.request();
    const response = await clients.get(row.as ?? 'FRONT_DESK')!.request(path, options);
    const body = await response.text();
    expect(response.status, body.slice(0, 300)).toBe(row.refused?.status ?? 404);
    if (row.refused) expect(body).toContain(row.refused.error);
    for (const leak of leaksOfA()) expect(body).not.toContain(leak);
    expect(await tenantChecksum(database.db, demo.demo)).toEqual(before);
    // a refused form saves nothing of B either
    if (row.refused) expect(await tenantChecksum(database.db, demo.other)).toEqual(beforeB);
  });
});

/** `METHOD /path` of every handler the app registers (middleware is registered as ALL). */
function registeredRoutes(): string[] {
  const app = createApp({ db: database.db, clock: () => DEMO_NOW, bus: unwiredBus });
  const routes = app.routes.filter((route) => route.method !== 'ALL');
  return [...new Set(routes.map((route) => `${route.method} ${route.path}`))];
}

describe('the table above', () => {
  it('covers every route of the app: a new route needs a line there (or in WITHOUT_IDS)', () => {
    const covered = new Set([...ROWS.map((row) => row.route), ...WITHOUT_IDS]);
    expect(registeredRoutes().filter((route) => !covered.has(route))).toEqual([]);
  });

  it('names only routes that exist', () => {
    const registered = new Set(registeredRoutes());
    const named = [...ROWS.map((row) => row.route), ...WITHOUT_IDS];
    expect(named.filter((route) => !registered.has(route))).toEqual([]);
  });
});

describe('routes without ids', () => {
  it.each([
    '/',
    '/appointments/new',
    '/appointments/new/reset',
    '/appointments/new/patients?q=Ahmed',
    '/appointments/new/patients?q=أحمد',
    '/appointments/new/patients?q=MRN',
    '/patients',
    '/patients?q=Ahmed',
    '/patients?q=أحمد',
    '/patients?q=MRN',
  ])("%s shows tenant B's data only", async (path) => {
    const htmx = path.startsWith('/appointments/') && path.includes('?');
    const response = await clients.get('FRONT_DESK')!.request(path, { htmx });
    expect(response.status).toBe(200);
    // the search box shows back what was typed: the answer is the rest of the page
    const body = (await response.text()).replace(/<input[^>]*name="q"[^>]*>/, '');
    for (const leak of leaksOfA()) expect(body).not.toContain(leak);
  });
});

describe('administration pages without ids', () => {
  it.each([
    '/admin/clinics',
    '/admin/services',
    '/admin/services/new',
    '/admin/group-sessions',
    '/admin/group-sessions/new',
    '/admin/packages',
    '/admin/packages/new',
    '/admin/providers',
    '/admin/providers/new',
    '/admin/users',
    '/admin/users/new',
    '/admin/settings',
    '/admin/messages',
    '/admin/calendar-feeds',
    '/patients/new',
    '/account/password',
  ])("%s shows tenant B's data only", async (path) => {
    const response = await clients.get('ADMIN')!.request(path);
    expect(response.status).toBe(200);
    const body = await response.text();
    for (const leak of leaksOfA()) expect(body).not.toContain(leak);
  });
});
