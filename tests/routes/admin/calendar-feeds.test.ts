import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedTokenHash } from '../../../src/db/calendar-feeds.js';
import {
  FEEDS_NOTICE_ID,
  NEW_FEED_ID,
  NEW_FEED_URL_ID,
} from '../../../src/views/admin/calendar-feeds.js';
import { createTestApp, TestClock } from '../../support/app.js';
import { demoIds, type DemoIds } from '../../support/booking.js';
import { html, TestClient } from '../../support/client.js';
import { DEMO_NOW, openSignedInDemo, type SignedInDemo } from '../../support/demo.js';
import { createUser, TEST_PASSWORD } from '../../support/factories.js';

let signedIn: SignedInDemo, ids: DemoIds, anonymous: TestClient;
let admin: TestClient;

beforeAll(async () => {
  signedIn = await openSignedInDemo('admin@demo.test');
  admin = signedIn.desk;
  ids = await demoIds(signedIn.database.db, signedIn.demo.demo);
  anonymous = new TestClient(createTestApp(signedIn.database.db, new TestClock(DEMO_NOW)).app);
});
afterAll(() => signedIn.database.close());

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

function feeds() {
  return signedIn.database.db
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('tenant_id', '=', signedIn.demo.demo)
    .orderBy('created_at')
    .execute();
}

function audits(action: string) {
  return signedIn.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', signedIn.demo.demo)
    .where('action', '=', action)
    .execute();
}

/** The fields of the "create link" form on the row of `ownerId`. */
async function createFields(client: TestClient, ownerId: string) {
  const page = html(await (await client.request('/admin/calendar-feeds')).text());
  const form = page.querySelector(`#create-feed-${ownerId}`);
  expect(form).not.toBeNull();
  return Object.fromEntries(
    form!
      .querySelectorAll('input')
      .map((input) => [input.getAttribute('name')!, input.getAttribute('value') ?? '']),
  );
}

function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
}

