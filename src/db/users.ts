import { sql } from 'kysely';
import { invalidateUserSessions } from '../auth/session.js';
import { Conflict, NotFound, ValidationFailed } from '../domain/errors.js';
import { recordAudit } from './audit.js';
import type { Database, DbTransaction } from './client.js';
import { submitOnce } from './form-submissions.js';
import { clearAccount } from './login-throttles.js';
import type { StaffActor } from './audit.js';
import type { Locale, Role } from './schema.js';

export function findUserByEmail(db: Database, email: string) {
  return db
    .selectFrom('users')
    .select(['tenant_id', 'id', 'password_hash', 'active'])
    .where('email', '=', email)
    .executeTakeFirst();
}

/** The user's language, audited with the one it replaces. */
export async function setUserLocale(
  trx: DbTransaction,
  user: { tenantId: string; id: string; locale: Locale },
  locale: Locale,
  ip: string | null,
): Promise<void> {
  await trx
    .updateTable('users')
    .set({ locale })
    .where('tenant_id', '=', user.tenantId)
    .where('id', '=', user.id)
    .execute();
  await recordAudit(trx, {
    tenantId: user.tenantId,
    actorId: user.id,
    action: 'user.locale',
    entity: 'user',
    entityId: user.id,
    before: { locale: user.locale },
    after: { locale },
    ip,
  });
}

/** The clinic the user's calendar showed last; null: every clinic. */
export async function calendarClinicOf(
  db: Database,
  tenantId: string,
  userId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('users')
    .select('calendar_clinic_id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.calendar_clinic_id ?? null;
}

/**
 * Remembers the clinic the user's calendar shows (null: every clinic), when it changed. A view
 * preference like a scroll position: not audited.
 */
export async function rememberCalendarClinic(
  db: Database,
  tenantId: string,
  userId: string,
  clinicId: string | null,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ calendar_clinic_id: clinicId })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .where(sql<boolean>`calendar_clinic_id is distinct from ${clinicId}::uuid`)
    .execute();
}

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  active: boolean;
}

/** What the audit log keeps of a user: never the password hash. */
const summaryColumns = ['id', 'email', 'name', 'role', 'locale', 'active'] as const;

export function listUsers(db: Database, tenantId: string): Promise<UserSummary[]> {
  return db
    .selectFrom('users')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .orderBy('active', 'desc')
    .orderBy('name')
    .orderBy('email')
    .execute();
}

export function findUser(
  db: Database,
  tenantId: string,
  userId: string,
): Promise<UserSummary | undefined> {
  return db
    .selectFrom('users')
    .select(summaryColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** A change that would leave the tenant without an active administrator. */
export class LastAdmin extends Conflict {
  constructor() {
    super('lastAdministrator');
  }
}

/**
 * Locks the user's row after the tenant's row. Every change of a role or of `active` takes
 * the tenant's lock first, so such changes of one tenant run one after the other: two admins
 * demoting each other at once cannot both see the other one still in place.
 */
async function lockUserOfTenant(trx: DbTransaction, actor: StaffActor, userId: string) {
  await trx
    .selectFrom('tenants')
    .select('id')
    .where('id', '=', actor.tenantId)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  const user = await trx
    .selectFrom('users')
    .select(summaryColumns)
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!user) throw new NotFound('userNotFound');
  return user;
}

/** Refuses when `before` is the last active admin and `after` no longer is one. */
async function keepAnAdmin(
  trx: DbTransaction,
  tenantId: string,
  before: UserSummary,
  after: { role: Role; active: boolean },
): Promise<void> {
  const wasAdmin = before.role === 'ADMIN' && before.active;
  const staysAdmin = after.role === 'ADMIN' && after.active;
  if (!wasAdmin || staysAdmin) return;
  const other = await trx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'ADMIN')
    .where('active', '=', true)
    .where('id', '<>', before.id)
    .executeTakeFirst();
  if (!other) throw new LastAdmin();
}

