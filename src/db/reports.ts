import { sql, type RawBuilder } from 'kysely';
import type { Bucket, DateRange } from '../domain/report-ranges.js';
import { toHalalas } from '../domain/money.js';
import type { Database } from './client.js';

/**
 * The analytics of SPEC §2 and §7 "Reports": read-only aggregates, each one statement scoped by
 * tenant, reading committed rows without taking a lock (plain selects never block the booking
 * path). Money leaves here as integer halalas, computed by PostgreSQL's `numeric` (never a float);
 * a purchase's unit price and liability are rounded once per purchase, so every total is the sum
 * of its rows.
 */

export interface ReportScope {
  tenantId: string;
  /** Only what touches this clinic (a purchase: one of its services is there). */
  clinicId?: string | undefined;
}

/** Names in both languages; the view picks the reader's. */
export interface Named {
  name_en: string;
  name_ar: string | null;
}

export interface MoneyTotals {
  sold: number;
  gross: number;
  discounts: number;
  net: number;
  collected: number;
}

/** An appointment that counts against its package (SPEC §2: a late cancel or no-show is used). */
const CONSUMING = sql`status <> 'CANCELLED'`;
/** An appointment that holds its provider's time. */
const HOLDS_TIME = sql`status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED', 'NO_SHOW')`;

/** The Sunday that starts the week of a date (the centres' working week runs Sunday–Thursday). */
function weekOf(date: RawBuilder<unknown>) {
  return sql<string>`(${date} - extract(dow from ${date})::int)`;
}

function bucketOf(date: RawBuilder<unknown>, bucket: Bucket) {
  if (bucket === 'day') return sql<string>`${date}`;
  if (bucket === 'week') return weekOf(date);
  return sql<string>`date_trunc('month', ${date})::date`;
}

/** `purchase` (an alias of package_purchases) has a service at the scope's clinic. */
function purchaseInClinic(scope: ReportScope, purchase: string) {
  if (!scope.clinicId) return sql``;
  return sql`and exists (
    select 1 from purchase_services ps
    join services s on s.tenant_id = ps.tenant_id and s.id = ps.service_id
    where ps.tenant_id = ${sql.ref(`${purchase}.tenant_id`)}
      and ps.purchase_id = ${sql.ref(`${purchase}.id`)} and s.clinic_id = ${scope.clinicId})`;
}

const money = (value: string | null) => (value === null ? 0 : toHalalas(value));

type MoneyText = Record<keyof Omit<MoneyTotals, 'sold'>, string | null> & { sold: number };

function moneyTotals(row: MoneyText): MoneyTotals {
  return {
    sold: Number(row.sold),
    gross: money(row.gross),
    discounts: money(row.discounts),
    net: money(row.net),
    collected: money(row.collected),
  };
}

/** Sums of sold purchases (transfers are not sales), as numeric(14,2) text. */
const SALE_SUMS = sql`count(*)::int as sold,
  sum(pp.price)::numeric(14, 2) as gross,
  sum(pp.discount)::numeric(14, 2) as discounts,
  sum(pp.price - pp.discount)::numeric(14, 2) as net,
  sum(pp.amount_paid)::numeric(14, 2) as collected`;

export interface PackageSales extends MoneyTotals, Named {
  package_id: string;
}

/**
 * Packages sold in the range (by purchase date), one row per package: count, gross (price),
 * discounts, net and collected (paid less refunded, as of now).
 */
export async function salesByPackage(
  db: Database,
  scope: ReportScope,
  range: DateRange,
): Promise<PackageSales[]> {
  const { rows } = await sql<MoneyText & Named & { package_id: string }>`
    select pp.package_id, p.name_en, p.name_ar, ${SALE_SUMS}
    from package_purchases pp
    join packages p on p.tenant_id = pp.tenant_id and p.id = pp.package_id
    where pp.tenant_id = ${scope.tenantId}
      and pp.purchase_date between ${range.from}::date and ${range.to}::date
      and pp.transferred_from is null ${purchaseInClinic(scope, 'pp')}
    group by pp.package_id, p.name_en, p.name_ar
    order by sum(pp.price - pp.discount) desc, p.name_en, pp.package_id`.execute(db);
  return rows.map((row) => ({
    package_id: row.package_id,
    name_en: row.name_en,
    name_ar: row.name_ar,
    ...moneyTotals(row),
  }));
}

