import * as messages from '../db/messages.js';
import type { ClaimedMessage, MessageFacts } from '../db/messages.js';
import type { Database } from '../db/client.js';
import type { MessageChannel } from '../db/schema.js';
import { quietHoursEnd } from '../domain/quiet-hours.js';
import type { Clock } from '../env.js';
import type { Channels } from './channels.js';
import { renderMessage } from './templates.js';

export interface WorkerOptions {
  /** Messages claimed per pass. */
  batchSize: number;
  /** How long a claimed message is this worker's; longer than a channel's timeout. */
  leaseMs: number;
  /** Attempts before a message goes to the dead letters. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  pollMs: number;
}

const DEFAULTS: WorkerOptions = {
  batchSize: 20,
  leaseMs: 60_000,
  maxAttempts: 5,
  backoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  pollMs: 1_000,
};

const LIVE = new Set(['BOOKED', 'CONFIRMED']);

/**
 * Delivers the outbox (db/messages.ts): every instance runs one, and the claim keeps them from
 * taking the same message. At least once: a worker that dies mid-send leaves the message to
 * be claimed again when its lease ends, with the same idempotency key. A message that is sent
 * is never claimed again.
 */
export function createMessageWorker(deps: {
  db: Database;
  clock: Clock;
  channels: Channels;
  options?: Partial<WorkerOptions>;
}) {
  const { db, clock, channels } = deps;
  const options = { ...DEFAULTS, ...deps.options };

  function retryAt(attempts: number, now: Date): Date | null {
    if (attempts >= options.maxAttempts) return null;
    const delay = Math.min(options.backoffMs * 2 ** (attempts - 1), options.maxBackoffMs);
    return new Date(now.getTime() + delay);
  }

  async function deliver(message: ClaimedMessage): Promise<void> {
    const facts = await messages.findMessageFacts(db, message);
    const now = clock();
    if (message.kind === 'reminder' && !stillDue(message, facts, now)) {
      await messages.markSkipped(db, message, messages.SKIP_REASONS.appointmentChanged);
      return;
    }
    const quietUntil = quietHoursEnd(
      now,
      facts.timezone,
      facts.quiet_hours_start,
      facts.quiet_hours_end,
    );
    if (quietUntil) {
      await messages.postpone(db, message, quietUntil);
      return;
    }
    try {
      const channel = channels[message.channel];
      if (!channel) throw new Error(`The ${message.channel} channel is not configured.`);
      await channel.send({
        ...(await renderMessage(message.kind, facts)),
        id: message.id,
        kind: message.kind,
        to: recipient(message.channel, facts),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await messages.markFailed(db, message, reason.slice(0, 500), retryAt(message.attempts, now));
      return;
    }
    await messages.markSent(db, message, clock());
  }

  /** One pass: claims what is due and delivers it; the number of messages claimed. */
  async function deliverDue(): Promise<number> {
    const claimed = await messages.claimDueMessages(db, clock(), {
      limit: options.batchSize,
      leaseMs: options.leaseMs,
    });
    for (const message of claimed) await deliver(message);
    return claimed.length;
  }

  let running: Promise<void> | null = null;
  let stopped = true;

  async function loop() {
    while (!stopped) {
      try {
        // A full batch: more may be due at once.
        if ((await deliverDue()) === options.batchSize) continue;
      } catch (error) {
        console.error('Message worker:', error instanceof Error ? error.message : error);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  }

  return {
    deliverDue,
    start() {
      if (!stopped) return;
      stopped = false;
      running = loop();
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

export type MessageWorker = ReturnType<typeof createMessageWorker>;

/**
 * A reminder of a time the appointment no longer has, of one cancelled, or of one already
 * begun (the worker was down) is not sent.
 */
function stillDue(message: ClaimedMessage, facts: MessageFacts, now: Date): boolean {
  return (
    LIVE.has(facts.status) &&
    facts.starts_at > now &&
    facts.starts_at.getTime() === new Date(message.appointment_starts_at).getTime()
  );
}

function recipient(channel: MessageChannel, facts: MessageFacts): string | null {
  if (channel === 'email') return facts.email;
  if (channel === 'sms' || channel === 'whatsapp') return facts.phone;
  return null;
}
