import { html } from 'hono/html';
import type { MessageFacts } from '../db/messages.js';
import type { Locale, MessageKind } from '../db/schema.js';
import { localDate } from '../domain/dates.js';
import { translator } from '../i18n/index.js';
import { formatLongDate, formatTimeRange, localName } from '../views/format.js';

export interface RenderedMessage {
  locale: Locale;
  subject: string;
  /** For SMS, WhatsApp and the log. */
  text: string;
  /** For email, with the language and direction set on the document. */
  html: string;
}

/** Unicode isolates: an inserted value keeps its own direction inside the sentence. */
const FIRST_STRONG_ISOLATE = '\u2068';
const LEFT_TO_RIGHT_ISOLATE = '\u2066';
const POP_DIRECTIONAL_ISOLATE = '\u2069';
const RIGHT_TO_LEFT_MARK = '\u200f';

/**
 * A message in the patient's language, with the centre's local date and time. In Arabic each
 * name is isolated (an English provider name stays whole) and the time range is isolated left
 * to right, so '09:00–09:45' never reads '09:45–09:00' inside right-to-left text; the text
 * starts with a right-to-left mark for SMS apps that guess the direction from it.
 */
export async function renderMessage(
  kind: MessageKind,
  facts: MessageFacts,
): Promise<RenderedMessage> {
  const locale = facts.preferred_language;
  const t = translator(locale);
  const arabic = locale === 'ar';
  const isolate = (value: string) =>
    arabic ? FIRST_STRONG_ISOLATE + value + POP_DIRECTIONAL_ISOLATE : value;
  const time = formatTimeRange(facts.starts_at, facts.ends_at, facts.timezone, locale);
  const session =
    facts.session_number_in_package !== null && facts.total_sessions !== null
      ? t('messageSession', {
          number: facts.session_number_in_package,
          total: facts.total_sessions,
        })
      : '';
  const values = {
    centre: isolate(facts.centre),
    patient: isolate(
      localName({ name_en: facts.patient_name_en, name_ar: facts.patient_name_ar }, locale),
    ),
    service: isolate(
      localName({ name_en: facts.service_name_en, name_ar: facts.service_name_ar }, locale),
    ),
    clinic: isolate(
      localName({ name_en: facts.clinic_name_en, name_ar: facts.clinic_name_ar }, locale),
    ),
    provider: isolate(
      localName({ name_en: facts.provider_name_en, name_ar: facts.provider_name_ar }, locale),
    ),
    date: formatLongDate(localDate(facts.timezone, facts.starts_at), locale),
    time: arabic ? LEFT_TO_RIGHT_ISOLATE + time + POP_DIRECTIONAL_ISOLATE : time,
    session,
  };
  const subject = t(`messageSubject_${kind}`, values);
  const body = t(`messageBody_${kind}`, values);
  const signature = t('messageSignature', values);
  const text = `${arabic ? RIGHT_TO_LEFT_MARK : ''}${body}\n— ${signature}`;
  // hono's html escapes every value; it answers a promise only when one is given.
  const document = await html`<!doctype html>
    <html lang="${locale}" dir="${arabic ? 'rtl' : 'ltr'}">
      <head>
        <meta charset="utf-8" />
        <title>${subject}</title>
      </head>
      <body>
        <p>${body}</p>
        <p>— ${signature}</p>
      </body>
    </html>`;
  return { locale, subject, text, html: String(document) };
}
