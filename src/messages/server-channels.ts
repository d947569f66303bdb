import { httpChannel, logChannel, smtpChannel, type Channels } from './channels.js';

/**
 * The channels this server can deliver through, from its environment: the log always; email
 * with SMTP_URL (and MAIL_FROM); SMS and WhatsApp with SMS_PROVIDER_URL and SMS_PROVIDER_KEY
 * (WHATSAPP_PROVIDER_URL when WhatsApp goes elsewhere). A centre switches them on in its
 * settings; a message for a channel missing here fails and ends in the dead letters.
 */
export function channelsFromEnv(env: NodeJS.ProcessEnv): Channels {
  const channels: Channels = { log: logChannel() };
  if (env.SMTP_URL) {
    channels.email = smtpChannel({
      url: env.SMTP_URL,
      from: env.MAIL_FROM ?? 'Raseed <no-reply@raseed.invalid>',
    });
  }
  const key = env.SMS_PROVIDER_KEY ?? '';
  if (env.SMS_PROVIDER_URL) {
    channels.sms = httpChannel({ channel: 'sms', url: env.SMS_PROVIDER_URL, key });
  }
  const whatsappUrl = env.WHATSAPP_PROVIDER_URL ?? env.SMS_PROVIDER_URL;
  if (whatsappUrl) channels.whatsapp = httpChannel({ channel: 'whatsapp', url: whatsappUrl, key });
  return channels;
}
