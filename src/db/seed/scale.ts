import { sql, type RawBuilder } from 'kysely';
import { hashPassword } from '../../auth/password.js';
import type { Database } from '../client.js';

/**
 * A clinic network big enough to measure SPEC §6 on (`npm run seed:scale`): several tenants,
 * their clinics and services, one package per service, providers working Sunday to Thursday
 * 08:00–16:00, patients, and appointments from two years back to three months ahead with the
 * package purchases they were booked on. Everything is generated inside PostgreSQL from small
 * plan tables (generate_series, window functions), so a million appointments take minutes.
 *
 * Every constraint holds by construction, and the database checks it again on insert:
 * - a provider's appointments sit on an hourly grid, one per slot, so they never overlap;
 * - a patient sees one provider at one weekly hour (a "lane"), so theirs never overlap either;
 * - a patient's package appointments are cut into courses of the package's size: one purchase
 *   per course, session numbers 1…n, `sessions_used` = the appointments that consume one.
 */

export const SCALE_PASSWORD = 'scale-password';
/** The benches sign in as the front desk of the first tenant, reports as its administrator. */
export const SCALE_FRONT_DESK_EMAIL = 'frontdesk@scale-1.test';
export const SCALE_ADMIN_EMAIL = 'admin@scale-1.test';

export interface ScaleOptions {
  patients: number;
  appointments: number;
  now: Date;
}

export interface ScaleCounts {
  tenants: number;
  providers: number;
  patients: number;
  appointments: number;
  purchases: number;
}

const TIMEZONES = ['Asia/Riyadh', 'Asia/Dubai', 'Asia/Kuwait', 'Asia/Qatar'];
const SPECIALTIES = ['Speech', 'ABA', 'Occupational', 'Physio', 'Psychology', 'Feeding'];
const CLINICS_PER_TENANT = SPECIALTIES.length;
const SERVICES_PER_CLINIC = 2;
const FIRST_HOUR = 8;
const HOURS_PER_DAY = 8;
const WORKDAYS_PER_WEEK = 5;
/** Weekly hours of a provider: a patient keeps one of them for every visit. */
const LANES = WORKDAYS_PER_WEEK * HOURS_PER_DAY;
const DAYS_BACK = 730;
const DAYS_AHEAD = 90;
/** Providers are sized so that about this share of their slots is booked. */
const UTILISATION = 0.6;
const VALIDITY_DAYS = 180;

export function scalePlan(patients: number, appointments: number) {
  const tenants = Math.max(1, Math.min(TIMEZONES.length, Math.floor(patients / 1000)));
  const workdays = Math.ceil(((DAYS_BACK + DAYS_AHEAD + 1) * WORKDAYS_PER_WEEK) / 7);
  const minimum = tenants * CLINICS_PER_TENANT;
  const providers = Math.max(
    minimum,
    Math.ceil(appointments / (workdays * HOURS_PER_DAY * UTILISATION)),
  );
  if (!Number.isInteger(patients) || !Number.isInteger(appointments) || appointments < 0) {
    throw new Error('Give whole numbers of patients and appointments.');
  }
  if (patients < providers) throw new Error(`Give at least ${providers} patients.`);
  return { tenants, providers };
}

