import type { Translate } from '../i18n/index.js';

export const ERROR_MESSAGE_ID = 'error-message';

/**
 * Takes `t` rather than reading the request context: an error can be rendered before the
 * renderer middleware ran (a body over the limit, a refused role in a bare sub-app).
 */
export function ErrorPage(props: {
  t: Translate;
  title: string;
  message: string;
  /** A page that may work in a moment (an outage): the link loads it again. */
  retryHref?: string;
}) {
  const { t, title, message, retryHref } = props;
  return (
    <section class="card narrow" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p id={ERROR_MESSAGE_ID}>{message}</p>
      <p>
        {retryHref ? (
          <a href={retryHref} id="error-retry">
            {t('tryAgain')}
          </a>
        ) : (
          <a href="/">{t('backHome')}</a>
        )}
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
