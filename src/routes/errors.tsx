import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isApiRequest } from '../auth/middleware.js';
import type { Locale } from '../db/schema.js';
import { conflictFromDatabaseError, unavailableFromDatabaseError } from '../db/errors.js';
import {
  Conflicts,
  DomainError,
  NotFound,
  snakeCase,
  type MessageParams,
} from '../domain/errors.js';
import type { AppEnv } from '../env.js';
import { ErrorFragment, ErrorPage } from '../views/error-page.js';
import { formatDate } from '../views/format.js';
import { translator, type MessageKey } from '../i18n/index.js';
import type { ErrorKey } from '../i18n/errors.js';

interface ErrorAnswer {
  status: ContentfulStatusCode;
  code: string;
  key: ErrorKey;
  params?: MessageParams;
  fields?: Record<string, MessageKey>;
}

/** An outage: the database is usually back within seconds (a restart, a failover). */
export const RETRY_AFTER_SECONDS = 5;

/** HTTPExceptions come from Hono's own middleware (body limit, malformed JSON). */
const HTTP_KEYS: Partial<Record<number, ErrorKey>> = { 400: 'badRequest', 413: 'tooLarge' };

function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof DomainError) return error;
  const known = conflictFromDatabaseError(error) ?? unavailableFromDatabaseError(error);
  if (known) return known;
  if (error instanceof HTTPException) {
    const { status } = error;
    const key = HTTP_KEYS[status];
    return key
      ? { status, code: snakeCase(key), key }
      : { status, code: `http_${status}`, key: 'requestRefused' };
  }
  console.error(error);
  return { status: 500, code: 'internal_error', key: 'internalError' };
}

/** Parameters as the page writes them: 'YYYY-MM-DD' dates in the reader's language. */
function localParams(params: MessageParams | undefined, locale: Locale) {
  if (!params) return undefined;
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      name,
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? formatDate(value, locale)
        : value,
    ]),
  );
}

/**
 * One place turns errors into answers: JSON for the API (the key as `code`, English text), a
 * fragment for htmx, else a page (the key's message in the request's language).
 */
export function renderError(error: unknown, c: Context<AppEnv>) {
  const { status, code, key, params, fields } = answerFor(error);
  const locale: Locale = isApiRequest(c) ? 'en' : (c.get('locale') ?? 'en');
  const t = translator(locale);
  const values = isApiRequest(c) ? params : localParams(params, locale);
  const message = t(key, values);
  if (status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  const fieldMessages =
    fields &&
    Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, t(field, values)]));
  if (isApiRequest(c)) {
    return c.json(
      {
        success: false,
        error: {
          code,
          message,
          ...(fieldMessages && { fields: fieldMessages }),
          ...(error instanceof Conflicts && { conflicts: error.conflicts }),
        },
      },
      status,
    );
  }
  if (c.req.header('hx-request')) {
    const target = c.get('errorTarget');
    if (target) c.header('HX-Retarget', target);
    c.header('HX-Reswap', 'innerHTML');
    return c.html(<ErrorFragment message={message} fields={fieldMessages} />, status);
  }
  c.status(status);
  const title =
    status === 404 ? t('notFoundTitle') : status === 503 ? t('unavailableTitle') : t('errorTitle');
  const retryHref = status === 503 && c.req.method === 'GET' ? samePage(c) : undefined;
  return c.render(<ErrorPage t={t} title={title} message={message} retryHref={retryHref} />, {
    title,
  });
}

/** The request's own page, as a link that cannot leave the site (`//host` would). */
function samePage(c: Context): string {
  const url = new URL(c.req.url);
  return `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
}

/** Errors of the routes behind this middleware show in `selector` (e.g. inside a modal). */
export function showErrorsIn(selector: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('errorTarget', selector);
    await next();
  });
}

export function renderNotFound(c: Context<AppEnv>) {
  return renderError(new NotFound(), c);
}
