import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { Conflict, NotFound } from '../domain/errors.js';
import { checkBookable } from '../domain/purchases.js';
import { changeNoticeOf, changePayload } from '../events/bus.js';
import { auditRowsFrom } from './audit.js';
import { newSessionNumbers, type NewSessionNumbers } from './session-numbers.js';
import type { Database } from './client.js';
import { prepared } from './prepared.js';
import { purchaseClinics, type ClinicOption } from './clinics.js';
import { packageQuery, type CatalogueEntry } from './packages.js';
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
  /** numeric(12,2) as text: the price snapshot, its discount, paid less refunded. */
  price: string;
  discount: string;
  amount_paid: string;
  /** Per service, where the screen shows the balance of a multi-service package. */
  split?: ServiceBalance[];
}

/** One service's use of a purchase: "SLP 2/8". */
export interface ServiceBalance {
  service_en: string;
  service_ar: string;
  specialty: string;
  clinic_ar: string;
  sessions: number;
  sessions_used: number;
}

/**
 * The purchase's use per service (of the package_purchases row in scope), as a JSON column:
 * the balance screens show it for packages of several services.
 */
export function serviceSplit(tenantId: string) {
  return sql<ServiceBalance[]>`(
    select coalesce(json_agg(json_build_object(
      'service_en', s.name_en, 'service_ar', s.name_ar, 'specialty', c.specialty,
      'clinic_ar', c.name_ar, 'sessions', ps.sessions, 'sessions_used', ps.sessions_used)
      order by c.specialty, s.name_en), '[]')
    from purchase_services ps
    join services s on s.tenant_id = ps.tenant_id and s.id = ps.service_id
    join clinics c on c.tenant_id = s.tenant_id and c.id = s.clinic_id
    where ps.tenant_id = ${tenantId} and ps.purchase_id = package_purchases.id
  )`;
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
] as const;

/**
 * A purchase's status on `today` (the tenant's date): ACTIVE past its expiry date reads
 * EXPIRED. A stored status changes only when someone writes, so every read of a purchase's
 * status is this expression (of the package_purchases row in scope), never a nightly job.
 */
export function purchaseStatus(today: string) {
  return sql<PurchaseStatus>`(case when status = 'ACTIVE' and expiry_date < ${today}::date
    then 'EXPIRED' else status end)`;
}

/** Money as text in rows and in nested JSON alike (to_json would make numerics numbers). */
const moneySql = sql.raw(
  'price::text as price, discount::text as discount, amount_paid::text as amount_paid',
);

const moneyColumns = [
  sql<string>`price::text`.as('price'),
  sql<string>`discount::text`.as('discount'),
  sql<string>`amount_paid::text`.as('amount_paid'),
] as const;

/** The summary of a purchase, its status as of `today`. */
function summaryOf(today: string) {
  return [...summaryColumns, ...moneyColumns, purchaseStatus(today).as('status')] as const;
}

/**
 * The modal's "assigned packages": purchases with sessions left that are active or expired.
 * Exhausted, cancelled and transferred ones belong to the patient's history instead.
 * A query to nest in loadPatientPackages' one statement.
 */
export function openPurchases(db: Database, tenantId: string, patientId: string, today: string) {
  return db
    .selectFrom('package_purchases')
    .select(summaryOf(today))
    .select(serviceSplit(tenantId).as('split'))
    .where('tenant_id', '=', tenantId)
    .where('patient_id', '=', patientId)
    .where('status', 'in', ['ACTIVE', 'EXPIRED'])
    .whereRef('sessions_used', '<', 'total_sessions')
    .orderBy('expiry_date')
    .orderBy('created_at');
}

export async function purchaseExists(db: Database, tenantId: string, purchaseId: string) {
  const row = await db
    .selectFrom('package_purchases')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .executeTakeFirst();
  return row !== undefined;
}

/** As a scalar subquery, to nest in a caller's statement: null when every session of 1…totalSessions is held. */
export function smallestFreeSession(
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
  /** numeric(12,2) text, at most the price (checked by the caller and the database). */
  discount?: string;
  discountReason?: string | null;
}

