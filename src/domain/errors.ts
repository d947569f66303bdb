import { translator, type MessageKey } from '../i18n/index.js';
import type { ErrorKey } from '../i18n/errors.js';

/** Values a message's `{name}` placeholders take; 'YYYY-MM-DD' dates show as a page shows dates. */
export type MessageParams = Record<string, string | number>;

/** Each refused field's message key (they may name any message, e.g. a form's own). */
export type FieldKeys = Record<string, MessageKey>;

const english = translator('en');

/** `slotTaken` → `slot_taken`: the JSON API's `error.code`. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Errors the application answers with on purpose; `onError` maps them to a status once. Each
 * names its message by key (i18n/errors.ts), never by an English sentence: pages
 * translate it, the JSON API answers `code` (the key in snake_case) and the English text,
 * which is also the error's `message` (logs, tests).
 */
export class DomainError extends Error {
  readonly code: string;

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 503,
    readonly key: ErrorKey,
    readonly params?: MessageParams,
    readonly fields?: FieldKeys,
  ) {
    super(english(key, params));
    this.code = snakeCase(key);
  }
}

export class BadRequest extends DomainError {
  constructor(key: ErrorKey = 'badRequest', params?: MessageParams, fields?: FieldKeys) {
    super(400, key, params, fields);
  }
}

export class Unauthenticated extends DomainError {
  constructor(key: ErrorKey = 'unauthenticated') {
    super(401, key);
  }
}

export class Forbidden extends DomainError {
  constructor(key: ErrorKey = 'forbidden') {
    super(403, key);
  }
}

/** Unknown ids and other tenants' ids alike: never reveal which. */
export class NotFound extends DomainError {
  constructor(key: ErrorKey = 'notFound') {
    super(404, key);
  }
}

export class Conflict extends DomainError {
  constructor(key: ErrorKey, params?: MessageParams) {
    super(409, key, params);
  }
}

/** The fields' messages take `params` too (e.g. a date the value must come after). */
export class ValidationFailed extends DomainError {
  constructor(fields: FieldKeys, params?: MessageParams) {
    super(422, 'invalid', params, fields);
  }
}

/** A passing outage (the database cannot be reached): answered with `Retry-After`. */
export class ServiceUnavailable extends DomainError {
  constructor(key: ErrorKey = 'databaseUnavailable') {
    super(503, key);
  }
}

/**
 * A change of several appointments refused as a whole (a series, a purchase rescheduled): the
 * JSON answer lists each refused one in `error.conflicts`.
 */
export class Conflicts extends Conflict {
  constructor(
    readonly conflicts: readonly Record<string, string | number | null>[],
    key: 'conflicts' | 'purchaseHasFutureAppointments' = 'conflicts',
  ) {
    super(key, { count: conflicts.length });
  }
}