export interface ClinicSales extends MoneyTotals, Named {
  clinic_id: string;
}

/**
 * The same sales by clinic: a package's money is shared between its clinics by their share of
 * its sessions (rounded per clinic), and `sold` counts the purchases that include the clinic.
 */
export async function salesByClinic(
  db: Database,
  scope: ReportScope,
  range: DateRange,
): Promise<ClinicSales[]> {
  const share = (column: string) =>
    sql`round(sum(${sql.ref(`pp.${column}`)} * ps.sessions / pp.total_sessions), 2)::numeric(14, 2)`;
  const { rows } = await sql<MoneyText & Named & { clinic_id: string }>`
    select c.id as clinic_id, c.name_en, c.name_ar,
      count(distinct pp.id)::int as sold,
      ${share('price')} as gross,
      ${share('discount')} as discounts,
      round(sum((pp.price - pp.discount) * ps.sessions / pp.total_sessions), 2)::numeric(14, 2)
        as net,
      ${share('amount_paid')} as collected
    from package_purchases pp
    join purchase_services ps on ps.tenant_id = pp.tenant_id and ps.purchase_id = pp.id
    join services s on s.tenant_id = ps.tenant_id and s.id = ps.service_id
    join clinics c on c.tenant_id = s.tenant_id and c.id = s.clinic_id
    where pp.tenant_id = ${scope.tenantId}
      and pp.purchase_date between ${range.from}::date and ${range.to}::date
      and pp.transferred_from is null
      ${scope.clinicId ? sql`and c.id = ${scope.clinicId}` : sql``}
    group by c.id, c.name_en, c.name_ar
    order by c.name_en, c.id`.execute(db);
  return rows.map((row) => ({
    clinic_id: row.clinic_id,
    name_en: row.name_en,
    name_ar: row.name_ar,
    ...moneyTotals(row),
  }));
}

export interface SalesPeriod extends MoneyTotals {
  /** The first day of the day, week (Sunday) or month. */
  period: string;
}

/** Sales by day, week or month of purchase date. */
export async function salesOverTime(
  db: Database,
  scope: ReportScope,
  range: DateRange,
  bucket: Bucket,
): Promise<SalesPeriod[]> {
  const period = bucketOf(sql`pp.purchase_date`, bucket);
  const { rows } = await sql<MoneyText & { period: string }>`
    select ${period} as period, ${SALE_SUMS}
    from package_purchases pp
    where pp.tenant_id = ${scope.tenantId}
      and pp.purchase_date between ${range.from}::date and ${range.to}::date
      and pp.transferred_from is null ${purchaseInClinic(scope, 'pp')}
    group by 1 order by 1`.execute(db);
  return rows.map((row) => ({ period: row.period, ...moneyTotals(row) }));
}

/** An ACTIVE purchase not yet expired on `today` (the tenant's date): what the centre owes. */
function owed(today: string, purchase = 'pp') {
  return sql`${sql.ref(`${purchase}.status`)} = 'ACTIVE'
    and ${sql.ref(`${purchase}.expiry_date`)} >= ${today}::date`;
}

/** A purchase's unit price, (price − discount) / total sessions, rounded to the halala. */
const UNIT_PRICE = sql`round((pp.price - pp.discount) / pp.total_sessions, 2)`;
/** Its liability: remaining sessions × unit price. */
const LIABILITY = sql`(${UNIT_PRICE} * (pp.total_sessions - pp.sessions_used))`;

export interface LiabilityRow {
  purchase_id: string;
  patient_id: string;
  patient_mrn: string;
  patient: Named;
  package: Named;
  purchase_date: string;
  expiry_date: string;
  total_sessions: number;
  sessions_used: number;
  sessions_remaining: number;
  unit_price: number;
  liability: number;
  amount_paid: number;
  balance_due: number;
}