/**
 * Sells a package to a patient: the purchase (a snapshot of the package), its per-service
 * allotments, an audit row and the change notice. A repeated idempotency key returns the
 * purchase made the first time, even when both requests arrive at once (the unique key
 * decides).
 *
 * One statement reads the patient, the package and the purchase of the key, and writes only
 * when all is well, so the rows exist together or not at all without a transaction; the checks
 * then tell which answer to give. On the hot path round-trips cost more than the rows.
 */
export async function assignPackage(
  db: Database,
  input: AssignPackageInput,
): Promise<{ purchase: PurchaseSummary; created: boolean }> {
  const { tenantId, idempotencyKey } = input;
  const purchaseId = randomUUID();
  const [row] = await assignment(db, {
    ...input,
    purchaseId,
    discount: input.discount ?? '0',
    discountReason: input.discountReason ?? null,
    notice: changePayload({
      tenant: tenantId,
      kind: 'package.assigned',
      provider: null,
      date: null,
      patient: input.patientId,
      purchase: purchaseId,
    }),
  });
  const facts = row!;
  if (!facts.patient_found) throw new NotFound('patientNotFound');
  if (!facts.package) throw new NotFound('packageNotFound');
  if (facts.earlier) return { purchase: sameRequest(facts.earlier, input), created: false };
  if (!facts.package.active) throw new Conflict('packageNotSold');
  if (facts.purchase) return { purchase: facts.purchase, created: true };
  // A concurrent request with the same key committed first: answer with its purchase.
  const winner = await byIdempotencyKey(
    db,
    tenantId,
    idempotencyKey,
    input.today,
  ).executeTakeFirstOrThrow();
  return { purchase: sameRequest(winner, input), created: false };
}

/** The one statement of assignPackage, prepared once (its values bound per sale). */
const assignment = prepared(
  (db, input: Required<AssignPackageInput> & { purchaseId: string; notice: string }) => sql<{
    patient_found: boolean;
    package: CatalogueEntry | null;
    earlier: PurchaseSummary | null;
    purchase: PurchaseSummary | null;
    notified: void;
  }>`
    with patient as (
      select id from patients where tenant_id = ${input.tenantId} and id = ${input.patientId}
    ),
    pkg as (${packageQuery(db, input.tenantId, input.packageId)}),
    -- without a key, nothing: a null key matches no row and never conflicts
    earlier as (${byIdempotencyKey(db, input.tenantId, input.idempotencyKey, input.today)}),
    purchase as (
      insert into package_purchases (id, tenant_id, patient_id, package_id, name_en, name_ar,
        purchase_date, expiry_date, total_sessions, price, discount, discount_reason,
        assigned_by, idempotency_key)
      select ${input.purchaseId}, ${input.tenantId}, patient.id, pkg.id, pkg.name_en, pkg.name_ar,
        ${input.today}::date, ${input.today}::date + pkg.validity_days,
        (select coalesce(sum(service.sessions), 0) from json_to_recordset(pkg.services)
          as service(sessions integer)),
        pkg.price::numeric, ${input.discount}::numeric, ${input.discountReason},
        ${input.assignedBy}, ${input.idempotencyKey}
      from patient, pkg
      where pkg.active and not exists (select from earlier)
      on conflict on constraint package_purchases_idempotency_key do nothing
      returning ${sql.join(summaryColumns.map((column) => sql.ref(column)))}, ${moneySql},
        ${purchaseStatus(input.today)} as status
    ),
    allotments as (
      insert into purchase_services (tenant_id, purchase_id, service_id, sessions)
      select ${input.tenantId}, purchase.id, service.service_id, service.sessions
      from purchase, pkg,
        json_to_recordset(pkg.services) as service(service_id uuid, sessions integer)
    ),
    audit as (${auditRowsFrom(sql`purchase, pkg`, {
      tenantId: input.tenantId,
      actorId: input.assignedBy,
      action: 'package.assign',
      entity: 'package_purchase',
      entityId: sql`purchase.id`,
      after: sql`to_jsonb(purchase) || jsonb_build_object('price', pkg.price, 'services', pkg.services,
        'discount_reason', ${input.discountReason}::text)`,
      ip: input.ip,
    })})
    select exists (select from patient) as patient_found,
      (select to_json(pkg) from pkg) as package,
      (select to_json(earlier) from earlier) as earlier,
      (select to_json(purchase) from purchase) as purchase,
      (select ${changeNoticeOf(input.notice)} from purchase) as notified`,
);

