import { Conflict } from '../domain/errors.js';
import type { DbTransaction } from './client.js';

export interface FormToken {
  tenantId: string;
  /** The hidden token of the form, new on every render of an empty form. */
  token: string;
  /** What the form creates, e.g. 'patient': a token never answers for another kind of row. */
  entity: string;
}

/**
 * Runs `create` once per form token, inside the caller's transaction. A second submit of the
 * same form gets the id the first one created, `created: false`. When both arrive at once,
 * the second insert waits on the first one's primary-key lock and then finds its row.
 */
export async function submitOnce(
  trx: DbTransaction,
  form: FormToken,
  create: () => Promise<string>,
): Promise<{ id: string; created: boolean }> {
  const claimed = await trx
    .insertInto('form_submissions')
    .values({ tenant_id: form.tenantId, token: form.token, entity: form.entity })
    .onConflict((oc) => oc.doNothing())
    .returning('token')
    .executeTakeFirst();
  if (!claimed) {
    const earlier = await trx
      .selectFrom('form_submissions')
      .select(['entity', 'entity_id'])
      .where('tenant_id', '=', form.tenantId)
      .where('token', '=', form.token)
      .executeTakeFirstOrThrow();
    if (earlier.entity !== form.entity || !earlier.entity_id) {
      throw new Conflict('formAlreadySubmitted');
    }
    return { id: earlier.entity_id, created: false };
  }
  const id = await create();
  await trx
    .updateTable('form_submissions')
    .set({ entity_id: id })
    .where('tenant_id', '=', form.tenantId)
    .where('token', '=', form.token)
    .execute();
  return { id, created: true };
}