export async function seedScale(
  db: Database,
  options: ScaleOptions,
  log: (line: string) => void = () => {},
): Promise<ScaleCounts> {
  const { patients, appointments } = options;
  const { tenants, providers } = scalePlan(patients, appointments);
  const today = options.now.toISOString().slice(0, 10);
  const passwordHash = await hashPassword(SCALE_PASSWORD);

  // Temporary tables belong to one session: everything runs on one connection.
  return db.connection().execute(async (conn) => {
    const step = async (label: string, statement: RawBuilder<unknown>) => {
      const started = performance.now();
      const { numAffectedRows } = await statement.execute(conn);
      const rows = numAffectedRows === undefined ? '' : `${numAffectedRows} rows`;
      const ms = (performance.now() - started).toFixed(0).padStart(7);
      log(`  ${label.padEnd(36)}${ms} ms  ${rows}`);
    };

    await step('empty every table', sql`truncate table tenants cascade`);
    await step(
      'plan: tenants',
      sql`create temp table scale_tenants as
        select t as idx, gen_random_uuid() as id, gen_random_uuid() as desk_id,
          (${TIMEZONES}::text[])[1 + t % ${TIMEZONES.length}::int] as tz
        from generate_series(0, ${tenants - 1}::int) t`,
    );
    await step(
      'tenants',
      sql`insert into tenants (id, name, timezone, currency)
        select id, 'Scale Centre ' || idx + 1, tz, 'SAR' from scale_tenants`,
    );
    await step(
      'users',
      sql`insert into users (tenant_id, id, email, name, password_hash, role)
        select id, desk_id, 'frontdesk@scale-' || idx + 1 || '.test', 'Front Desk ' || idx + 1,
          ${passwordHash}, 'FRONT_DESK'
        from scale_tenants
        union all
        select id, gen_random_uuid(), 'admin@scale-' || idx + 1 || '.test', 'Admin ' || idx + 1,
          ${passwordHash}, 'ADMIN'
        from scale_tenants`,
    );
    await step(
      'plan: clinics and services',
      sql`create temp table scale_services as
        with clinics as materialized (
          select t.idx as tenant_idx, t.id as tenant_id, c as clinic_idx,
            gen_random_uuid() as clinic_id
          from scale_tenants t, generate_series(0, ${CLINICS_PER_TENANT - 1}::int) c
        )
        select c.*, s as service_idx, (${SPECIALTIES}::text[])[c.clinic_idx + 1] as specialty,
          gen_random_uuid() as service_id, gen_random_uuid() as package_id,
          case s when 0 then 45 else 60 end as minutes,
          case s when 0 then 8 else 12 end as sessions
        from clinics c, generate_series(0, ${SERVICES_PER_CLINIC - 1}::int) s`,
    );
    await step(
      'clinics',
      sql`insert into clinics (tenant_id, id, name_en, name_ar, specialty)
        select distinct tenant_id, clinic_id, specialty || ' Clinic', 'عيادة ' || clinic_idx + 1,
          specialty
        from scale_services`,
    );
    await step(
      'services',
      sql`insert into services
          (tenant_id, id, clinic_id, name_en, name_ar, default_duration_minutes, price)
        select tenant_id, service_id, clinic_id, specialty || ' session ' || minutes || ' min',
          'جلسة ' || minutes || ' دقيقة', minutes, 150 + minutes
        from scale_services`,
    );
    await step(
      'packages',
      sql`insert into packages (tenant_id, id, name_en, name_ar, price, validity_days)
        select tenant_id, package_id, specialty || ' ' || sessions || ' sessions',
          'باقة ' || sessions || ' جلسات', sessions * (130 + minutes), ${VALIDITY_DAYS}::int
        from scale_services`,
    );
    await step(
      'package services',
      sql`insert into package_services (tenant_id, package_id, service_id, sessions)
        select tenant_id, package_id, service_id, sessions from scale_services`,
    );
    // Provider p works for tenant p % tenants in one clinic; patient i is provider i % P's.
    await step(
      'plan: providers',
      sql`create temp table scale_providers as
        select p as idx, t.id as tenant_id, t.desk_id, t.tz, gen_random_uuid() as id,
          c.clinic_id, c.clinic_idx,
          (${patients}::int - 1 - p) / ${providers}::int + 1 as patient_count
        from generate_series(0, ${providers - 1}::int) p
        join scale_tenants t on t.idx = p % ${tenants}::int
        join (select distinct tenant_idx, clinic_idx, clinic_id from scale_services) c
          on c.tenant_idx = t.idx
          and c.clinic_idx = (p / ${tenants}::int) % ${CLINICS_PER_TENANT}::int`,
    );
    await step(
      'providers',
      sql`insert into providers (tenant_id, id, name_en, name_ar)
        select tenant_id, id, 'Provider ' || idx + 1, 'المعالج ' || idx + 1 from scale_providers`,
    );
    await step(
      'provider clinics',
      sql`insert into provider_clinics (tenant_id, provider_id, clinic_id)
        select tenant_id, id, clinic_id from scale_providers`,
    );
    await step(
      'working hours',
      sql`insert into provider_schedules (tenant_id, provider_id, weekday, start_time, end_time)
        select tenant_id, id, weekday, make_time(${FIRST_HOUR}::int, 0, 0),
          make_time(${FIRST_HOUR + HOURS_PER_DAY}::int, 0, 0)
        from scale_providers, generate_series(0, ${WORKDAYS_PER_WEEK - 1}::int) weekday`,
    );
    await step(
      'plan: patients',
      sql`create temp table scale_patients as
        select i as idx, p.idx as provider_idx, i / ${providers}::int as k, p.tenant_id,
          gen_random_uuid() as id, s.service_id, s.package_id, s.sessions
        from generate_series(0, ${patients - 1}::int) i
        join scale_providers p on p.idx = i % ${providers}::int
        join scale_services s on s.tenant_id = p.tenant_id and s.clinic_idx = p.clinic_idx
          and s.service_idx = (i / ${providers}::int) % ${SERVICES_PER_CLINIC}::int`,
    );
    await step('plan: patients index', sql`create unique index on scale_patients (idx)`);
    await step(
      'patients',
      sql`insert into patients (tenant_id, id, mrn, name_en, name_ar, date_of_birth, phone)
        select tenant_id, id, 'S' || lpad(idx::text, 7, '0'),
          (array['Sara','Omar','Lina','Yusuf','Maha','Khalid','Noura','Adam'])[1 + idx % 8]
            || ' ' || (array['Haddad','Qasim','Nasser','Saleh','Fayed','Rahman'])[1 + idx / 8 % 6]
            || ' ' || idx,
          (array['سارة','عمر','لينا','يوسف','مها','خالد','نورة','آدم'])[1 + idx % 8] || ' ' || idx,
          date '2010-01-01' + idx % 5000, '05' || lpad((idx::bigint * 7919 % 100000000)::text, 8, '0')
        from scale_patients`,
    );

    // Slots: every provider × working day × hour, numbered g; `appointments` of them are
    // picked evenly. A slot's lane is its weekly hour; the lane's patients take its slots in
    // turn, each a run of consecutive weeks (a course of therapy).
    await step(
      'plan: appointments',
      sql`create temp table scale_slots as
        with days as (
          select d::date as day, row_number() over (order by d) - 1 as day_idx
          from generate_series(${today}::date - ${DAYS_BACK}::int,
            ${today}::date + ${DAYS_AHEAD}::int, interval '1 day') d
          where extract(dow from d) < ${WORKDAYS_PER_WEEK}::int
        ),
        grid as (
          select p.idx as provider_idx, p.patient_count, d.day, h,
            (extract(dow from d.day)::int * ${HOURS_PER_DAY}::int + h)
              % least(${LANES}::int, p.patient_count) as lane,
            least(${LANES}::int, p.patient_count) as lanes,
            (p.idx::bigint * (select count(*) from days) + d.day_idx) * ${HOURS_PER_DAY}::int
              + h as g
          from scale_providers p, days d, generate_series(0, ${HOURS_PER_DAY - 1}::int) h
        ),
        picked as (
          select *, count(*) over () as total from grid
        ),
        chosen as (
          select *,
            row_number() over (partition by provider_idx, lane order by day, h) - 1 as lane_rank,
            count(*) over (partition by provider_idx, lane) as lane_slots
          from picked
          where (g + 1) * ${appointments}::bigint / total > g * ${appointments}::bigint / total
        )
        select provider_idx, day, h, g,
          provider_idx + (lane + lane_rank * ((patient_count - 1 - lane) / lanes + 1)
            / lane_slots * lanes) * ${providers}::int as patient_idx,
          (g * 7919) % 100 as dice
        from chosen`,
    );
    await step(
      'plan: appointment details',
      sql`create temp table scale_appointments as
        select a.*, pa.id as patient_id, pa.tenant_id, pr.id as provider_id, pr.clinic_id,
          pa.service_id, pa.sessions, pr.desk_id, s.minutes,
          (a.day + make_interval(hours => ${FIRST_HOUR}::int + a.h)) at time zone pr.tz
            as starts_at,
          case
            when a.day >= ${today}::date then
              case when a.dice < 40 then 'CONFIRMED' when a.dice < 85 then 'BOOKED'
                when a.dice < 90 then 'CANCELLED' else 'BOOKED' end
            else
              case when a.dice < 80 then 'COMPLETED' when a.dice < 83 then 'NO_SHOW'
                when a.dice < 85 then 'LATE_CANCELLED' when a.dice < 90 then 'CANCELLED'
                else 'COMPLETED' end
          end as status,
          case when a.dice < 85 then 'PACKAGE' else 'SINGLE' end as kind
        from scale_slots a
        join scale_patients pa on pa.idx = a.patient_idx
        join scale_providers pr on pr.idx = a.provider_idx
        join scale_services s on s.service_id = pa.service_id`,
    );
    await step(
      'plan: courses',
      sql`create temp table scale_courses as
        select g, patient_idx, (rank - 1) / sessions as course, (rank - 1) % sessions + 1 as number
        from (
          select g, patient_idx, sessions,
            row_number() over (partition by patient_idx order by starts_at) as rank
          from scale_appointments where kind = 'PACKAGE'
        ) ranked`,
    );
    await step(
      'plan: purchases',
      sql`create temp table scale_purchases as
        select gen_random_uuid() as id, c.patient_idx, c.course, count(*)::int as used,
          least(min(a.day) - 3, ${today}::date) as purchase_date, max(a.day) as last_day
        from scale_courses c join scale_appointments a using (g)
        group by c.patient_idx, c.course`,
    );
    // Patients without appointments: one in ten has just bought a package.
    await step(
      'plan: fresh purchases',
      sql`insert into scale_purchases (id, patient_idx, course, used, purchase_date, last_day)
        select gen_random_uuid(), idx, 0, 0, ${today}::date - idx % 60, null
        from scale_patients
        where idx % 10 = 0
          and not exists (select from scale_slots s where s.patient_idx = scale_patients.idx)`,
    );
    await step(
      'package purchases',
      sql`insert into package_purchases (tenant_id, id, patient_id, package_id, name_en, name_ar,
          purchase_date, expiry_date, total_sessions, sessions_used, price, status, assigned_by,
          created_at)
        select pa.tenant_id, pu.id, pa.id, pa.package_id, pk.name_en, pk.name_ar,
          pu.purchase_date, e.expiry_date, pa.sessions, pu.used, pk.price,
          case when pu.used = pa.sessions then 'COMPLETED'
            when e.expiry_date < ${today}::date then 'EXPIRED' else 'ACTIVE' end,
          pr.desk_id, pu.purchase_date
        from scale_purchases pu
        join scale_patients pa on pa.idx = pu.patient_idx
        join scale_providers pr on pr.idx = pa.provider_idx
        join packages pk on pk.tenant_id = pa.tenant_id and pk.id = pa.package_id
        cross join lateral (
          select greatest(pu.purchase_date + ${VALIDITY_DAYS}::int, pu.last_day) as expiry_date
        ) e`,
    );
    await step(
      'purchase services',
      sql`insert into purchase_services (tenant_id, purchase_id, service_id, sessions, sessions_used)
        select pa.tenant_id, pu.id, pa.service_id, pa.sessions, pu.used
        from scale_purchases pu join scale_patients pa on pa.idx = pu.patient_idx`,
    );
    await step(
      'appointments',
      sql`insert into appointments (tenant_id, patient_id, provider_id, clinic_id, service_id,
          kind, starts_at, ends_at, status, package_purchase_id, session_number_in_package,
          booked_by, created_at, updated_at)
        select a.tenant_id, a.patient_id, a.provider_id, a.clinic_id, a.service_id, a.kind,
          a.starts_at, a.starts_at + make_interval(mins => a.minutes), a.status, pu.id, c.number,
          a.desk_id, least(a.starts_at - interval '7 days', now()), least(a.starts_at, now())
        from scale_appointments a
        left join scale_courses c using (g)
        left join scale_purchases pu on pu.patient_idx = c.patient_idx and pu.course = c.course
        order by a.provider_idx, a.starts_at`,
    );
    await step(
      'drop the plan',
      sql`drop table scale_appointments, scale_courses, scale_purchases, scale_slots,
        scale_patients, scale_providers, scale_services, scale_tenants`,
    );
    await step('analyze', sql`analyze`);

    const { rows } = await sql<{ appointments: number; purchases: number }>`
      select (select count(*)::int from appointments) as appointments,
        (select count(*)::int from package_purchases) as purchases`.execute(conn);
    return { tenants, providers, patients, ...rows[0]! };
  });
}
