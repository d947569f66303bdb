import { z } from 'zod';
import type { Database } from '../db/client.js';
import { findFreeSlots } from '../db/schedule.js';
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
