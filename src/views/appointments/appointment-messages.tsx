import type { AppointmentMessage } from '../../db/messages.js';
import type { Locale, MessageStatus } from '../../db/schema.js';
import { formatDateAt, formatTime } from '../format.js';
import { useT } from '../request-context.js';

const STATUS_BADGE: Record<MessageStatus, string> = {
  pending: 'badge-info',
  sending: 'badge-info',
  sent: 'badge-ok',
  dead: 'badge-warn',
  skipped: 'badge-muted',
};

/** What the patient was told about this appointment, on which channel, and whether it went. */
export function AppointmentMessages(props: {
  messages: AppointmentMessage[];
  locale: Locale;
  timezone: string;
}) {
  const t = useT();
  const { locale, timezone } = props;
  const at = (instant: Date) =>
    `${formatDateAt(instant, timezone, locale)} ${formatTime(instant, timezone, locale)}`;
  return (
    <section id="appointment-messages" aria-labelledby="appointment-messages-title">
      <h2 id="appointment-messages-title">{t('messagesTitle')}</h2>
      {props.messages.length === 0 ? (
        <p class="empty">{t('noMessages')}</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">{t('messageKind')}</th>
              <th scope="col">{t('messageChannel')}</th>
              <th scope="col">{t('messageStatus')}</th>
              <th scope="col">{t('messageWhen')}</th>
            </tr>
          </thead>
          <tbody>
            {props.messages.map((message) => (
              <tr id={`message-${message.id}`}>
                <td>{t(`messageKind_${message.kind}`)}</td>
                <td>{t(`messageChannel_${message.channel}`)}</td>
                <td>
                  <span
                    class={`badge ${STATUS_BADGE[message.status]}`}
                    // A provider's error helps whoever retries; why a message was skipped is
                    // an internal word ('superseded') the status already says in the reader's language.
                    title={
                      message.status === 'skipped' ? undefined : (message.last_error ?? undefined)
                    }
                  >
                    {t(`messageStatus_${message.status}`)}
                  </span>
                </td>
                <td>
                  {message.sent_at
                    ? t('messageSentAt', { time: at(message.sent_at) })
                    : t('messageDueAt', { time: at(message.available_at) })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
