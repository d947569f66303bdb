import type { Database } from './client.js';
import type { Locale } from './schema.js';

export function findUserByEmail(db: Database, email: string) {
  return db
    .selectFrom('users')
    .select(['tenant_id', 'id', 'password_hash', 'active'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function setUserLocale(
  db: Database,
  tenantId: string,
  userId: string,
  locale: Locale,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ locale })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .execute();
}
