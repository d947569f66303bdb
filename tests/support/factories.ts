import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import { hashPassword } from '../../src/auth/password.js';
import type { Database } from '../../src/db/client.js';
import type {
  AppointmentsTable,
  ClinicsTable,
  GroupSessionsTable,
  PackagePurchasesTable,
  PackagesTable,
  PatientsTable,
  ProvidersTable,
  ProviderTimeOffTable,
  Role,
  ServicesTable,
} from '../../src/db/schema.js';

/** Rows for tests: each returns what it inserted; every default can be overridden. */

export const TEST_PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function createTenant(
  db: Database,
  values: Partial<{
    name: string;
    timezone: string;
    currency: string;
    cancellation_window_hours: number;
  }> = {},
) {
  return db
    .insertInto('tenants')
    .values({ name: unique('Centre'), timezone: 'Asia/Riyadh', currency: 'SAR', ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function createUser(
  db: Database,
  tenantId: string,
  values: Partial<{
    email: string;
    name: string;
    role: Role;
    active: boolean;
    locale: 'en' | 'ar';
  }> = {},
) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return db
    .insertInto('users')
    .values({
      tenant_id: tenantId,
      email: `${unique('user')}@test.example`,
      name: 'Test User',
      role: 'FRONT_DESK',
      password_hash: await passwordHash,
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/* ---------------------------------------------------------------- catalogue & people -- */

/** Column values a test may override; `tenant_id` and the linked ids come as arguments. */
type Overrides<Table> = Partial<Insertable<Table>>;

/** Anything with an id: a row returned by another factory, or `{ id }`. */
interface Ref {
  id: string;
}

export function createClinic(db: Database, tenantId: string, values: Overrides<ClinicsTable> = {}) {
  return db
    .insertInto('clinics')
    .values({
      tenant_id: tenantId,
      name_en: unique('Clinic'),
      name_ar: 'عيادة',
      specialty: 'Speech therapy',
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function createService(
  db: Database,
  tenantId: string,
  clinicId: string,
  values: Overrides<ServicesTable> = {},
) {
  return db
    .insertInto('services')
    .values({
      tenant_id: tenantId,
      clinic_id: clinicId,
      name_en: unique('Service'),
      name_ar: 'خدمة',
      default_duration_minutes: 45,
      price: '300.00',
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A provider, working at each of `clinicIds` (rows of provider_clinics). */
export async function createProvider(
  db: Database,
  tenantId: string,
  clinicIds: string[] = [],
  values: Overrides<ProvidersTable> = {},
) {
  const provider = await db
    .insertInto('providers')
    .values({ tenant_id: tenantId, name_en: unique('Provider'), name_ar: 'أخصائي', ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (clinicIds.length > 0) {
    await db
      .insertInto('provider_clinics')
      .values(
        clinicIds.map((clinicId) => ({
          tenant_id: tenantId,
          provider_id: provider.id,
          clinic_id: clinicId,
        })),
      )
      .execute();
  }
  return provider;
}

/** A provider's time off: by default tomorrow 09:00–17:00 (UTC). */
export function createTimeOff(
  db: Database,
  tenantId: string,
  providerId: string,
  values: Overrides<ProviderTimeOffTable> = {},
) {
  const starts = tomorrowAt9();
  return db
    .insertInto('provider_time_off')
    .values({
      tenant_id: tenantId,
      provider_id: providerId,
      starts_at: starts,
      ends_at: new Date(starts.getTime() + 8 * 3_600_000),
      reason: 'Leave',
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function createPatient(
  db: Database,
  tenantId: string,
  values: Overrides<PatientsTable> = {},
) {
  return db
    .insertInto('patients')
    .values({
      tenant_id: tenantId,
      mrn: unique('MRN'),
      name_en: 'Test Patient',
      name_ar: 'مريض تجريبي',
      phone: '+966500000000',
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/* ------------------------------------------------------------- packages & purchases -- */

export interface PackageServiceSpec {
  serviceId: string;
  sessions: number;
}

/** A package with its package_services rows (returned as `services`). */
export async function createPackage(
  db: Database,
  tenantId: string,
  services: PackageServiceSpec[],
  values: Overrides<PackagesTable> = {},
) {
  const pkg = await db
    .insertInto('packages')
    .values({
      tenant_id: tenantId,
      name_en: unique('Package'),
      name_ar: 'باقة',
      price: '5000.00',
      validity_days: 90,
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const rows =
    services.length === 0
      ? []
      : await db
          .insertInto('package_services')
          .values(
            services.map(({ serviceId, sessions }) => ({
              tenant_id: tenantId,
              package_id: pkg.id,
              service_id: serviceId,
              sessions,
            })),
          )
          .returningAll()
          .execute();
  return { ...pkg, services: rows };
}

export type PackageWithServices = Awaited<ReturnType<typeof createPackage>>;

/** 'YYYY-MM-DD' of today (UTC) plus `days`. */
export function isoDate(days = 0): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A purchase of `pkg` by a patient, snapshotting the package (names, price, total sessions)
 * and its per-service allotments (purchase_services), as the booking desk does. Defaults:
 * bought today, expiring after the package's validity, ACTIVE, nothing used, no key.
 */
export async function createPurchase(
  db: Database,
  pkg: PackageWithServices,
  patientId: string,
  assignedBy: string,
  values: Overrides<PackagePurchasesTable> = {},
) {
  const purchase = await db
    .insertInto('package_purchases')
    .values({
      tenant_id: pkg.tenant_id,
      patient_id: patientId,
      package_id: pkg.id,
      name_en: pkg.name_en,
      name_ar: pkg.name_ar,
      price: pkg.price,
      total_sessions: pkg.services.reduce((sum, service) => sum + service.sessions, 0),
      purchase_date: isoDate(),
      expiry_date: isoDate(pkg.validity_days),
      assigned_by: assignedBy,
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const services =
    pkg.services.length === 0
      ? []
      : await db
          .insertInto('purchase_services')
          .values(
            pkg.services.map((service) => ({
              tenant_id: pkg.tenant_id,
              purchase_id: purchase.id,
              service_id: service.service_id,
              sessions: service.sessions,
            })),
          )
          .returningAll()
          .execute();
  return { ...purchase, services };
}

/* ------------------------------------------------------------ sessions & appointments -- */

/** Tomorrow (UTC) at 09:00, the default start of appointments and group sessions. */
export function tomorrowAt9(): Date {
  const start = new Date(Date.now() + 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  return start;
}

export const SLOT_MINUTES = 45;

/** `starts_at`/`ends_at` of a slot: by default tomorrow 09:00 for 45 minutes (UTC). */
function slot(values: { starts_at?: Date | string; ends_at?: Date | string }) {
  const startsAt = values.starts_at ?? tomorrowAt9();
  const endsAt = values.ends_at ?? new Date(new Date(startsAt).getTime() + SLOT_MINUTES * 60_000);
  return { starts_at: startsAt, ends_at: endsAt };
}

export interface GroupSessionRefs {
  tenant: Ref;
  clinic: Ref;
  service: Ref;
  provider: Ref;
}

export function createGroupSession(
  db: Database,
  refs: GroupSessionRefs,
  values: Overrides<GroupSessionsTable> = {},
) {
  return db
    .insertInto('group_sessions')
    .values({
      tenant_id: refs.tenant.id,
      clinic_id: refs.clinic.id,
      service_id: refs.service.id,
      provider_id: refs.provider.id,
      capacity: 6,
      ...values,
      ...slot(values),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Who and what an appointment is for; `user` is who booked it. A `Catalogue` fits. */
export interface AppointmentRefs extends GroupSessionRefs {
  patient: Ref;
  user: Ref;
}

/**
 * An appointment: by default a SINGLE, BOOKED, 45-minute one tomorrow at 09:00 (UTC).
 * Given only `starts_at`, it still lasts 45 minutes. Package and group links (with `kind`)
 * come through `values`.
 */
export function createAppointment(
  db: Database,
  refs: AppointmentRefs,
  values: Overrides<AppointmentsTable> = {},
) {
  return db
    .insertInto('appointments')
    .values({
      tenant_id: refs.tenant.id,
      patient_id: refs.patient.id,
      provider_id: refs.provider.id,
      clinic_id: refs.clinic.id,
      service_id: refs.service.id,
      booked_by: refs.user.id,
      kind: 'SINGLE',
      status: 'BOOKED',
      ...values,
      ...slot(values),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/* ------------------------------------------------------------------------ catalogue -- */

/**
 * A tenant with one of everything needed to book: a front-desk user, a clinic, a service of
 * that clinic, a provider working there and a patient.
 */
export async function createCatalogue(db: Database) {
  const tenant = await createTenant(db);
  const user = await createUser(db, tenant.id);
  const clinic = await createClinic(db, tenant.id);
  const service = await createService(db, tenant.id, clinic.id);
  const provider = await createProvider(db, tenant.id, [clinic.id]);
  const patient = await createPatient(db, tenant.id);
  return { tenant, user, clinic, service, provider, patient };
}

export type Catalogue = Awaited<ReturnType<typeof createCatalogue>>;
