import { SKIP_REASONS, type AppointmentMessage, type SkipReason } from '../../db/messages.js';
import type { Locale, MessageStatus } from '../../db/schema.js';
import type { MessageKey } from '../../i18n/index.js';
import { formatDateAt, formatTime } from '../format.js';
import { useT } from '../request-context.js';

const STATUS_BADGE: Record<MessageStatus, string> = {
  pending: 'badge-info',
  sending: 'badge-info',
  sent: 'badge-ok',
  dead: 'badge-warn',
  skipped: 'badge-muted',
};

/** Why a message was not sent, in the reader's words (the row keeps an internal word). */
const SKIP_REASON_TEXT: Record<SkipReason, MessageKey> = {
  [SKIP_REASONS.superseded]: 'messageSkipped_superseded',
  [SKIP_REASONS.appointmentCancelled]: 'messageSkipped_appointmentCancelled',
  [SKIP_REASONS.appointmentChanged]: 'messageSkipped_appointmentChanged',
  [SKIP_REASONS.remindersOff]: 'messageSkipped_remindersOff',
  [SKIP_REASONS.channelOff]: 'messageSkipped_channelOff',
};

export function skipReasonKey(reason: string | null): MessageKey {
  return (
    (SKIP_REASON_TEXT as Record<string, MessageKey | undefined>)[reason ?? ''] ??
    'messageSkipped_other'
  );
}

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
        // On a phone the table scrolls in its own frame, never the page.
        <div
          class="table-scroll"
          role="region"
          aria-labelledby="appointment-messages-title"
          tabindex={0}
        >
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
                      // A provider's error helps whoever retries; why a message was skipped is an
                      // internal word ('superseded'): its translation follows the badge.
                      title={
                        message.status === 'skipped' ? undefined : (message.last_error ?? undefined)
                      }
                    >
                      {t(`messageStatus_${message.status}`)}
                    </span>
                    {message.status === 'skipped' && (
                      <span class="message-reason muted" id={`message-reason-${message.id}`}>
                        {' '}
                        {t(skipReasonKey(message.last_error))}
                      </span>
                    )}
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
        </div>
      )}
    </section>
  );
}
