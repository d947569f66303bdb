import { z } from 'zod';
import type { Database } from '../db/client.js';
import { findFreeSlots } from '../db/schedule.js';
import { addDays } from '../domain/dates.js';
import type { Slot } from '../domain/slots.js';
import { calendarDate, uuid } from './validation.js';

/** The slot query of the JSON API and of the booking form (the same names in both). */
export const slotQuery = z.object({
  provider_id: uuid,
  date: calendarDate,
  duration: z.coerce.number().int().min(5).max(480),
  patient_id: uuid.optional(),
});

/** The free slots the query asks for; 404 for a provider or patient not the tenant's. */
export function findSlotsFor(
  db: Database,
  tenant: { id: string; timezone: string },
  query: z.infer<typeof slotQuery>,
  now: Date,
): Promise<Slot[]> {
  return findFreeSlots(
    db,
    tenant,
    {
      providerId: query.provider_id,
      patientId: query.patient_id ?? null,
      date: query.date,
      durationMinutes: query.duration,
    },
    now,
  );
}

/** How far ahead the booking form looks for a day with free time when no package bounds it. */
export const FREE_DAY_HORIZON_DAYS = 60;

/**
 * The first day from `from` to `until` (inclusive) on which the provider has free time, with
 * those slots; null when there is none. One query a day, stopping at the first found.
 */
export async function findFirstFreeDay(
  db: Database,
  tenant: { id: string; timezone: string },
  query: Omit<z.infer<typeof slotQuery>, 'date'>,
  days: { from: string; until: string },
  now: Date,
): Promise<{ date: string; slots: Slot[] } | null> {
  for (let date = days.from; date <= days.until; date = addDays(date, 1)) {
    const slots = await findSlotsFor(db, tenant, { ...query, date }, now);
    if (slots.length > 0) return { date, slots };
  }
  return null;
}