async function auditUser(
  trx: Database,
  actor: StaffActor,
  action: string,
  userId: string,
  change: { before?: unknown; after?: unknown },
) {
  await recordAudit(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    action,
    entity: 'user',
    entityId: userId,
    ...change,
    ip: actor.ip,
  });
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  passwordHash: string;
}

/** Creates a user once per form token; an email already in use (in any tenant) is refused. */
export async function createTenantUser(
  trx: DbTransaction,
  actor: StaffActor,
  formToken: string,
  user: NewUser,
): Promise<{ id: string; created: boolean }> {
  return submitOnce(
    trx,
    { tenantId: actor.tenantId, token: formToken, entity: 'user' },
    async () => {
      if (await findUserByEmail(trx, user.email))
        throw new ValidationFailed({ email: 'emailTaken' });
      const created = await trx
        .insertInto('users')
        .values({
          tenant_id: actor.tenantId,
          email: user.email,
          name: user.name,
          role: user.role,
          locale: user.locale,
          password_hash: user.passwordHash,
        })
        .returning(summaryColumns)
        .executeTakeFirstOrThrow();
      await auditUser(trx, actor, 'user.create', created.id, { after: created });
      return created.id;
    },
  );
}

/** Name, role and language; never leaves the tenant without an active admin. */
export async function updateTenantUser(
  trx: DbTransaction,
  actor: StaffActor,
  userId: string,
  change: { name: string; role: Role; locale: Locale },
): Promise<void> {
  const before = await lockUserOfTenant(trx, actor, userId);
  await keepAnAdmin(trx, actor.tenantId, before, { role: change.role, active: before.active });
  const after = await trx
    .updateTable('users')
    .set(change)
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', userId)
    .returning(summaryColumns)
    .executeTakeFirstOrThrow();
  await auditUser(trx, actor, 'user.update', userId, { before, after });
}

/** Deactivating ends the user's sessions at once; they can no longer sign in. */
export async function setUserActive(
  trx: DbTransaction,
  actor: StaffActor,
  userId: string,
  active: boolean,
): Promise<void> {
  const before = await lockUserOfTenant(trx, actor, userId);
  await keepAnAdmin(trx, actor.tenantId, before, { role: before.role, active });
  const after = await trx
    .updateTable('users')
    .set({ active })
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', userId)
    .returning(summaryColumns)
    .executeTakeFirstOrThrow();
  if (!active) await invalidateUserSessions(trx, actor.tenantId, userId);
  await auditUser(trx, actor, active ? 'user.activate' : 'user.deactivate', userId, {
    before,
    after,
  });
}

/**
 * Sets a new password. An admin's reset ends all the user's sessions; changing one's own
 * keeps the session it is done from (`keepSession`), which the caller then rotates.
 */
export async function setUserPassword(
  trx: DbTransaction,
  actor: StaffActor,
  userId: string,
  passwordHash: string,
  keepSession?: { sessionId: string },
): Promise<void> {
  const updated = await trx
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  if (!updated) throw new NotFound('userNotFound');
  await invalidateUserSessions(trx, actor.tenantId, userId, keepSession);
  const action = keepSession ? 'user.password_change' : 'user.password_reset';
  await auditUser(trx, actor, action, userId, { after: { sessions_ended: true } });
}

/**
 * An administrator lets the user try to sign in again, from every address: the failures
 * counted on the account and on its (account, address) pairs are forgotten.
 */
export async function unlockSignIn(
  trx: DbTransaction,
  actor: StaffActor,
  userId: string,
): Promise<void> {
  const user = await trx
    .selectFrom('users')
    .select('email')
    .where('tenant_id', '=', actor.tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new NotFound('userNotFound');
  const failures = await clearAccount(trx, user.email);
  await auditUser(trx, actor, 'user.sign_in_unlock', userId, {
    after: { failures_forgotten: failures },
  });
}

/** The stored hash, to check a user's current password before changing it. */
export async function passwordHashOf(
  db: Database,
  tenantId: string,
  userId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash;
}
