import { Migrator, type Migration } from 'kysely';
import type { Database } from './client.js';
import * as createTenantsUsersSessions from './migrations/2026-11-25T10-00_create_tenants_users_sessions.js';
import * as createCatalogue from './migrations/2026-11-25T10-10_create_catalogue.js';
import * as createPatients from './migrations/2026-11-25T10-20_create_patients.js';
import * as createPurchases from './migrations/2026-11-25T10-30_create_purchases.js';
import * as createAppointments from './migrations/2026-11-25T10-40_create_appointments.js';
import * as createAuditLog from './migrations/2026-11-25T10-50_create_audit_log.js';
import * as createLoginThrottles from './migrations/2026-11-26T10-00_create_login_throttles.js';
import * as patientRegistrationAndFormTokens from './migrations/2026-11-26T12-00_patient_registration_and_form_tokens.js';
import * as deferrableSessionNumbers from './migrations/2026-11-30T11-30_deferrable_session_numbers.js';

/** Listed explicitly (not read from the folder) so they run the same under tsx, tests and builds. */
const migrations: Record<string, Migration> = {
  '2026-11-25T10-00_create_tenants_users_sessions': createTenantsUsersSessions,
  '2026-11-25T10-10_create_catalogue': createCatalogue,
  '2026-11-25T10-20_create_patients': createPatients,
  '2026-11-25T10-30_create_purchases': createPurchases,
  '2026-11-25T10-40_create_appointments': createAppointments,
  '2026-11-25T10-50_create_audit_log': createAuditLog,
  '2026-11-26T10-00_create_login_throttles': createLoginThrottles,
  '2026-11-26T12-00_patient_registration_and_form_tokens': patientRegistrationAndFormTokens,
  '2026-11-30T11-30_deferrable_session_numbers': deferrableSessionNumbers,
};

export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('Migration failed', { cause: error });
  return (results ?? []).map((result) => result.migrationName);
}
