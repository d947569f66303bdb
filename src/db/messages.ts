import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database, DbTransaction } from './client.js';
import type { MessageChannel, MessageKind } from './schema.js';

/**
 * The outbox of patient messages. A change to an appointment writes its messages here in its
 * own transaction (so a rolled-back booking sends nothing and a committed one loses nothing);
 * the worker (src/messages/worker.ts) delivers them afterwards.
 */

export type AppointmentEvent = 'booked' | 'cancelled' | 'rescheduled';

/**
 * Why a message was not sent, as `last_error` of a skipped row: internal words, shown to the
 * desk through their translations (messageSkipped_<word>).
 */
export const SKIP_REASONS = {
  superseded: 'superseded',
  appointmentCancelled: 'appointment cancelled',
  appointmentChanged: 'appointment changed',
  remindersOff: 'reminders off',
  channelOff: 'channel off',
} as const;

export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

/**
 * The messages of one change to an appointment, for every channel the centre has switched on
 * and the patient consented to and can be reached by; after a booking or a move, the
 * reminders of its new time too (their earlier ones are dropped). Call it inside the
 * transaction of the change, after the change. A replayed booking writes nothing again.
 */
export async function enqueueAppointmentMessages(
  trx: DbTransaction,
  tenantId: string,
  appointmentId: string,
  event: AppointmentEvent,
  now: Date,
): Promise<void> {
  const facts = await trx
    .selectFrom('appointments as a')
    .innerJoin('patients as p', (join) =>
      join.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.patient_id'),
    )
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select([
      'a.starts_at',
      'p.email',
      'p.phone',
      'p.consent_reminders',
      'p.consent_email',
      'p.consent_sms',
      'p.consent_whatsapp',
      't.log_messages',
      't.email_messages',
      't.sms_messages',
      't.whatsapp_messages',
      't.reminder_hours_before',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', '=', appointmentId)
    .executeTakeFirstOrThrow();
  const channels: MessageChannel[] = [];
  if (facts.log_messages) channels.push('log');
  if (facts.email_messages && facts.consent_email && facts.email) channels.push('email');
  if (facts.sms_messages && facts.consent_sms && facts.phone) channels.push('sms');
  if (facts.whatsapp_messages && facts.consent_whatsapp && facts.phone) channels.push('whatsapp');

  if (event !== 'booked') {
    const reason =
      event === 'cancelled' ? SKIP_REASONS.appointmentCancelled : SKIP_REASONS.superseded;
    await dropPendingReminders(trx, tenantId, appointmentId, reason);
  }
  const start = facts.starts_at;
  const rows: { kind: MessageKind; channel: MessageChannel; key: string; availableAt: Date }[] =
    channels.map((channel) => ({
      kind: event,
      channel,
      // A move can happen again: each move (to its new time) is its own message.
      key: event === 'rescheduled' ? start.toISOString() : '',
      availableAt: now,
    }));
  const hours = facts.reminder_hours_before;
  if (event !== 'cancelled' && hours !== null && facts.consent_reminders) {
    const due = new Date(start.getTime() - hours * 3_600_000);
    if (due > now) {
      for (const channel of channels) {
        rows.push({ kind: 'reminder', channel, key: start.toISOString(), availableAt: due });
      }
    }
  }
  if (rows.length === 0) return;
  await trx
    .insertInto('messages')
    .values(
      rows.map((row) => ({
        tenant_id: tenantId,
        appointment_id: appointmentId,
        kind: row.kind,
        channel: row.channel,
        dedupe_key: [appointmentId, row.kind, row.channel, row.key].join(':'),
        appointment_starts_at: start,
        available_at: row.availableAt,
      })),
    )
    .onConflict((conflict) => conflict.columns(['tenant_id', 'dedupe_key']).doNothing())
    .execute();
}

async function dropPendingReminders(
  trx: DbTransaction,
  tenantId: string,
  appointmentId: string,
  reason: SkipReason,
) {
  await trx
    .updateTable('messages')
    .set({ status: 'skipped', last_error: reason })
    .where('tenant_id', '=', tenantId)
    .where('appointment_id', '=', appointmentId)
    .where('kind', '=', 'reminder')
    .where('status', '=', 'pending')
    .execute();
}

/**
 * The centre's reminder lead changed: every reminder still waiting is due `hours` before its
 * appointment, or at once when that moment has passed (the appointment is still ahead: the
 * worker skips a reminder of one that is not). Null (no reminders): they are dropped.
 * Runs in the transaction of the settings change.
 */
export async function retimePendingReminders(
  trx: DbTransaction,
  tenantId: string,
  hours: number | null,
  now: Date,
): Promise<void> {
  const waiting = trx
    .updateTable('messages')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'reminder')
    .where('status', '=', 'pending');
  if (hours === null) {
    await waiting.set({ status: 'skipped', last_error: SKIP_REASONS.remindersOff }).execute();
    return;
  }
  await waiting
    .set({
      available_at: sql<Date>`greatest(${now}::timestamptz,
        appointment_starts_at - make_interval(hours => ${hours}::int))`,
    })
    .execute();
}

/** Messages still waiting on channels the centre has switched off are not sent. */
export async function skipPendingOnChannels(
  trx: DbTransaction,
  tenantId: string,
  channels: MessageChannel[],
): Promise<void> {
  if (channels.length === 0) return;
  await trx
    .updateTable('messages')
    .set({ status: 'skipped', last_error: SKIP_REASONS.channelOff })
    .where('tenant_id', '=', tenantId)
    .where('channel', 'in', channels)
    .where('status', '=', 'pending')
    .execute();
}

/** A message a worker holds: only the holder of `claim_token` may settle it. */
export interface ClaimedMessage {
  tenant_id: string;
  id: string;
  appointment_id: string;
  kind: MessageKind;
  channel: MessageChannel;
  appointment_starts_at: Date;
  attempts: number;
  claim_token: string;
}

/**
 * Takes up to `limit` due messages for one worker: pending ones whose time has come, and
 * those whose holder's lease ran out (it died mid-send: delivering again is why the provider
 * call carries the message's id as its idempotency key). `for update skip locked` lets
 * workers on several instances claim at once without waiting for or taking each other's rows;
 * the row's status and token then keep them apart until the lease ends.
 */
export async function claimDueMessages(
  db: Database,
  now: Date,
  options: { limit: number; leaseMs: number },
): Promise<ClaimedMessage[]> {
  const token = randomUUID();
  const lockedUntil = new Date(now.getTime() + options.leaseMs);
  const result = await sql<ClaimedMessage>`
    update messages m
    set status = 'sending', claim_token = ${token}, locked_until = ${lockedUntil},
        attempts = m.attempts + 1
    from (
      select tenant_id, id from messages
      where (status = 'pending' and available_at <= ${now})
         or (status = 'sending' and locked_until <= ${now})
      order by available_at
      limit ${options.limit}
      for update skip locked
    ) due
    where m.tenant_id = due.tenant_id and m.id = due.id
    returning m.tenant_id, m.id, m.appointment_id, m.kind, m.channel, m.appointment_starts_at,
              m.attempts, m.claim_token`.execute(db);
  return result.rows;
}

/** The row as its holder left it; false when its lease was lost to another worker. */
async function settle(
  db: Database,
  message: ClaimedMessage,
  values: {
    status: 'pending' | 'sent' | 'dead' | 'skipped';
    available_at?: Date;
    attempts?: number;
    last_error?: string | null;
    sent_at?: Date;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ ...values, claim_token: null, locked_until: null })
    .where('tenant_id', '=', message.tenant_id)
    .where('id', '=', message.id)
    .where('claim_token', '=', message.claim_token)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function markSent(db: Database, message: ClaimedMessage, now: Date) {
  return settle(db, message, { status: 'sent', sent_at: now, last_error: null });
}

export function markSkipped(db: Database, message: ClaimedMessage, reason: SkipReason) {
  return settle(db, message, { status: 'skipped', last_error: reason });
}

/** Quiet hours: back in the queue until `until`, the attempt not counted. */
export function postpone(db: Database, message: ClaimedMessage, until: Date) {
  return settle(db, message, {
    status: 'pending',
    available_at: until,
    attempts: message.attempts - 1,
  });
}

/** A failed attempt: again at `retryAt`, or to the dead letters when there is none. */
export function markFailed(
  db: Database,
  message: ClaimedMessage,
  error: string,
  retryAt: Date | null,
) {
  return retryAt
    ? settle(db, message, { status: 'pending', available_at: retryAt, last_error: error })
    : settle(db, message, { status: 'dead', last_error: error });
}

/** What the desk sees on an appointment: its messages, newest first. */
export function listAppointmentMessages(db: Database, tenantId: string, appointmentId: string) {
  return db
    .selectFrom('messages')
    .select([
      'id',
      'kind',
      'channel',
      'status',
      'attempts',
      'available_at',
      'sent_at',
      'last_error',
    ])
    .where('tenant_id', '=', tenantId)
    .where('appointment_id', '=', appointmentId)
    .orderBy('created_at', 'desc')
    .orderBy('available_at', 'desc')
    .execute();
}

export type AppointmentMessage = Awaited<ReturnType<typeof listAppointmentMessages>>[number];

/** The dead letters of a centre, newest first, with the appointment they are about. */
export function listDeadMessages(db: Database, tenantId: string) {
  return db
    .selectFrom('messages as m')
    .innerJoin('appointments as a', (join) =>
      join.onRef('a.tenant_id', '=', 'm.tenant_id').onRef('a.id', '=', 'm.appointment_id'),
    )
    .innerJoin('patients as p', (join) =>
      join.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.patient_id'),
    )
    .select([
      'm.id',
      'm.kind',
      'm.channel',
      'm.attempts',
      'm.last_error',
      'm.created_at',
      'm.appointment_id',
      'a.starts_at',
      'p.name_en',
      'p.name_ar',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.status', '=', 'dead')
    .orderBy('m.created_at', 'desc')
    .limit(200)
    .execute();
}

export type DeadMessage = Awaited<ReturnType<typeof listDeadMessages>>[number];

/** A dead letter back in the queue, due now, with its attempts counted afresh. */
export async function retryDeadMessage(
  db: Database,
  tenantId: string,
  messageId: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'pending', attempts: 0, available_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', messageId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What the worker needs to address and write a message, as the appointment is now. */
export function findMessageFacts(db: Database, message: ClaimedMessage) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .innerJoin('patients as p', (join) =>
      join.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.patient_id'),
    )
    .innerJoin('clinics as c', (join) =>
      join.onRef('c.tenant_id', '=', 'a.tenant_id').onRef('c.id', '=', 'a.clinic_id'),
    )
    .innerJoin('providers as pr', (join) =>
      join.onRef('pr.tenant_id', '=', 'a.tenant_id').onRef('pr.id', '=', 'a.provider_id'),
    )
    .innerJoin('services as s', (join) =>
      join.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.service_id'),
    )
    .leftJoin('package_purchases as pp', (join) =>
      join.onRef('pp.tenant_id', '=', 'a.tenant_id').onRef('pp.id', '=', 'a.package_purchase_id'),
    )
    .select([
      't.name as centre',
      't.timezone',
      't.quiet_hours_start',
      't.quiet_hours_end',
      'a.status',
      'a.starts_at',
      'a.ends_at',
      'a.session_number_in_package',
      'pp.total_sessions',
      'p.email',
      'p.phone',
      'p.preferred_language',
      'p.name_en as patient_name_en',
      'p.name_ar as patient_name_ar',
      'c.name_en as clinic_name_en',
      'c.name_ar as clinic_name_ar',
      'pr.name_en as provider_name_en',
      'pr.name_ar as provider_name_ar',
      's.name_en as service_name_en',
      's.name_ar as service_name_ar',
    ])
    .where('a.tenant_id', '=', message.tenant_id)
    .where('a.id', '=', message.appointment_id)
    .executeTakeFirstOrThrow();
}

export type MessageFacts = Awaited<ReturnType<typeof findMessageFacts>>;
