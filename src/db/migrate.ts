import { Migrator, sql, type Migration } from 'kysely';
import type { Database } from './client.js';
import * as createTenantsUsersSessions from './migrations/2026-11-25T10-00_create_tenants_users_sessions.js';
import * as createCatalogue from './migrations/2026-11-25T10-10_create_catalogue.js';
import * as createPatients from './migrations/2026-11-25T10-20_create_patients.js';
import * as createPurchases from './migrations/2026-11-25T10-30_create_purchases.js';
import * as createAppointments from './migrations/2026-11-25T10-40_create_appointments.js';
import * as createAuditLog from './migrations/2026-11-25T10-50_create_audit_log.js';
import * as createLoginThrottles from './migrations/2026-11-26T10-00_create_login_throttles.js';
import * as patientRegistrationAndFormTokens from './migrations/2026-11-26T12-00_patient_registration_and_form_tokens.js';
import * as loginThrottleScopes from './migrations/2026-11-30T10-00_login_throttle_scopes.js';
import * as appointmentGuards from './migrations/2026-11-30T10-20_appointment_guards.js';
import * as money from './migrations/2026-11-30T11-00_money.js';
import * as deferrableSessionNumbers from './migrations/2026-11-30T11-30_deferrable_session_numbers.js';
import * as messagesAndCalendarFeeds from './migrations/2026-11-30T12-00_messages_and_calendar_feeds.js';
import * as reportIndexes from './migrations/2026-11-30T14-10_report_indexes.js';
import * as e164PhonesAndCalendarChoice from './migrations/2026-11-30T14-30_e164_phones_and_calendar_choice.js';
import * as catalogueVersion from './migrations/2026-11-30T19-20_catalogue_version.js';

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
  '2026-11-30T10-00_login_throttle_scopes': loginThrottleScopes,
  '2026-11-30T10-20_appointment_guards': appointmentGuards,
  '2026-11-30T11-00_money': money,
  '2026-11-30T11-30_deferrable_session_numbers': deferrableSessionNumbers,
  '2026-11-30T12-00_messages_and_calendar_feeds': messagesAndCalendarFeeds,
  '2026-11-30T14-10_report_indexes': reportIndexes,
  '2026-11-30T14-30_e164_phones_and_calendar_choice': e164PhonesAndCalendarChoice,
  '2026-11-30T19-20_catalogue_version': catalogueVersion,
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

/** PostgreSQL's "undefined table": a database no migration ever ran on. */
const UNDEFINED_TABLE = '42P01';

/**
 * The migrations of this build that the database has not run, in one cheap query (for
 * /readyz: an instance must not serve a schema older than its code).
 */
export async function pendingMigrations(db: Database): Promise<string[]> {
  let applied: string[];
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    applied = rows.map((row) => row.name);
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNDEFINED_TABLE) throw error;
    applied = [];
  }
  return Object.keys(migrations).filter((name) => !applied.includes(name));
}