function byIdempotencyKey(db: Database, tenantId: string, key: string | null, today: string) {
  return db
    .selectFrom('package_purchases')
    .select(summaryOf(today))
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key);
}

function sameRequest(earlier: PurchaseSummary, input: AssignPackageInput): PurchaseSummary {
  if (earlier.patient_id !== input.patientId || earlier.package_id !== input.packageId) {
    throw new Conflict('assignmentKeyReused');
  }
  return earlier;
}

/**
 * A purchase with the session number its next booking takes (the smallest free one, to check
 * with checkBookable) and the numbers a booking in `when.range` would take in date order.
 */
function purchaseWithNextSession(
  db: Database,
  tenantId: string,
  purchaseId: string,
  today: string,
  when: SessionTime,
) {
  return db
    .selectFrom('package_purchases')
    .select(summaryOf(today))
    .select(
      smallestFreeSession(tenantId, purchaseId, sql.ref('package_purchases.total_sessions')).as(
        'next_session',
      ),
    )
    .select(lastPaymentOf(tenantId, purchaseId).as('last_payment'))
    .select(newSessionNumbers(tenantId, purchaseId, when.range, when.now).as('numbers'))
    .select(serviceSplit(tenantId).as('split'))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId);
}

/** The receipt of a purchase's latest payment or refund, for the booking form to link to. */
export interface LastPayment {
  id: string;
  invoice_number: number;
}

/** A purchase chosen in the booking form: its summary and its latest receipt. */
export type ChosenPurchase = PurchaseSummary & { last_payment: LastPayment | null };

function lastPaymentOf(tenantId: string, purchaseId: string) {
  return sql<LastPayment | null>`(
    select json_build_object('id', id, 'invoice_number', invoice_number) from payments
    where tenant_id = ${tenantId} and purchase_id = ${purchaseId}
    order by received_at desc, invoice_number desc limit 1
  )`;
}

/** When the next session may fall (domain/slots.ts bookableRange), and now. */
export interface SessionTime {
  range: { from: Date; to: Date | null };
  now: Date;
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
  when: SessionTime,
): Promise<{ purchase: ChosenPurchase; nextSession: number; numbers: NewSessionNumbers }> {
  const row = await purchaseWithNextSession(
    db,
    tenantId,
    ids.purchaseId,
    today,
    when,
  ).executeTakeFirst();
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
  when: SessionTime,
): Promise<{
  purchase: ChosenPurchase;
  nextSession: number;
  numbers: NewSessionNumbers;
  clinics: ClinicOption[];
}> {
  const row = await purchaseWithNextSession(db, tenantId, ids.purchaseId, today, when)
    .select(jsonArrayFrom(purchaseClinics(db, tenantId, ids.purchaseId)).as('clinics'))
    .executeTakeFirst();
  const {
    purchase: { clinics, ...purchase },
    nextSession,
    numbers,
  } = bookable(row, ids.patientId, today);
  return { purchase, nextSession, numbers, clinics };
}

function bookable<
  T extends PurchaseSummary & { next_session: number | null; numbers: NewSessionNumbers },
>(
  row: T | undefined,
  patientId: string,
  today: string,
): {
  purchase: Omit<T, 'next_session' | 'numbers'>;
  nextSession: number;
  numbers: NewSessionNumbers;
} {
  const { next_session: nextSession, numbers, ...purchase } = checkBookable(row, patientId, today);
  if (nextSession === null) throw new Conflict('noSessionsLeft');
  return { purchase, nextSession, numbers };
}
