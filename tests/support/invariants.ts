import { sql } from 'kysely';
import type { Database } from '../../src/db/client.js';

/**
 * The package and calendar invariants of SPEC §3, checked from the rows themselves. Returns one
 * line per violation (an empty list when all hold), so a failing test says what broke:
 * - a purchase's sessions_used (and each service's) equals its consuming appointments (all but
 *   CANCELLED), within 0..total, and the purchase is COMPLETED exactly when it is used up;
 * - live session numbers of a purchase are unique and within 1..total;
 * - no consuming appointment falls after its purchase's expiry date (in the tenant's zone);
 * - no two slot-holding appointments overlap for one patient, or for one provider (group
 *   appointments share their provider's time on purpose);
 * - a group session's seats_taken equals its appointments not cancelled.
 */
export async function invariantViolations(
  db: Database,
  scope: { patientIds: string[]; providerIds?: string[]; groupSessionIds?: string[] },
): Promise<string[]> {
  if (scope.patientIds.length === 0) return [];
  const patients = sql.join(scope.patientIds);
  const providers = sql.join(scope.providerIds?.length ? scope.providerIds : [null]);
  const groups = sql.join(scope.groupSessionIds?.length ? scope.groupSessionIds : [null]);
  const { rows } = await sql<{ violation: string }>`
    with scoped as (
      select * from appointments
      where tenant_id = (select tenant_id from patients where id = ${scope.patientIds[0]})
        and (patient_id in (${patients}) or provider_id in (${providers}))
    ), consuming as (
      select * from scoped where status <> 'CANCELLED' and package_purchase_id is not null
    ), holding as (
      select * from scoped where status in ('BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED')
    )
    select format('purchase %s: sessions_used %s, %s consuming appointments, total %s, %s',
        p.id, p.sessions_used, used.count, p.total_sessions, p.status) as violation
    from package_purchases p
    cross join lateral (
      select count(*)::int as count from consuming c
      where c.tenant_id = p.tenant_id and c.package_purchase_id = p.id
    ) used
    where p.patient_id in (${patients})
      and (p.sessions_used <> used.count
        or p.sessions_used not between 0 and p.total_sessions
        or (p.status in ('ACTIVE', 'COMPLETED')
          and (p.status = 'COMPLETED') <> (p.sessions_used = p.total_sessions)))
    union all
    select format('purchase %s service %s: sessions_used %s, %s consuming appointments of %s',
        s.purchase_id, s.service_id, s.sessions_used, used.count, s.sessions)
    from purchase_services s
    join package_purchases p on p.tenant_id = s.tenant_id and p.id = s.purchase_id
    cross join lateral (
      select count(*)::int as count from consuming c
      where c.tenant_id = s.tenant_id and c.package_purchase_id = s.purchase_id
        and c.service_id = s.service_id
    ) used
    where p.patient_id in (${patients})
      and (s.sessions_used <> used.count or s.sessions_used not between 0 and s.sessions)
    union all
    select format('purchase %s: session number %s held %s times (total %s)',
        c.package_purchase_id, c.session_number_in_package, count(*), p.total_sessions)
    from consuming c
    join package_purchases p on p.tenant_id = c.tenant_id and p.id = c.package_purchase_id
    where c.patient_id in (${patients})
    group by c.package_purchase_id, c.session_number_in_package, p.total_sessions
    having count(*) > 1 or c.session_number_in_package not between 1 and p.total_sessions
    union all
    select format('purchase %s: appointment %s on %s, after the expiry date %s',
        p.id, c.id, (c.starts_at at time zone t.timezone)::date, p.expiry_date)
    from consuming c
    join package_purchases p on p.tenant_id = c.tenant_id and p.id = c.package_purchase_id
    join tenants t on t.id = c.tenant_id
    where c.patient_id in (${patients})
      and (c.starts_at at time zone t.timezone)::date > p.expiry_date
    union all
    select format('patient %s: appointments %s and %s overlap', a.patient_id, a.id, b.id)
    from holding a
    join holding b on b.tenant_id = a.tenant_id and b.patient_id = a.patient_id and a.id < b.id
      and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
    where a.patient_id in (${patients})
    union all
    select format('provider %s: appointments %s and %s overlap', a.provider_id, a.id, b.id)
    from holding a
    join holding b on b.tenant_id = a.tenant_id and b.provider_id = a.provider_id and a.id < b.id
      and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
    where a.provider_id in (${providers}) and a.kind <> 'GROUP' and b.kind <> 'GROUP'
    union all
    select format('group session %s: seats_taken %s of %s, %s appointments',
        g.id, g.seats_taken, g.capacity, seated.count)
    from group_sessions g
    cross join lateral (
      select count(*)::int as count from appointments a
      where a.tenant_id = g.tenant_id and a.group_session_id = g.id
        and a.status not in ('CANCELLED', 'LATE_CANCELLED')
    ) seated
    where g.id in (${groups})
      and (g.seats_taken <> seated.count or g.seats_taken not between 0 and g.capacity)
  `.execute(db);
  return rows.map((row) => row.violation);
}
