import type { Database } from '../../src/db/client.js';
import type { Channel, OutgoingMessage } from '../../src/messages/channels.js';

/** A channel that keeps what it is given, and fails while `failing` is set. */
export function recordingChannel() {
  const sent: OutgoingMessage[] = [];
  const channel: Channel & { sent: OutgoingMessage[]; failing: boolean } = {
    sent,
    failing: false,
    send(message) {
      if (channel.failing) return Promise.reject(new Error('provider down'));
      sent.push(message);
      return Promise.resolve();
    },
  };
  return channel;
}

/** The centre's channels and reminder lead, as its settings page would save them. */
export async function setMessageSettings(
  db: Database,
  tenantId: string,
  settings: {
    email?: boolean;
    sms?: boolean;
    whatsapp?: boolean;
    log?: boolean;
    reminderHours?: number | null;
    timezone?: string;
  },
) {
  await db
    .updateTable('tenants')
    .set({
      log_messages: settings.log ?? true,
      email_messages: settings.email ?? false,
      sms_messages: settings.sms ?? false,
      whatsapp_messages: settings.whatsapp ?? false,
      reminder_hours_before: settings.reminderHours === undefined ? 24 : settings.reminderHours,
      ...(settings.timezone ? { timezone: settings.timezone } : {}),
    })
    .where('id', '=', tenantId)
    .execute();
}

export function messagesOf(db: Database, appointmentId: string) {
  return db
    .selectFrom('messages')
    .select(['id', 'kind', 'channel', 'status', 'attempts', 'available_at', 'last_error'])
    .where('appointment_id', '=', appointmentId)
    .orderBy('kind')
    .orderBy('channel')
    .execute();
}

/** A message of one of the tenant's appointments that failed every attempt. */
export async function createDeadMessage(db: Database, tenantId: string) {
  const appointment = await db
    .selectFrom('appointments')
    .select(['id', 'starts_at'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return db
    .insertInto('messages')
    .values({
      tenant_id: tenantId,
      appointment_id: appointment.id,
      kind: 'booked',
      channel: 'sms',
      dedupe_key: `dead:${crypto.randomUUID()}`,
      appointment_starts_at: appointment.starts_at,
      available_at: appointment.starts_at,
      status: 'dead',
      attempts: 5,
      last_error: 'The provider answered 401.',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}
