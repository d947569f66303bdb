import nodemailer from 'nodemailer';
import type { MessageChannel, MessageKind } from '../db/schema.js';
import type { RenderedMessage } from './templates.js';

/** One message on its way out; `id` is its idempotency key, the same on every attempt. */
export interface OutgoingMessage extends RenderedMessage {
  id: string;
  kind: MessageKind;
  /** An email address or a phone number; null for the log. */
  to: string | null;
}

/** Every way out looks the same to the worker: resolve when delivered, throw when not. */
export interface Channel {
  send(message: OutgoingMessage): Promise<void>;
}

export type Channels = Partial<Record<MessageChannel, Channel>>;

/** The demo's channel: the message, as the patient would read it, in the server's log. */
export function logChannel(write: (line: string) => void = console.log): Channel {
  return {
    send(message) {
      write(`[message ${message.id}] ${message.kind} (${message.locale}): ${message.subject}`);
      write(message.text);
      return Promise.resolve();
    },
  };
}

/**
 * Email over SMTP. SMTP has no idempotency key of its own: the message id goes out as the
 * Message-ID, by which mail systems recognise a second copy of the same message.
 */
export function smtpChannel(options: { url: string; from: string }): Channel {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.to!,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${message.id}@raseed.messages>`,
        headers: { 'Content-Language': message.locale },
      });
    },
  };
}

const PROVIDER_TIMEOUT_MS = 15_000;

/**
 * SMS or WhatsApp through the provider's HTTP API: a JSON POST carrying the message id as
 * `Idempotency-Key` (and in the body), so a retry after a lost answer is not sent twice.
 * Any answer but 2xx is a failure the worker retries.
 */
export function httpChannel(options: {
  channel: 'sms' | 'whatsapp';
  url: string;
  key: string;
}): Channel {
  return {
    async send(message) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${options.key}`,
          'Idempotency-Key': message.id,
        },
        body: JSON.stringify({
          channel: options.channel,
          to: message.to,
          text: message.text,
          idempotency_key: message.id,
        }),
        signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`The provider answered ${response.status}.`);
    },
  };
}
