import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../../auth/middleware.js';
import type { Actor } from '../../db/audit.js';
import { Unauthenticated, ValidationFailed } from '../../domain/errors.js';
import type { AppEnv, AuthedEnv } from '../../env.js';
import { clientIp } from '../request.js';
import type { FieldErrors } from '../../views/forms.js';
import { uuid } from '../validation.js';

/** Every administration screen: signed in (else the login page), ADMIN only (else 403). */
export function adminRoutes() {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole('ADMIN'));
  return routes;
}

export function actorOf(c: Context<AuthedEnv>): Actor {
  return { id: c.var.auth.user.id, ip: clientIp(c) };
}

/** validatedForm's hooks see the app's context; behind adminRoutes() it always has a user. */
export function authed(c: Context<AppEnv>): Context<AuthedEnv> {
  if (!c.get('auth')) throw new Unauthenticated();
  return c as unknown as Context<AuthedEnv>;
}

export const idParam = z.object({ id: uuid });

/*
 * Field schemas whose messages are message keys (views/forms.tsx translates them), so a
 * refused form explains itself in the page's language.
 */

export const nameField = z.string().trim().min(1, 'errRequired').max(200, 'errTooLong');

/** Money stays text on its way to numeric(12,2): never a float. */
export const moneyField = z
  .string()
  .trim()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'errPrice');

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
