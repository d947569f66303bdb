import { Conflict } from '../domain/errors.js';
import type { Database } from './client.js';

/**
 * Creates a row once per form token, inside the caller's transaction. The first submission
 * claims the token (its primary key decides between concurrent ones) and records the new id;
 * a repeated submission, even one that waited for the first to commit, gets that id back.
 */
export async function createOnce(
  db: Database,
  tenantId: string,
  form: { token: string; entity: string },
  create: () => Promise<string>,
): Promise<{ id: string; created: boolean }> {
  const claimed = await db
    .insertInto('form_submissions')
    .values({ tenant_id: tenantId, token: form.token, entity: form.entity })
    .onConflict((oc) => oc.columns(['tenant_id', 'token']).doNothing())
    .returning('token')
    .executeTakeFirst();
  if (!claimed) {
    const earlier = await db
      .selectFrom('form_submissions')
      .select(['entity', 'entity_id'])
      .where('tenant_id', '=', tenantId)
      .where('token', '=', form.token)
      .executeTakeFirstOrThrow();
    if (earlier.entity !== form.entity || !earlier.entity_id) {
      throw new Conflict('This form was already used for something else. Please reload it.');
    }
    return { id: earlier.entity_id, created: false };
  }
  const id = await create();
  await db
    .updateTable('form_submissions')
    .set({ entity_id: id })
    .where('tenant_id', '=', tenantId)
    .where('token', '=', form.token)
    .execute();
  return { id, created: true };
}
