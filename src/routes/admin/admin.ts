import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../../auth/middleware.js';
import { NotFound, ValidationFailed } from '../../domain/errors.js';
import type { AuthedEnv } from '../../env.js';
import type { FieldErrors } from '../../views/forms.js';
import { text, uuid } from '../validation.js';

/** Every administration screen: signed in (else the login page), ADMIN only (else 403). */
export function adminRoutes() {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole('ADMIN'));
  return routes;
}

export const idParam = z.object({ id: uuid });

/** The row the `:id` of the address names, in the signed-in tenant; else 404. */
export async function existingRow<Executor, Row>(
  c: Context<AuthedEnv>,
  db: Executor,
  find: (db: Executor, tenantId: string, id: string) => Promise<Row | undefined>,
  notFound: ConstructorParameters<typeof NotFound>[0],
): Promise<Row> {
  const row = await find(db, c.var.auth.tenant.id, c.req.param('id') ?? '');
  if (!row) throw new NotFound(notFound);
  return row;
}

/**
 * What a "new" or "edit" form page gets from its route: it posts to the list (new) or to the
 * row (edit), carries the session's CSRF token and, when new, its form token (the one it was
 * sent with, when it comes back refused). Refused with field errors: 422.
 */
export function formPage(
  c: Context<AuthedEnv>,
  form: { action: string; id?: string; errors: FieldErrors; formToken?: string },
) {
  if (Object.keys(form.errors).length > 0) c.status(422);
  return {
    action: form.id ? `${form.action}/${form.id}` : form.action,
    csrfToken: c.var.auth.session.csrfToken,
    formToken: form.id ? undefined : (form.formToken ?? randomUUID()),
    errors: form.errors,
  };
}

/*
 * Field schemas whose messages are message keys (views/forms.tsx translates them), so a
 * refused form explains itself in the page's language.
 */

export const nameField = text().trim().min(1, 'fieldRequired').max(200, 'valueTooLong');

/** Money stays text on its way to numeric(12,2): never a float. */
export const moneyField = z
  .string()
  .trim()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'priceInvalid');

export function wholeNumberField(min: number, max: number, message: string) {
  return z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

/** The token a "new …" form carries (see db/form-submissions.ts). */
export const formTokenField = uuid;

/** A checkbox group or `name[]` field: one value arrives as a string, several as an array. */
export function listField<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value: unknown): unknown[] =>
      value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
    z.array(item),
  );
}

/** A form the domain refused (ValidationFailed): its field errors, to re-render it. */
export function fieldsOfRefusal(error: unknown): FieldErrors {
  if (error instanceof ValidationFailed && error.fields) return error.fields;
  throw error;
}
