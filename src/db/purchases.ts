import { sql, type RawBuilder } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { addDays } from '../domain/dates.js';
import { Conflict, NotFound } from '../domain/errors.js';
import { checkBookable } from '../domain/purchases.js';
import { publishChange } from '../events/bus.js';
import { recordAudit } from './audit.js';
import type { Database } from './client.js';
import { purchaseClinics, type ClinicOption } from './clinics.js';
import { findPackage, totalSessions } from './packages.js';
import { findPatient } from './patients.js';
import type { PurchaseStatus } from './schema.js';

export interface PurchaseSummary {
  id: string;
  patient_id: string;
  package_id: string;
  name_en: string;
  name_ar: string;
  total_sessions: number;
  sessions_used: number;
  purchase_date: string;
  expiry_date: string;
  status: PurchaseStatus;
}

const summaryColumns = [
  'id',
  'patient_id',
  'package_id',
  'name_en',
  'name_ar',
  'total_sessions',
  'sessions_used',
  'purchase_date',
  'expiry_date',
  'status',
] as const;

/**
 * The modal's "assigned packages": purchases with sessions left that are active or expired.
 * Exhausted, cancelled and transferred ones belong to the patient's history instead.
 * A query to nest in loadPatientPackages' one statement.
 */
export function openPurchases(db: Database, tenantId: string, patientId: string) {
  return db
    .selectFrom('package_purchases')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where('patient_id', '=', patientId)
    .where('status', 'in', ['ACTIVE', 'EXPIRED'])
    .whereRef('sessions_used', '<', 'total_sessions')
    .orderBy('expiry_date')
    .orderBy('created_at');
}

export function findPurchase(
  db: Database,
  tenantId: string,
  purchaseId: string,
): Promise<PurchaseSummary | undefined> {
  return db
    .selectFrom('package_purchases')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .executeTakeFirst();
}

/** The session number the next booking takes: the smallest one no live appointment holds. */
export async function nextSessionNumber(
  db: Database,
  tenantId: string,
  purchase: { id: string; total_sessions: number },
): Promise<number | null> {
  const row = await db
    .selectNoFrom(smallestFreeSession(tenantId, purchase.id, purchase.total_sessions).as('number'))
    .executeTakeFirstOrThrow();
  return row.number;
}

/** As a scalar subquery: null when every session of 1…totalSessions is held. */
function smallestFreeSession(
  tenantId: string,
  purchaseId: string,
  totalSessions: number | RawBuilder<number>,
) {
  return sql<number | null>`(
    select min(n)::int from generate_series(1, ${totalSessions}::int) as n
    where not exists (
      select 1 from appointments
      where tenant_id = ${tenantId} and package_purchase_id = ${purchaseId}
        and session_number_in_package = n and status <> 'CANCELLED'
    )
  )`;
}

export interface AssignPackageInput {
  tenantId: string;
  patientId: string;
  packageId: string;
  assignedBy: string;
  /** Today in the tenant's time zone. */
  today: string;
  idempotencyKey: string | null;
  ip: string | null;
}

/**
 * Sells a package to a patient in one transaction: the purchase (a snapshot of the package),
 * its per-service allotments and an audit row. A repeated idempotency key returns the purchase
 * made the first time, even when both requests arrive at once (the unique key decides).
 */
