import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../../support/client.js';
import { openSignedInDemo, type SignedInDemo } from '../../support/demo.js';
import { createDeadMessage } from '../../messages/support.js';

let signedIn: SignedInDemo, admin: TestClient;

beforeAll(async () => {
  signedIn = await openSignedInDemo('admin@demo.test');
  admin = signedIn.desk;
});
afterAll(() => signedIn.database.close());

describe('dead letters', () => {
  it('lists the failed messages and queues one again', async () => {
    const { database, demo } = signedIn;
    const dead = await createDeadMessage(database.db, demo.demo);
    const page = parse(await (await admin.request('/admin/messages')).text());
    const row = page.querySelector(`#message-${dead.id}`);
    expect(row?.text).toContain('The provider answered 401.');
    expect(row?.text).toContain('SMS');
    expect(page.querySelector('#nav-messages')?.getAttribute('aria-current')).toBe('page');

    const retried = await admin.request(`/admin/messages/${dead.id}/retry`, { form: {} });
    expect(retried.status).toBe(303);
    expect(retried.headers.get('location')).toBe('/admin/messages?requeued=1');
    const after = await database.db
      .selectFrom('messages')
      .select(['status', 'attempts'])
      .where('id', '=', dead.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'pending', attempts: 0 });
    const list = parse(await (await admin.request('/admin/messages?requeued=1')).text());
    expect(list.querySelector('#dead-letters-notice')).not.toBe(null);
    expect(list.querySelector(`#message-${dead.id}`)).toBe(null);

    // Not dead any more (a double submit): nothing to retry.
    expect((await admin.request(`/admin/messages/${dead.id}/retry`, { form: {} })).status).toBe(
      404,
    );
  });

  it('refuses malformed ids, other roles, and is in Arabic too', async () => {
    const { demo } = signedIn;
    expect((await admin.request('/admin/messages/not-a-uuid/retry', { form: {} })).status).toBe(
      400,
    );
    const desk = await demo.signIn('frontdesk@demo.test');
    expect((await desk.request('/admin/messages')).status).toBe(403);
    await admin.request('/account/locale', { form: { locale: 'ar' } });
    const page = parse(await (await admin.request('/admin/messages')).text());
    expect(page.querySelector('h1')?.text).toBe('الرسائل التي فشل إرسالها');
    await admin.request('/account/locale', { form: { locale: 'en' } });
  });
});

describe('the appointment page', () => {
  it('shows which messages went out and which failed', async () => {
    const { database, demo } = signedIn;
    const dead = await createDeadMessage(database.db, demo.demo);
    const { appointment_id } = await database.db
      .selectFrom('messages')
      .select('appointment_id')
      .where('id', '=', dead.id)
      .executeTakeFirstOrThrow();
    const desk = await demo.signIn('frontdesk@demo.test');
    const page = parse(await (await desk.request(`/appointments/${appointment_id}`)).text());
    const row = page.querySelector(`#appointment-messages #message-${dead.id}`);
    expect(row?.text).toContain('Booking confirmation');
    expect(row?.text).toContain('Failed');
  });
});