/** One row per ACTIVE purchase not yet expired (SPEC §7 liability.csv), earliest expiry first. */
export async function liabilityRows(
  db: Database,
  scope: ReportScope,
  today: string,
): Promise<LiabilityRow[]> {
  const { rows } = await sql<{
    purchase_id: string;
    patient_id: string;
    mrn: string;
    patient_en: string;
    patient_ar: string | null;
    package_en: string;
    package_ar: string;
    purchase_date: string;
    expiry_date: string;
    total_sessions: number;
    sessions_used: number;
    unit_price: string;
    liability: string;
    amount_paid: string;
    balance_due: string;
  }>`
    select pp.id as purchase_id, pa.id as patient_id, pa.mrn,
      pa.name_en as patient_en, pa.name_ar as patient_ar,
      pp.name_en as package_en, pp.name_ar as package_ar,
      pp.purchase_date, pp.expiry_date, pp.total_sessions, pp.sessions_used,
      ${UNIT_PRICE}::numeric(14, 2) as unit_price,
      ${LIABILITY}::numeric(14, 2) as liability,
      pp.amount_paid,
      (pp.price - pp.discount - pp.amount_paid)::numeric(14, 2) as balance_due
    from package_purchases pp
    join patients pa on pa.tenant_id = pp.tenant_id and pa.id = pp.patient_id
    where pp.tenant_id = ${scope.tenantId} and ${owed(today)} ${purchaseInClinic(scope, 'pp')}
    order by pp.expiry_date, pa.mrn, pp.id`.execute(db);
  return rows.map((row) => ({
    purchase_id: row.purchase_id,
    patient_id: row.patient_id,
    patient_mrn: row.mrn,
    patient: { name_en: row.patient_en, name_ar: row.patient_ar },
    package: { name_en: row.package_en, name_ar: row.package_ar },
    purchase_date: row.purchase_date,
    expiry_date: row.expiry_date,
    total_sessions: row.total_sessions,
    sessions_used: row.sessions_used,
    sessions_remaining: row.total_sessions - row.sessions_used,
    unit_price: money(row.unit_price),
    liability: money(row.liability),
    amount_paid: money(row.amount_paid),
    balance_due: money(row.balance_due),
  }));
}

export interface LiabilityGroup extends Named {
  id: string;
  purchases: number;
  sessions_remaining: number;
  liability: number;
}

type GroupText = Named & {
  id: string;
  purchases: number;
  sessions_remaining: number;
  liability: string | null;
};

const liabilityGroup = (row: GroupText): LiabilityGroup => ({
  id: row.id,
  name_en: row.name_en,
  name_ar: row.name_ar,
  purchases: Number(row.purchases),
  sessions_remaining: Number(row.sessions_remaining),
  liability: money(row.liability),
});

/** Liability now per package: the sum of its purchases' rows. */
export async function liabilityByPackage(db: Database, scope: ReportScope, today: string) {
  const { rows } = await sql<GroupText>`
    select p.id, p.name_en, p.name_ar, count(*)::int as purchases,
      sum(pp.total_sessions - pp.sessions_used)::int as sessions_remaining,
      sum(${LIABILITY})::numeric(14, 2) as liability
    from package_purchases pp
    join packages p on p.tenant_id = pp.tenant_id and p.id = pp.package_id
    where pp.tenant_id = ${scope.tenantId} and ${owed(today)} ${purchaseInClinic(scope, 'pp')}
    group by p.id, p.name_en, p.name_ar
    order by sum(${LIABILITY}) desc, p.name_en, p.id`.execute(db);
  return rows.map(liabilityGroup);
}

/**
 * Liability now per clinic: each service's remaining sessions × its purchase's unit price, so a
 * package spanning clinics owes each clinic its own sessions.
 */