export function assignPackage(
  db: Database,
  input: AssignPackageInput,
): Promise<{ purchase: PurchaseSummary; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const patient = await findPatient(trx, input.tenantId, input.patientId);
    if (!patient) throw new NotFound('Patient not found.');
    const pkg = await findPackage(trx, input.tenantId, input.packageId);
    if (!pkg) throw new NotFound('Package not found.');

    const earlier = input.idempotencyKey
      ? await findByIdempotencyKey(trx, input.tenantId, input.idempotencyKey)
      : undefined;
    if (earlier) return { purchase: sameRequest(earlier, input), created: false };
    if (!pkg.active) throw new Conflict('This package is no longer sold.');

    const inserted = await trx
      .insertInto('package_purchases')
      .values({
        tenant_id: input.tenantId,
        patient_id: patient.id,
        package_id: pkg.id,
        name_en: pkg.name_en,
        name_ar: pkg.name_ar,
        purchase_date: input.today,
        expiry_date: addDays(input.today, pkg.validity_days),
        total_sessions: totalSessions(pkg),
        price: pkg.price,
        assigned_by: input.assignedBy,
        idempotency_key: input.idempotencyKey,
      })
      .onConflict((oc) => oc.constraint('package_purchases_idempotency_key').doNothing())
      .returning(summaryColumns)
      .executeTakeFirst();
    if (!inserted) {
      // A concurrent request with the same key committed first: answer with its purchase.
      const winner = await findByIdempotencyKey(trx, input.tenantId, input.idempotencyKey!);
      return { purchase: sameRequest(winner!, input), created: false };
    }

    await trx
      .insertInto('purchase_services')
      .values(
        pkg.services.map((service) => ({
          tenant_id: input.tenantId,
          purchase_id: inserted.id,
          service_id: service.service_id,
          sessions: service.sessions,
        })),
      )
      .execute();
    await recordAudit(trx, {
      tenantId: input.tenantId,
      actorId: input.assignedBy,
      action: 'package.assign',
      entity: 'package_purchase',
      entityId: inserted.id,
      after: { ...inserted, price: pkg.price, services: pkg.services },
      ip: input.ip,
    });
    await publishChange(trx, {
      tenant: input.tenantId,
      kind: 'package.assigned',
      provider: null,
      date: null,
      patient: inserted.patient_id,
      purchase: inserted.id,
    });
    return { purchase: inserted, created: true };
  });
}

function findByIdempotencyKey(db: Database, tenantId: string, key: string) {
  return db
    .selectFrom('package_purchases')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

function sameRequest(earlier: PurchaseSummary, input: AssignPackageInput): PurchaseSummary {
  if (earlier.patient_id !== input.patientId || earlier.package_id !== input.packageId) {
    throw new Conflict('This request key was already used for another assignment.');
  }
  return earlier;
}

/** A purchase with the session number its next booking takes, to check with checkBookable. */
function purchaseWithNextSession(db: Database, tenantId: string, purchaseId: string) {
  return db
    .selectFrom('package_purchases')
    .select(summaryColumns)
    .select(
      smallestFreeSession(tenantId, purchaseId, sql.ref('package_purchases.total_sessions')).as(
        'next_session',
      ),
    )
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId);
}

/**
 * A purchase the desk may book on now: this tenant's, this patient's (else 404, as if it did
 * not exist), active, not expired, with sessions left (else 409 with the reason). One
 * statement, the next session number included.
 */
export async function findBookablePurchase(
  db: Database,
  tenantId: string,
  ids: { purchaseId: string; patientId: string },
  today: string,
): Promise<{ purchase: PurchaseSummary; nextSession: number }> {
  const row = await purchaseWithNextSession(db, tenantId, ids.purchaseId).executeTakeFirst();
  return bookable(row, ids.patientId, today);
}

/**
 * findBookablePurchase with the clinics the purchase can still be booked in, in the same
 * statement: the booking form's choice of a package.
 */
export async function findBookablePurchaseWithClinics(
  db: Database,
  tenantId: string,
  ids: { purchaseId: string; patientId: string },
  today: string,
): Promise<{ purchase: PurchaseSummary; nextSession: number; clinics: ClinicOption[] }> {
  const row = await purchaseWithNextSession(db, tenantId, ids.purchaseId)
    .select(jsonArrayFrom(purchaseClinics(db, tenantId, ids.purchaseId)).as('clinics'))
    .executeTakeFirst();
  const {
    purchase: { clinics, ...purchase },
    nextSession,
  } = bookable(row, ids.patientId, today);
  return { purchase, nextSession, clinics };
}

function bookable<T extends PurchaseSummary & { next_session: number | null }>(
  row: T | undefined,
  patientId: string,
  today: string,
): { purchase: Omit<T, 'next_session'>; nextSession: number } {
  const { next_session: nextSession, ...purchase } = checkBookable(row, patientId, today);
  if (nextSession === null) throw new Conflict('No sessions are left on this package.');
  return { purchase, nextSession };
}
