import { recordAudit } from './audit.js';
import type { Database } from './client.js';
import type { Locale } from './schema.js';

export function findUserByEmail(db: Database, email: string) {
  return db
    .selectFrom('users')
    .select(['tenant_id', 'id', 'password_hash', 'active'])
    .where('email', '=', email)
    .executeTakeFirst();
}

/** The user's language, audited with the one it replaces. */
export function setUserLocale(
  db: Database,
  user: { tenantId: string; id: string; locale: Locale },
  locale: Locale,
  ip: string | null,
): Promise<void> {
  return db.transaction().execute(async (trx) => {
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
  });
}