export async function liabilityByClinic(db: Database, scope: ReportScope, today: string) {
  const { rows } = await sql<GroupText>`
    select c.id, c.name_en, c.name_ar, count(distinct pp.id)::int as purchases,
      sum(ps.sessions - ps.sessions_used)::int as sessions_remaining,
      sum(${UNIT_PRICE} * (ps.sessions - ps.sessions_used))::numeric(14, 2) as liability
    from package_purchases pp
    join purchase_services ps on ps.tenant_id = pp.tenant_id and ps.purchase_id = pp.id
    join services s on s.tenant_id = ps.tenant_id and s.id = ps.service_id
    join clinics c on c.tenant_id = s.tenant_id and c.id = s.clinic_id
    where pp.tenant_id = ${scope.tenantId} and ${owed(today)}
      and ps.sessions > ps.sessions_used
      ${scope.clinicId ? sql`and c.id = ${scope.clinicId}` : sql``}
    group by c.id, c.name_en, c.name_ar
    order by c.name_en, c.id`.execute(db);
  return rows.map(liabilityGroup);
}

export interface ExpiringPurchase {
  purchase_id: string;
  patient_id: string;
  patient_mrn: string;
  patient: Named;
  package: Named;
  sessions_remaining: number;
  expiry_date: string;
}

/** ACTIVE purchases with sessions left that expire from `today` to `until`, soonest first. */
export async function expiringPurchases(
  db: Database,
  scope: ReportScope,
  today: string,
  until: string,
  limit: number,
): Promise<ExpiringPurchase[]> {
  const { rows } = await sql<{
    purchase_id: string;
    patient_id: string;
    mrn: string;
    patient_en: string;
    patient_ar: string | null;
    package_en: string;
    package_ar: string;
    sessions_remaining: number;
    expiry_date: string;
  }>`
    select pp.id as purchase_id, pa.id as patient_id, pa.mrn,
      pa.name_en as patient_en, pa.name_ar as patient_ar,
      pp.name_en as package_en, pp.name_ar as package_ar,
      pp.total_sessions - pp.sessions_used as sessions_remaining, pp.expiry_date
    from package_purchases pp
    join patients pa on pa.tenant_id = pp.tenant_id and pa.id = pp.patient_id
    where pp.tenant_id = ${scope.tenantId} and pp.status = 'ACTIVE'
      and pp.expiry_date between ${today}::date and ${until}::date
      and pp.sessions_used < pp.total_sessions ${purchaseInClinic(scope, 'pp')}
    order by pp.expiry_date, pa.mrn, pp.id
    limit ${limit}`.execute(db);
  return rows.map((row) => ({
    purchase_id: row.purchase_id,
    patient_id: row.patient_id,
    patient_mrn: row.mrn,
    patient: { name_en: row.patient_en, name_ar: row.patient_ar },
    package: { name_en: row.package_en, name_ar: row.package_ar },
    sessions_remaining: Number(row.sessions_remaining),
    expiry_date: row.expiry_date,
  }));
}

export interface PackageCompletion extends Named {
  package_id: string;
  purchases: number;
  completed: number;
  expired_unused: number;
  /** Days from purchase to the last session, averaged over the completed ones; null if none. */
  average_days_to_complete: number | null;
}

/**
 * Of the purchases sold in the range (transfers excluded), per package: how many were completed
 * (every session used, the last one already begun at `now`), how many expired with sessions
 * left, and how long completion took (purchase date to the last session's local date).
 */
