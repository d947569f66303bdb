import { sql } from 'kysely';
import type { Database } from './client.js';

export const PATIENT_SEARCH_LIMIT = 20;

export interface PatientSummary {
  id: string;
  mrn: string;
  name_en: string;
  name_ar: string | null;
  phone: string | null;
  date_of_birth: string | null;
}

const summaryColumns = ['id', 'mrn', 'name_en', 'name_ar', 'phone', 'date_of_birth'] as const;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Type-ahead: a name (English or Arabic) containing the text, an MRN starting with it, or a
 * phone containing its digits. The trigram indexes serve the name lookups.
 */
export function searchPatients(
  db: Database,
  tenantId: string,
  text: string,
): Promise<PatientSummary[]> {
  const contains = `%${escapeLike(text)}%`;
  const digits = text.replace(/\D/g, '');
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('name_en', 'ilike', contains),
        eb('name_ar', 'ilike', contains),
        eb('mrn', 'ilike', `${escapeLike(text)}%`),
        ...(digits.length >= 3 ? [eb('phone', 'like', `%${digits}%`)] : []),
      ]),
    )
    .orderBy(sql`lower(name_en)`)
    .limit(PATIENT_SEARCH_LIMIT)
    .execute();
}

export function findPatient(
  db: Database,
  tenantId: string,
  patientId: string,
): Promise<PatientSummary | undefined> {
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', patientId)
    .executeTakeFirst();
}
