import { sql } from 'kysely';
import type { Database, DbTransaction } from './client.js';

/**
 * Statuses of a session that has not started and still counts against the package: its number
 * may change. A started one (or one marked arrived, completed, a no-show) keeps its number.
 */
const RENUMBERED = sql`('BOOKED', 'CONFIRMED', 'LATE_CANCELLED')`;

/**
 * SPEC §1.9: "session N of M" is the Nth consuming appointment of the purchase in time. After a
 * booking, move or cancellation of the (locked) purchase, its sessions that have not started
 * take the numbers the started ones leave free, smallest first, in date order. One statement;
 * the numbers' exclusion constraint is checked at its end (deferrable), so a permutation
 * passes and a duplicate still fails. Answers the appointments whose number changed.
 */
export async function renumberSessions(
  trx: DbTransaction,
  tenantId: string,
  purchaseId: string,
  now: Date,
): Promise<Map<string, number>> {
  const { rows } = await sql<{ id: string; session_number_in_package: number }>`
    with future as (
      select id, row_number() over (order by starts_at, id) as k from appointments
      where tenant_id = ${tenantId} and package_purchase_id = ${purchaseId}
        and status in ${RENUMBERED} and starts_at > ${now}
    ),
    free as (
      select n, row_number() over (order by n) as k
      from package_purchases p, generate_series(1, p.total_sessions) as n
      where p.tenant_id = ${tenantId} and p.id = ${purchaseId}
        and not exists (
          select from appointments a
          where a.tenant_id = ${tenantId} and a.package_purchase_id = ${purchaseId}
            and a.session_number_in_package = n and a.status <> 'CANCELLED'
            and not (a.status in ${RENUMBERED} and a.starts_at > ${now})
        )
    )
    update appointments a set session_number_in_package = free.n
    from future join free using (k)
    where a.tenant_id = ${tenantId} and a.id = future.id and a.session_number_in_package <> free.n
    returning a.id, a.session_number_in_package`.execute(trx);
  return new Map(rows.map((row) => [row.id, row.session_number_in_package]));
}

/** The numbers a new session could take: the first and the last of a time range. */
export interface NewSessionNumbers {
  first: number | null;
  last: number | null;
}

/**
 * The number a session booked on the (unlocked) purchase would take, in date order: booked
 * from `range.from` it comes after the live sessions before then; booked just before
 * `range.to` (null: any later time) after those too. Equal when nothing of the purchase falls
 * in between, so the booking page can say the number before a time is chosen. A scalar
 * subquery, to nest in a caller's statement.
 */
export function newSessionNumbers(
  tenantId: string,
  purchaseId: string,
  range: { from: Date; to: Date | null },
  now: Date,
) {
  return sql<NewSessionNumbers>`(
    with free as (
      select n, row_number() over (order by n) - 1 as k
      from package_purchases p, generate_series(1, p.total_sessions) as n
      where p.tenant_id = ${tenantId} and p.id = ${purchaseId}
        and not exists (
          select from appointments a
          where a.tenant_id = ${tenantId} and a.package_purchase_id = ${purchaseId}
            and a.session_number_in_package = n and a.status <> 'CANCELLED'
            and not (a.status in ${RENUMBERED} and a.starts_at > ${now})
        )
    ),
    earlier as (
      select count(*) filter (where starts_at < ${range.from}) as first,
        count(*) filter (where ${range.to}::timestamptz is null or starts_at < ${range.to}) as last
      from appointments
      where tenant_id = ${tenantId} and package_purchase_id = ${purchaseId}
        and status in ${RENUMBERED} and starts_at > ${now}
    )
    select json_build_object(
      'first', (select n from free where k = earlier.first),
      'last', (select n from free where k = earlier.last)
    ) from earlier
  )`;
}

/** newSessionNumbers with the purchase's total (null when it is not the tenant's). */
export async function findNewSessionNumbers(
  db: Database,
  tenantId: string,
  purchaseId: string,
  range: { from: Date; to: Date | null },
  now: Date,
): Promise<{ total: number; numbers: NewSessionNumbers } | null> {
  const row = await db
    .selectFrom('package_purchases')
    .select(['total_sessions', newSessionNumbers(tenantId, purchaseId, range, now).as('numbers')])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', purchaseId)
    .executeTakeFirst();
  return row ? { total: row.total_sessions, numbers: row.numbers } : null;
}