export async function completionByPackage(
  db: Database,
  scope: ReportScope,
  range: DateRange,
  today: string,
  now: Date,
  timezone: string,
): Promise<PackageCompletion[]> {
  const { rows } = await sql<
    Named & {
      package_id: string;
      purchases: number;
      completed: number;
      expired_unused: number;
      average_days: string | null;
    }
  >`
    with cohort as (
      select pp.id, pp.package_id, pp.purchase_date, pp.status, pp.expiry_date,
        pp.sessions_used, pp.total_sessions,
        (select max(a.starts_at) from appointments a
          where a.tenant_id = pp.tenant_id and a.package_purchase_id = pp.id
            and a.${CONSUMING}) as last_session
      from package_purchases pp
      where pp.tenant_id = ${scope.tenantId}
        and pp.purchase_date between ${range.from}::date and ${range.to}::date
        and pp.transferred_from is null ${purchaseInClinic(scope, 'pp')}
    ), judged as (
      select *,
        (sessions_used = total_sessions and status in ('ACTIVE', 'COMPLETED')
          and last_session <= ${now}) as is_completed,
        (sessions_used < total_sessions and (status = 'EXPIRED'
          or (status = 'ACTIVE' and expiry_date < ${today}::date))) as is_expired_unused
      from cohort
    )
    select j.package_id, p.name_en, p.name_ar, count(*)::int as purchases,
      count(*) filter (where is_completed)::int as completed,
      count(*) filter (where is_expired_unused)::int as expired_unused,
      avg(((last_session at time zone ${timezone})::date - purchase_date))
        filter (where is_completed)::numeric(10, 1) as average_days
    from judged j
    join packages p on p.tenant_id = ${scope.tenantId} and p.id = j.package_id
    group by j.package_id, p.name_en, p.name_ar
    order by p.name_en, j.package_id`.execute(db);
  return rows.map((row) => ({
    package_id: row.package_id,
    name_en: row.name_en,
    name_ar: row.name_ar,
    purchases: Number(row.purchases),
    completed: Number(row.completed),
    expired_unused: Number(row.expired_unused),
    average_days_to_complete: row.average_days === null ? null : Number(row.average_days),
  }));
}

export interface WeeklyClinicCount extends Named {
  week: string;
  clinic_id: string;
  sessions: number;
}

/** Appointments in the instants [start, end) of a range. */
interface Window {
  start: Date;
  end: Date;
}

/** Package sessions that count against their package, per week (tenant-local) and clinic. */
export async function usageByWeek(
  db: Database,
  scope: ReportScope,
  window: Window,
  timezone: string,
): Promise<WeeklyClinicCount[]> {
  const week = weekOf(sql`(a.starts_at at time zone ${timezone})::date`);
  // Counted first, named after: the names join a few dozen groups, not every appointment.
  const { rows } = await sql<Named & { week: string; clinic_id: string; sessions: number }>`
    select u.week, c.id as clinic_id, c.name_en, c.name_ar, u.sessions
    from (
      select ${week} as week, a.clinic_id, count(*)::int as sessions
      from appointments a
      where a.tenant_id = ${scope.tenantId}
        and a.starts_at >= ${window.start} and a.starts_at < ${window.end}
        and a.package_purchase_id is not null and a.${CONSUMING}
        ${scope.clinicId ? sql`and a.clinic_id = ${scope.clinicId}` : sql``}
      group by 1, 2
    ) u
    join clinics c on c.tenant_id = ${scope.tenantId} and c.id = u.clinic_id
    order by 1, c.name_en, c.id`.execute(db);
  return rows.map((row) => ({ ...row, sessions: Number(row.sessions) }));
}

export interface AttendanceRow extends Named {
  id: string;
  /** Appointments that were due (begun before now), cancellations in time left out. */
  appointments: number;
  no_shows: number;
  late_cancellations: number;
}

/**
 * No-shows and late cancellations among the appointments that began in the window before
 * `now`, per clinic or per provider. Cancellations in time are not counted at all.
 */
export async function attendance(
  db: Database,
  scope: ReportScope,
  window: Window,
  now: Date,
  by: 'clinic' | 'provider',
): Promise<AttendanceRow[]> {
  const table = by === 'clinic' ? sql`clinics` : sql`providers`;
  const key = by === 'clinic' ? sql`a.clinic_id` : sql`a.provider_id`;
  const { rows } = await sql<
    Named & { id: string; appointments: number; no_shows: number; late_cancellations: number }
  >`
    select x.id, x.name_en, x.name_ar, count(*)::int as appointments,
      count(*) filter (where a.status = 'NO_SHOW')::int as no_shows,
      count(*) filter (where a.status = 'LATE_CANCELLED')::int as late_cancellations
    from appointments a
    join ${table} x on x.tenant_id = a.tenant_id and x.id = ${key}
    where a.tenant_id = ${scope.tenantId}
      and a.starts_at >= ${window.start} and a.starts_at < ${window.end}
      and a.starts_at < ${now} and a.${CONSUMING}
      ${scope.clinicId ? sql`and a.clinic_id = ${scope.clinicId}` : sql``}
    group by x.id, x.name_en, x.name_ar
    order by x.name_en, x.id`.execute(db);
  return rows.map((row) => ({
    ...row,
    appointments: Number(row.appointments),
    no_shows: Number(row.no_shows),
    late_cancellations: Number(row.late_cancellations),
  }));
}

