import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { z } from 'zod';
import { BadRequest, ValidationFailed, type FieldKeys } from '../domain/errors.js';
import { MAX_HALALAS, parseHalalas } from '../domain/money.js';
import type { AppEnv } from '../env.js';
import type { FieldErrors, Submitted } from '../views/forms.js';
import { isMessageKey, type MessageKey } from '../i18n/index.js';

/**
 * zod's own messages are English sentences; ours are message keys, translated when a page or
 * fragment shows them (routes/errors.tsx, the form views). So every issue a schema does not
 * name itself gets the key of what went wrong, whatever the request's language.
 */
function issueKey(issue: z.core.$ZodRawIssue): MessageKey {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return 'fieldRequired';
      return issue.expected === 'number' || issue.expected === 'int'
        ? 'numberInvalid'
        : 'valueInvalid';
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') {
        return Number(issue.minimum) <= 1 ? 'fieldRequired' : 'valueTooShort';
      }
      return issue.origin === 'date' ? 'dateOutOfRange' : 'numberOutOfRange';
    case 'too_big':
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') {
        return 'valueTooLong';
      }
      return issue.origin === 'date' ? 'dateOutOfRange' : 'numberOutOfRange';
    case 'invalid_format':
      if (issue.format === 'email') return 'emailInvalid';
      if (issue.format === 'date') return 'dateInvalid';
      if (issue.format === 'datetime') return 'dateTimeInvalid';
      return 'valueInvalid';
    case 'invalid_value':
      return issue.input === undefined ? 'fieldRequired' : 'optionInvalid';
    case 'invalid_union': {
      // blankAsMissing(schema): the last branch is the one that says what the value lacks.
      const message = issue.errors.at(-1)?.[0]?.message;
      return message !== undefined && isMessageKey(message) ? message : 'valueInvalid';
    }
    default:
      return 'valueInvalid';
  }
}

z.config({ customError: issueKey });

/** Ids are UUIDs v4 everywhere (gen_random_uuid). */
export const uuid = z.uuid({ version: 'v4' });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Every string a form, query or JSON body sends: text PostgreSQL can store — no NUL character,
 * no lone UTF-16 surrogate (invalid UTF-8) — refused as a field error, never a 500.
 */
export function text(params?: Parameters<typeof z.string>[0]) {
  return z
    .string(params)
    .refine((value) => !value.includes('\u0000') && !LONE_SURROGATE.test(value), {
      message: 'invalidCharacters' satisfies MessageKey,
    });
}

/** The years a clinic's calendar can mean; beyond them PostgreSQL and luxon disagree or fail. */
const FIRST_DATE = '2000-01-01';
const LAST_DATE = '2999-12-31';
const OUT_OF_RANGE: MessageKey = 'dateOutOfRange';

/** A 'YYYY-MM-DD' calendar date that exists, within FIRST_DATE..LAST_DATE. */
export const calendarDate = z.iso
  .date()
  .refine((date) => date >= FIRST_DATE && date <= LAST_DATE, OUT_OF_RANGE);

/** An ISO 8601 instant with its offset, within the same years. */
export const instant = z.iso.datetime({ offset: true }).refine((value) => {
  const time = Date.parse(value);
  // A malformed value has failed the format check already: nothing more to say here.
  if (Number.isNaN(time)) return true;
  const utcDate = new Date(time).toISOString().slice(0, 10);
  return utcDate >= FIRST_DATE && utcDate <= LAST_DATE;
}, OUT_OF_RANGE);

/**
 * An amount of money (a JSON number, or a form's text) in halalas: above zero, at most two
 * decimals, within numeric(12,2). '1e3', NaN, '-5' and '1.005' are field errors.
 */
export const moneyAmount = z.union([z.number(), text()]).transform((value, context) => {
  const halalas = parseHalalas(typeof value === 'number' ? String(value) : value.trim());
  if (halalas === null || halalas > MAX_HALALAS) {
    context.addIssue({ code: 'custom', message: 'amountInvalid' satisfies MessageKey });
    return z.NEVER;
  }
  if (halalas === 0) {
    context.addIssue({ code: 'custom', message: 'amountNotPositive' satisfies MessageKey });
    return z.NEVER;
  }
  return halalas;
});

/** A form field left empty (a cleared input, a "choose…" option) counts as not sent. */
export function blankAsMissing<T extends z.ZodType>(schema: T) {
  return z.union([z.literal('').transform(() => undefined), schema]).optional();
}

/** Each field's first issue, as a message key. */
export function fieldErrorsOf(error: { issues: readonly z.core.$ZodIssue[] }): FieldKeys {
  const fields: FieldKeys = {};
  for (const issue of error.issues) {
    const name = issue.path.join('.') || '_';
    fields[name] ??= isMessageKey(issue.message) ? issue.message : 'valueInvalid';
  }
  return fields;
}

/**
 * Invalid input becomes our own error (JSON, fragment or page: see routes/errors.tsx):
 * 400 for a malformed URL (query, path), 422 for a submitted body that fails validation.
 */
export function validated<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    const fields = fieldErrorsOf(result.error);
    if (target === 'query' || target === 'param') {
      throw new BadRequest('invalidAddress', { fields: Object.keys(fields).join(', ') }, fields);
    }
    throw new ValidationFailed(fields);
  });
}

/** For a form that re-renders itself with its field errors when its input is invalid. */
export function validatedForm<T extends z.ZodType>(
  schema: T,
  renderInvalid: (
    c: Context<AppEnv>,
    fields: FieldErrors,
    submitted: Submitted,
  ) => Response | Promise<Response>,
) {
  return zValidator('form', schema, (result, c) => {
    if (result.success) return;
    // zValidator cannot infer the app's Env from a hook; every route here runs in AppEnv.
    const context = c as unknown as Context<AppEnv>;
    return renderInvalid(context, fieldErrorsOf(result.error), result.data as Submitted);
  });
}

/** A password someone sets (new user, reset, change); field messages are message keys. */
export const newPassword = z
  .string({ error: 'fieldRequired' })
  .min(1, 'fieldRequired')
  .min(10, 'passwordTooShort')
  .max(200, 'passwordTooLong');
