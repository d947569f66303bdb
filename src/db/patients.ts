import { sql, type Selectable } from 'kysely';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors.js';
import { formatGeneratedMrn, GENERATED_MRN_PREFIX } from '../domain/patients.js';
import { phoneSearchDigits, toE164 } from '../domain/phones.js';
import { recordAudit, type StaffActor } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { submitOnce } from './form-submissions.js';
import type { Locale, PatientsTable } from './schema.js';

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

/** The columns of a PatientSummary, for other modules' queries that return one. */
export const patientSummaryColumns = summaryColumns;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Type-ahead: a name (English or Arabic) containing the text, an MRN starting with it, or a
 * phone containing its digits (phones are stored in E.164: see phoneSearchDigits). The trigram indexes serve the name lookups.
 */
export function searchPatients(
  db: Database,
  tenantId: string,
  text: string,
  page: { limit: number; offset: number } = { limit: PATIENT_SEARCH_LIMIT, offset: 0 },
): Promise<PatientSummary[]> {
  const contains = `%${escapeLike(text)}%`;
  const digits = phoneSearchDigits(text);
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('name_en', 'ilike', contains),
        eb('name_ar', 'ilike', contains),
        eb('mrn', 'ilike', `${escapeLike(text)}%`),
        ...(digits ? [eb('phone', 'like', `%${digits}%`)] : []),
      ]),
    )
    .orderBy(sql`lower(name_en)`)
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
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

export interface PatientDetails {
  name_en: string;
  name_ar: string | null;
  phone: string | null;
  date_of_birth: string | null;
  /** Absent: as it is (a form that does not show it). */
  email?: string | null;
  preferred_language?: Locale;
  consent_reminders?: boolean;
  consent_email?: boolean;
  consent_sms?: boolean;
  consent_whatsapp?: boolean;
}

/** How to reach a patient and what they agreed to be sent (db/messages.ts reads them). */
const contactColumns = [
  'email',
  'preferred_language',
  'consent_reminders',
  'consent_email',
  'consent_sms',
  'consent_whatsapp',
] as const;

export type PatientContact = Pick<Selectable<PatientsTable>, (typeof contactColumns)[number]>;

/** A patient's details and contact, for the edit form. */
export function findPatientForEdit(
  db: Database,
  tenantId: string,
  patientId: string,
): Promise<(PatientSummary & PatientContact) | undefined> {
  return db
    .selectFrom('patients')
    .select([...summaryColumns, ...contactColumns])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', patientId)
    .executeTakeFirst();
}

/** Someone with the same phone, or the same English name and date of birth, may be the same. */
export function findPossibleDuplicates(
  db: Database,
  tenantId: string,
  details: PatientDetails,
): Promise<PatientSummary[]> {
  const { phone, name_en, date_of_birth } = details;
  return db
    .selectFrom('patients')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        ...(phone ? [eb('phone', '=', phone)] : []),
        ...(date_of_birth
          ? [
              eb.and([
                eb(sql`lower(name_en)`, '=', name_en.toLowerCase()),
                eb('date_of_birth', '=', date_of_birth),
              ]),
            ]
          : []),
      ]),
    )
    .orderBy(sql`lower(name_en)`)
    .limit(DUPLICATE_LIMIT)
    .execute();
}

const DUPLICATE_LIMIT = 10;

/** The desk asked to be told before registering someone who may already be on file. */
export class PossibleDuplicates extends Conflict {
  constructor(readonly matches: PatientSummary[]) {
    super('duplicatePatient');
  }
}

function mrnTaken(db: Database, tenantId: string, mrn: string, exceptId?: string) {
  let query = db
    .selectFrom('patients')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('mrn', '=', mrn);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst().then(Boolean);
}

/**
 * The tenant's next generated MRN. The counter row stays locked until the caller's
 * transaction ends, so concurrent registrations take numbers one after the other. Its first
 * value continues after the highest generated-looking MRN already on file (imports, demo
 * data); numbers someone typed by hand in between are skipped.
 */