describe('calendar links (admin)', () => {
  it('lists every provider and clinic with a button to create a link', async () => {
    const response = await admin.request('/admin/calendar-feeds');
    expect(response.status).toBe(200);
    const page = html(await response.text());
    for (const id of [ids.huda, ids.faisal, ids.slp, ids.aba]) {
      expect(page.querySelector(`#create-feed-${id}`), id).not.toBeNull();
    }
    expect(page.querySelector(`#${NEW_FEED_ID}`)).toBeNull();
  });

  it('creates a provider’s link, shows its address once, and the address serves the feed', async () => {
    const before = (await feeds()).length;
    const fields = await createFields(admin, ids.huda);
    const response = await admin.request('/admin/calendar-feeds', { form: fields });
    expect(response.status).toBe(201);
    const page = html(await response.text());
    expect(textOf(page.querySelector(`#${NEW_FEED_ID} strong`))).toContain('Huda');
    const url = page.querySelector(`#${NEW_FEED_URL_ID}`)!.getAttribute('value')!;
    expect(url).toMatch(/^http:\/\/localhost\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const token = url.slice(url.lastIndexOf('/') + 1, -4);

    const rows = await feeds();
    expect(rows).toHaveLength(before + 1);
    const created = rows.at(-1)!;
    expect(created).toMatchObject({ provider_id: ids.huda, clinic_id: null, revoked_at: null });
    expect(created.token_hash).toBe(feedTokenHash(token));
    const [audit] = (await audits('calendar_feed.create')).filter(
      (a) => a.entity_id === created.id,
    );
    expect(audit?.after).toEqual({ provider_id: ids.huda });
    expect(JSON.stringify(audit)).not.toContain(token);

    const served = await anonymous.request(new URL(url).pathname);
    expect(served.status).toBe(200);
    expect(eventsOf(await served.text()).length).toBeGreaterThan(0);

    // The list shows the live link, never its address again.
    const list = await (await admin.request('/admin/calendar-feeds')).text();
    expect(html(list).querySelector(`#feed-${created.id}`)).not.toBeNull();
    expect(list).not.toContain(token);

    // The same form sent again creates nothing and cannot show the address.
    const again = await admin.request('/admin/calendar-feeds', { form: fields });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/admin/calendar-feeds?done=alreadyCreated');
    expect(await feeds()).toHaveLength(before + 1);
    const notice = html(await (await admin.request(again.headers.get('location')!)).text());
    expect(textOf(notice.querySelector(`#${FEEDS_NOTICE_ID}`))).toContain('shown only once');
  });

  it('revokes a link: its address answers 404 at once, audited', async () => {
    const fields = await createFields(admin, ids.aba);
    const page = html(
      await (await admin.request('/admin/calendar-feeds', { form: fields })).text(),
    );
    const url = new URL(page.querySelector(`#${NEW_FEED_URL_ID}`)!.getAttribute('value')!);
    expect((await anonymous.request(url.pathname)).status).toBe(200);
    const feed = (await feeds()).at(-1)!;
    expect(feed.clinic_id).toBe(ids.aba);

    const revoked = await admin.request(`/admin/calendar-feeds/${feed.id}/revoke`, { form: {} });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/admin/calendar-feeds?done=revoked');
    expect((await anonymous.request(url.pathname)).status).toBe(404);
    expect((await audits('calendar_feed.revoke')).map((a) => a.entity_id)).toContain(feed.id);
    const list = html(await (await admin.request('/admin/calendar-feeds?done=revoked')).text());
    expect(list.querySelector(`#feed-${feed.id}`)).toBeNull();
    expect(textOf(list.querySelector(`#${FEEDS_NOTICE_ID}`))).toBe(
      'Link revoked: it no longer works.',
    );
    // Revoking twice: nothing left to revoke.
    expect(
      (await admin.request(`/admin/calendar-feeds/${feed.id}/revoke`, { form: {} })).status,
    ).toBe(404);
  });

  it('reads in Arabic', async () => {
    const arabic = await signedIn.demo.signIn('admin@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const page = html(await (await arabic.request('/admin/calendar-feeds')).text());
    expect(textOf(page.querySelector('#calendar-feeds-title'))).toBe('روابط التقويم');
    expect(textOf(page.querySelector(`#create-feed-${ids.slp} button`))).toContain('إنشاء رابط');
  });

  it.each([
    ['an unknown owner type', { owner_type: 'room' }, 422],
    ['a malformed id', { owner_id: 'not-a-uuid' }, 422],
    ['no form token', { form_token: '' }, 422],
    ['a provider id that is a clinic’s', { owner_type: 'provider' }, 404],
  ])('refuses %s, creating nothing', async (_, change, status) => {
    const fields = await createFields(admin, ids.slp);
    const before = await feeds();
    const response = await admin.request('/admin/calendar-feeds', {
      form: { ...fields, ...change },
    });
    expect(response.status).toBe(status);
    expect(await feeds()).toEqual(before);
  });

  it('answers 404 to a malformed or unknown feed id on revoke', async () => {
    expect((await admin.request('/admin/calendar-feeds/nope/revoke', { form: {} })).status).toBe(
      400,
    );
    expect(
      (await admin.request(`/admin/calendar-feeds/${crypto.randomUUID()}/revoke`, { form: {} }))
        .status,
    ).toBe(404);
  });

  it.each(['frontdesk@demo.test', 'provider@demo.test', 'finance@demo.test'])(
    'refuses %s with 403',
    async (email) => {
      const client = await signedIn.demo.signIn(email);
      const fields = await createFields(admin, ids.huda);
      const live = (await feeds()).find((f) => f.revoked_at === null)!;
      const before = await feeds();
      expect((await client.request('/admin/calendar-feeds')).status).toBe(403);
      expect((await client.request('/admin/calendar-feeds', { form: fields })).status).toBe(403);
      expect(
        (await client.request(`/admin/calendar-feeds/${live.id}/revoke`, { form: {} })).status,
      ).toBe(403);
      expect(await feeds()).toEqual(before);
    },
  );

  it('another centre’s admin cannot create a link for our provider nor revoke our links', async () => {
    const { database, demo } = signedIn;
    const otherAdmin = await createUser(database.db, demo.other, { role: 'ADMIN' });
    const otherClient = new TestClient(createTestApp(database.db, new TestClock(DEMO_NOW)).app);
    await otherClient.login(otherAdmin.email, TEST_PASSWORD);
    const fields = await createFields(admin, ids.huda);
    const live = (await feeds()).find((f) => f.revoked_at === null)!;
    const before = await feeds();
    const page = await (await otherClient.request('/admin/calendar-feeds')).text();
    expect(page).not.toContain(ids.huda);
    expect(page).not.toContain('Huda');
    expect((await otherClient.request('/admin/calendar-feeds', { form: fields })).status).toBe(404);
    expect(
      (await otherClient.request(`/admin/calendar-feeds/${live.id}/revoke`, { form: {} })).status,
    ).toBe(404);
    expect(await feeds()).toEqual(before);
  });
});
