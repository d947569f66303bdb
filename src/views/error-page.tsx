import type { Locale } from '../db/schema.js';
import { formatDate } from './format.js';
import type { Translate } from './i18n.js';
import { errorMessageKey } from './messages/errors.js';

export const ERROR_MESSAGE_ID = 'error-message';

export function ErrorPage({ t, title, message }: { t: Translate; title: string; message: string }) {
  return (
    <section class="card narrow" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p id={ERROR_MESSAGE_ID}>{message}</p>
      <p>
        <a href="/">{t('backHome')}</a>
      </p>
    </section>
  );
}

/** What an htmx request gets instead of a page: one alert (with field errors) to swap in. */
export function ErrorFragment(props: { message: string; fields?: Record<string, string> }) {
  const fields = Object.values(props.fields ?? {});
  return (
    <div class="alert alert-error" role="alert" id={ERROR_MESSAGE_ID}>
      <p>{props.message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((message) => (
            <li>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * An error message (thrown in English, as the JSON API answers) in the reader's language; its
 * dates written as the page writes dates. A message not in the list stays as it is.
 */
export function localizeError(message: string, t: Translate, locale: Locale): string {
  const known = errorMessageKey(message);
  if (!known) return message;
  const values = Object.fromEntries(
    Object.entries(known.values).map(([name, value]) => [
      name,
      /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value, locale) : value,
    ]),
  );
  return t(known.key, values);
}
