import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isApiRequest } from '../auth/middleware.js';
import { conflictFromDatabaseError } from '../db/errors.js';
import { DomainError, NotFound } from '../domain/errors.js';
import type { AppEnv } from '../env.js';
import { ErrorFragment, ErrorPage, localizeError } from '../views/error-page.js';
import { translator } from '../views/i18n.js';

interface ErrorAnswer {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  fields?: Record<string, string>;
}

function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof DomainError) return error;
  const conflict = conflictFromDatabaseError(error);
  if (conflict) return conflict;
  if (error instanceof HTTPException) {
    const { status } = error;
    return { status, code: `http_${status}`, message: error.message || 'Request refused.' };
  }
  console.error(error);
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side.' };
}

/** One place turns errors into answers: JSON for the API, a fragment for htmx, else a page. */
export function renderError(error: unknown, c: Context<AppEnv>) {
  const { status, code, message, fields } = answerFor(error);
  if (isApiRequest(c)) {
    return c.json({ success: false, error: { code, message, ...(fields && { fields }) } }, status);
  }
  const locale = c.get('locale') ?? 'en';
  const t = translator(locale);
  const localized = localizeError(message, t, locale);
  const localizedFields =
    fields &&
    Object.fromEntries(
      Object.entries(fields).map(([name, text]) => [name, localizeError(text, t, locale)]),
    );
  if (c.req.header('hx-request')) {
    const target = c.get('errorTarget');
    if (target) c.header('HX-Retarget', target);
    c.header('HX-Reswap', 'innerHTML');
    return c.html(<ErrorFragment message={localized} fields={localizedFields} />, status);
  }
  c.status(status);
  const title = status === 404 ? t('notFoundTitle') : t('errorTitle');
  return c.render(<ErrorPage t={t} title={title} message={localized} />, { title });
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
