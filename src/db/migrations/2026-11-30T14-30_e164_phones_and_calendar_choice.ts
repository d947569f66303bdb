import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { sql, type Kysely } from 'kysely';

const BATCH = 1000;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Phones in E.164, read in the centre's country, so '0501234567' and '+966 50 123 4567' are
  // one number for search and the duplicate check. A phone that does not parse stays as it is
  // (the desk will be asked to correct it at the next edit).
  const { rows } = await sql<{ id: string; phone: string; country: string }>`
    select p.id, p.phone, t.country from patients p join tenants t on t.id = p.tenant_id
    where p.phone is not null and t.country is not null`.execute(db);
  const changes: { id: string; phone: string }[] = [];
  for (const row of rows) {
    const parsed = parsePhoneNumberFromString(row.phone.replace(/[\s\-.()]/g, ''), {
      defaultCountry: row.country as CountryCode,
    });
    if (parsed?.isValid() && parsed.number !== row.phone) {
      changes.push({ id: row.id, phone: parsed.number });
    }
  }
  for (let start = 0; start < changes.length; start += BATCH) {
    const batch = changes.slice(start, start + BATCH);
    await sql`
      update patients p set phone = v.phone
      from (values ${sql.join(batch.map((c) => sql`(${c.id}::uuid, ${c.phone})`))}) v (id, phone)
      where p.id = v.id`.execute(db);
  }

  // The desk's calendar remembers the clinic each user looked at last; null: all clinics.
  await sql`
    alter table users add column calendar_clinic_id uuid,
    add constraint users_calendar_clinic_fkey foreign key (tenant_id, calendar_clinic_id)
      references clinics (tenant_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column calendar_clinic_id`.execute(db);
}