export interface UtilisationRow extends Named {
  week: string;
  provider_id: string;
  /** Minutes. */
  scheduled: number;
  booked: number;
}

/**
 * Per provider and week (tenant-local): minutes of weekly schedule over the range's days less
 * the provider's time off inside those hours, and minutes held by appointments (a group session
 * once, however many joined).
 */
export async function utilisationByWeek(
  db: Database,
  scope: ReportScope,
  range: DateRange,
  window: Window,
  timezone: string,
): Promise<UtilisationRow[]> {
  const localDay = (column: string) => sql`(${sql.ref(column)} at time zone ${timezone})::date`;
  const inClinic = (column: string) =>
    scope.clinicId ? sql`and ${sql.ref(column)} = ${scope.clinicId}` : sql``;
  const providerInClinic = scope.clinicId
    ? sql`and exists (select 1 from provider_clinics pc where pc.tenant_id = s.tenant_id
        and pc.provider_id = s.provider_id and pc.clinic_id = ${scope.clinicId})`
    : sql``;
  const { rows } = await sql<
    Named & { week: string; provider_id: string; scheduled: number; booked: number }
  >`
    with days as (
      select d::date as day
      from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') d
    ), scheduled as (
      select s.provider_id, ${weekOf(sql`days.day`)} as week,
        sum(greatest(0, extract(epoch from hours.ends_at - hours.starts_at)
          - coalesce(off.seconds, 0)) / 60)::int as minutes
      from days
      join provider_schedules s on s.tenant_id = ${scope.tenantId}
        and s.weekday = extract(dow from days.day)
      cross join lateral (
        select (days.day + s.start_time) at time zone ${timezone} as starts_at,
          (days.day + s.end_time) at time zone ${timezone} as ends_at
      ) hours
      left join lateral (
        select sum(extract(epoch from least(o.ends_at, hours.ends_at)
          - greatest(o.starts_at, hours.starts_at))) as seconds
        from provider_time_off o
        where o.tenant_id = s.tenant_id and o.provider_id = s.provider_id
          and o.starts_at < hours.ends_at and o.ends_at > hours.starts_at
      ) off on true
      where true ${providerInClinic}
      group by 1, 2
    ), held as (
      select a.provider_id, a.starts_at, a.ends_at from appointments a
      where a.tenant_id = ${scope.tenantId} and a.kind <> 'GROUP'
        and a.starts_at >= ${window.start} and a.starts_at < ${window.end}
        and a.${HOLDS_TIME} ${inClinic('a.clinic_id')}
      union all
      select g.provider_id, g.starts_at, g.ends_at from group_sessions g
      where g.tenant_id = ${scope.tenantId} and g.status = 'SCHEDULED'
        and g.starts_at >= ${window.start} and g.starts_at < ${window.end}
        ${inClinic('g.clinic_id')}
    ), booked as (
      select provider_id, ${weekOf(localDay('starts_at'))} as week,
        sum(extract(epoch from ends_at - starts_at) / 60)::int as minutes
      from held group by 1, 2
    )
    select coalesce(sc.week, b.week) as week, p.id as provider_id, p.name_en, p.name_ar,
      coalesce(sc.minutes, 0)::int as scheduled, coalesce(b.minutes, 0)::int as booked
    from scheduled sc
    full join booked b on b.provider_id = sc.provider_id and b.week = sc.week
    join providers p on p.tenant_id = ${scope.tenantId}
      and p.id = coalesce(sc.provider_id, b.provider_id)
    order by 1, p.name_en, p.id`.execute(db);
  return rows.map((row) => ({
    ...row,
    scheduled: Number(row.scheduled),
    booked: Number(row.booked),
  }));
}