async function takeNextMrn(trx: DbTransaction, tenantId: string): Promise<string> {
  for (;;) {
    const counter =
      (await trx
        .updateTable('patient_mrn_counters')
        .set((eb) => ({ last_number: eb('last_number', '+', 1) }))
        .where('tenant_id', '=', tenantId)
        .returning('last_number')
        .executeTakeFirst()) ??
      (await trx
        .insertInto('patient_mrn_counters')
        .columns(['tenant_id', 'last_number'])
        .expression(
          trx
            .selectFrom('patients')
            .select([
              sql<string>`${tenantId}::uuid`.as('tenant_id'),
              sql<number>`coalesce(max(substring(mrn from ${GENERATED_MRN_DIGITS})::int), 0) + 1`.as(
                'last_number',
              ),
            ])
            .where('tenant_id', '=', tenantId)
            .where('mrn', '~', GENERATED_MRN_REGEX),
        )
        .onConflict((oc) =>
          oc
            .column('tenant_id')
            .doUpdateSet({ last_number: sql`patient_mrn_counters.last_number + 1` }),
        )
        .returning('last_number')
        .executeTakeFirstOrThrow());
    const mrn = formatGeneratedMrn(counter.last_number);
    if (!(await mrnTaken(trx, tenantId, mrn))) return mrn;
  }
}

const GENERATED_MRN_REGEX = `^${GENERATED_MRN_PREFIX}[0-9]{1,9}$`;
const GENERATED_MRN_DIGITS = `^${GENERATED_MRN_PREFIX}([0-9]{1,9})$`;

/**
 * Registers a patient (MRN typed, or the next generated one) with an audit row, once per form
 * token. Unless `confirmDuplicate`, refuses with PossibleDuplicates when someone alike exists.
 */
export async function registerPatient(
  trx: DbTransaction,
  actor: StaffActor,
  input: {
    formToken: string;
    details: PatientDetails;
    mrn: string | null;
    confirmDuplicate: boolean;
  },
): Promise<{ id: string; created: boolean }> {
  return submitOnce(
    trx,
    { tenantId: actor.tenantId, token: input.formToken, entity: 'patient' },
    async () => {
      const details = await withE164Phone(trx, actor.tenantId, input.details);
      if (!input.confirmDuplicate) {
        const matches = await findPossibleDuplicates(trx, actor.tenantId, details);
        if (matches.length > 0) throw new PossibleDuplicates(matches);
      }
      if (input.mrn && (await mrnTaken(trx, actor.tenantId, input.mrn))) {
        throw new ValidationFailed({ mrn: 'mrnTaken' });
      }
      const mrn = input.mrn ?? (await takeNextMrn(trx, actor.tenantId));
      const patient = await trx
        .insertInto('patients')
        .values({ tenant_id: actor.tenantId, mrn, ...details })
        .returning([...summaryColumns, ...contactColumns])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'patient.register',
        entity: 'patient',
        entityId: patient.id,
        after: patient,
        ip: actor.ip,
      });
      return patient.id;
    },
  );
}

/**
 * The details with the phone in E.164, read in the centre's country: the one spelling that
 * search and the duplicate check compare. A number that country has not is a field error.
 */
async function withE164Phone(
  db: Database,
  tenantId: string,
  details: PatientDetails,
): Promise<PatientDetails> {
  if (!details.phone) return details;
  const tenant = await db
    .selectFrom('tenants')
    .select('country')
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const phone = toE164(details.phone, tenant.country);
  if (!phone) throw new ValidationFailed({ phone: 'phoneNotANumber' });
  return { ...details, phone };
}

/** Changes a patient's details (MRN included) with an audit row of before and after. */
export async function updatePatient(
  trx: DbTransaction,
  actor: StaffActor,
  patientId: string,
  input: { details: PatientDetails; mrn: string },
): Promise<void> {
  const before = await trx
    .selectFrom('patients')
    .select([...summaryColumns, ...contactColumns])
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw new NotFound('patientNotFound');
  const details = await withE164Phone(trx, actor.tenantId, input.details);
  if (await mrnTaken(trx, actor.tenantId, input.mrn, patientId)) {
    throw new ValidationFailed({ mrn: 'mrnTaken' });
  }
  const after = await trx
    .updateTable('patients')
    .set({ mrn: input.mrn, ...details })
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', patientId)
    .returning([...summaryColumns, ...contactColumns])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    action: 'patient.update',
    entity: 'patient',
    entityId: patientId,
    before,
    after,
    ip: actor.ip,
  });
}
