import type { DeadMessage } from '../../db/messages.js';
import type { Locale } from '../../db/schema.js';
import { formatDateAt, formatTime, localName } from '../format.js';
import { Form } from '../forms.js';
import { useT } from '../request-context.js';

/** Messages that failed every attempt, each with a button to queue it again (ADMIN). */
export function DeadLettersPage(props: {
  messages: DeadMessage[];
  locale: Locale;
  timezone: string;
  csrfToken: string;
  requeued: boolean;
}) {
  const t = useT();
  const { locale, timezone } = props;
  const at = (instant: Date) =>
    `${formatDateAt(instant, timezone, locale)} ${formatTime(instant, timezone, locale)}`;
  return (
    <section class="card stack" aria-labelledby="dead-letters-title">
      <h1 id="dead-letters-title">{t('deadLettersTitle')}</h1>
      {props.requeued && (
        <p class="alert alert-ok" role="status" id="dead-letters-notice">
          {t('messageRequeued')}
        </p>
      )}
      <p>{t('deadLettersIntro')}</p>
      {props.messages.length === 0 ? (
        <p class="empty">{t('noDeadLetters')}</p>
      ) : (
        <table class="data-table" id="dead-letters">
          <thead>
            <tr>
              <th scope="col">{t('messageAppointment')}</th>
              <th scope="col">{t('messageKind')}</th>
              <th scope="col">{t('messageChannel')}</th>
              <th scope="col">{t('messageAttempts')}</th>
              <th scope="col">{t('messageError')}</th>
              <th scope="col">{t('adminActions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.messages.map((message) => (
              <tr id={`message-${message.id}`}>
                <td>
                  <a href={`/appointments/${message.appointment_id}`}>
                    {localName(message, locale)} · {at(message.starts_at)}
                  </a>
                </td>
                <td>{t(`messageKind_${message.kind}`)}</td>
                <td>{t(`messageChannel_${message.channel}`)}</td>
                <td>{message.attempts}</td>
                <td dir="auto">{message.last_error}</td>
                <td>
                  <Form
                    id={`retry-${message.id}`}
                    action={`/admin/messages/${message.id}/retry`}
                    csrfToken={props.csrfToken}
                  >
                    <button type="submit" class="button">
                      {t('retryMessage')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
