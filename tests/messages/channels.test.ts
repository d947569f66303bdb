import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpChannel, logChannel, smtpChannel } from '../../src/messages/channels.js';
import { createMessageWorker } from '../../src/messages/worker.js';
import { demoIds, freeSlots } from '../support/booking.js';
import { DEMO_NOW, openSignedInDemo, type SignedInDemo } from '../support/demo.js';
import { setMessageSettings } from './support.js';

interface Mail {
  to: string[];
  raw: string;
}

/** An SMTP server in this process: what it receives lands in `inbox`. */
async function startInbox() {
  const inbox: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        inbox.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    inbox,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A stand-in for an SMS provider's API: answers each request with the next status given. */
async function startFakeProvider(statuses: number[]) {
  const requests: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      response.statusCode = statuses.shift() ?? 200;
      response.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    url: `http://127.0.0.1:${port}/messages`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let signedIn: SignedInDemo;
let ahmed: string;

beforeAll(async () => {
  signedIn = await openSignedInDemo();
  ahmed = await signedIn.demo.patient('Ahmed Al-Rashid');
  await signedIn.database.db
    .updateTable('patients')
    .set({ email: 'rashid.family@example.test' })
    .where('id', '=', ahmed)
    .execute();
});
afterAll(() => signedIn.database.close());

async function bookAhmed(time: string) {
  const { database, demo, desk } = signedIn;
  const ids = await demoIds(database.db, demo.demo);
  const [purchase] = await demo.purchasesOf(ahmed);
  const slot = (
    await freeSlots(desk, { providerId: ids.huda, date: '2026-11-30', patientId: ahmed })
  ).find((s) => s.start.includes(`T${time}`))!;
  const response = await desk.request('/appointments/api/book/', {
    json: {
      patient_id: ahmed,
      appointment_type: 'package',
      package_purchase_id: purchase!.id,
      clinic_id: ids.slp,
      provider_id: ids.huda,
      start: slot.start,
      duration_minutes: 45,
    },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { appointment_id: string }).appointment_id;
}

describe('channels', () => {
  it('demo: booking Ahmed’s session shows the confirmation in the log and in an SMTP inbox', async () => {
    const { database, demo } = signedIn;
    await setMessageSettings(database.db, demo.demo, { email: true, reminderHours: null });
    const smtp = await startInbox();
    const lines: string[] = [];
    // The worker runs on its own, as in the server; its clock is the app's.
    const worker = createMessageWorker({
      db: database.db,
      clock: () => DEMO_NOW,
      channels: {
        log: logChannel((line) => lines.push(line)),
        email: smtpChannel({ url: smtp.url, from: 'Demo Therapy Centre <desk@demo.test>' }),
      },
      options: { pollMs: 50 },
    });
    worker.start();
    try {
      const id = await bookAhmed('10:00');
      await expect.poll(() => lines.join('\n')).toContain('is booked for Monday, 30 November 2026');
      await expect.poll(() => smtp.inbox.length).toBe(1);
      const [mail] = smtp.inbox;
      expect(mail!.to).toEqual(['rashid.family@example.test']);
      expect(mail!.raw).toMatch(/^Content-Language: en/m);
      // Numbered in date order (SPEC §1.9): Ahmed's session already booked for later is 6.
      expect(mail!.raw).toContain('This is session 5 of 10.');
      const [row] = await database.db
        .selectFrom('messages')
        .select('id')
        .where('appointment_id', '=', id)
        .where('channel', '=', 'email')
        .execute();
      // The message's id is its Message-ID: a second copy is recognisably the same message.
      expect(mail!.raw).toContain(`Message-ID: <${row!.id}@raseed.messages>`);
    } finally {
      await worker.stop();
      await smtp.close();
    }
  });

  it('SMS: a retry after a provider error carries the same idempotency key, and is sent once', async () => {
    const { database, demo } = signedIn;
    await setMessageSettings(database.db, demo.demo, {
      log: false,
      sms: true,
      reminderHours: null,
    });
    await database.db
      .updateTable('patients')
      .set({ preferred_language: 'ar' })
      .where('id', '=', ahmed)
      .execute();
    const provider = await startFakeProvider([503, 200]);
    let now = DEMO_NOW;
    const worker = createMessageWorker({
      db: database.db,
      clock: () => now,
      channels: { sms: httpChannel({ channel: 'sms', url: provider.url, key: 'test-key' }) },
      options: { backoffMs: 1_000 },
    });
    try {
      await database.db.updateTable('messages').set({ status: 'skipped' }).execute();
      const id = await bookAhmed('12:00');
      expect(await worker.deliverDue()).toBe(1);
      now = new Date(DEMO_NOW.getTime() + 1_000);
      expect(await worker.deliverDue()).toBe(1);
      now = new Date(DEMO_NOW.getTime() + 3_600_000);
      expect(await worker.deliverDue()).toBe(0);
      expect(provider.requests).toHaveLength(2);
      const [first, second] = provider.requests;
      expect(first!.headers['idempotency-key']).toBeTruthy();
      expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
      expect(second!.headers.authorization).toBe('Bearer test-key');
      expect(second!.body).toMatchObject({ channel: 'sms', to: '+966501234567' });
      expect(String(second!.body.text)).toContain('تم حجز موعد');
      const rows = await database.db
        .selectFrom('messages')
        .select(['id', 'status', 'attempts'])
        .where('appointment_id', '=', id)
        .execute();
      expect(rows).toEqual([
        { id: first!.headers['idempotency-key'], status: 'sent', attempts: 2 },
      ]);
    } finally {
      await provider.close();
    }
  });
});
