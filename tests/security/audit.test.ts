import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITIES,
  recordAudit,
  withPackagesViewAudit,
} from '../../src/db/audit.js';
import { localDate } from '../../src/domain/dates.js';
import { translator, type MessageKey } from '../../src/i18n/index.js';
import { createTestApp } from '../support/app.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import { html, TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { createUser, TEST_PASSWORD } from '../support/factories.js';
import type { TestDatabase } from '../support/test-db.js';
import { AUDIT_OLDER_ID, AUDIT_TABLE_ID } from '../../src/views/audit/audit-page.js';

let database: TestDatabase, demo: DemoFixture, ids: DemoIds, desk: TestClient, admin: TestClient;
let deskId: string;
let patient: string;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
  ids = await demoIds(database.db, demo.demo);
  admin = await demo.signIn('admin@demo.test');
  deskId = (await userByEmail('frontdesk@demo.test')).id;
  patient = await demo.patient('Sara Al-Harbi');
});
afterAll(() => database.close());

function userByEmail(email: string) {
  return database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
}

/** The newest audit row of the demo centre. */
function lastEntry() {
  return database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', demo.demo)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
}

async function bookSara(client = desk): Promise<string> {
  const [slot] = await freeSlots(desk, {
    providerId: ids.faisal,
    date: '2026-12-07',
    patientId: patient,
  });
  const response = await client.request('/appointments/api/book/', {
    json: {
      patient_id: patient,
      appointment_type: 'single',
      clinic_id: ids.slp,
      provider_id: ids.faisal,
      service_id: ids.speech,
      start: slot!.start,
      duration_minutes: 45,
    },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { appointment_id: string }).appointment_id;
}

describe('every change is audited with actor, action, entity, before and after', () => {
  it('assigning a package', async () => {
    const response = await desk.request('/appointments/api/assign-package/', {
      json: { patient_id: patient, package_id: await demo.pkg('20 ABA Therapy Package') },
    });
    const { package_purchase_id } = (await response.json()) as { package_purchase_id: string };
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      actor_id: deskId,
      action: 'package.assign',
      entity: 'package_purchase',
      entity_id: package_purchase_id,
      before: null,
    });
    // The purchase as stored, plus the price and the package's services at the time of sale.
    const purchase = await database.db
      .selectFrom('package_purchases')
      .select(['package_id', 'name_en', 'name_ar', 'purchase_date', 'expiry_date'])
      .where('id', '=', package_purchase_id)
      .executeTakeFirstOrThrow();
    expect(entry.after).toEqual({
      id: package_purchase_id,
      patient_id: patient,
      ...purchase,
      total_sessions: 20,
      sessions_used: 0,
      status: 'ACTIVE',
      price: '5000.00',
      // SPEC §7: the sale's discount (none here) and what was paid with it (pay later)
      discount: '0.00',
      discount_reason: null,
      amount_paid: '0.00',
      services: [
        {
          service_id: expect.any(String),
          name_en: expect.any(String),
          name_ar: expect.any(String),
          sessions: 20,
          clinic_id: expect.any(String),
          clinic_en: expect.any(String),
          clinic_ar: expect.any(String),
        },
      ],
    });
  });

  it('booking', async () => {
    const id = await bookSara();
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      actor_id: deskId,
      action: 'appointment.book',
      entity: 'appointment',
      entity_id: id,
      before: null,
    });
    const appointment = await database.db
      .selectFrom('appointments')
      .select(['starts_at', 'ends_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(entry.after).toEqual({
      id,
      patient_id: patient,
      status: 'BOOKED',
      // As JSON.stringify writes a Date, like the other audit rows' times.
      starts_at: appointment.starts_at.toISOString(),
      ends_at: appointment.ends_at.toISOString(),
      session_number_in_package: null,
      package_purchase_id: null,
    });
  });

  it('cancelling', async () => {
    const id = await bookSara();
    await desk.request(`/appointments/api/appointments/${id}/cancel/`, {
      json: { reason: 'Family travel' },
    });
    expect(await lastEntry()).toMatchObject({
      actor_id: deskId,
      action: 'appointment.cancel',
      entity: 'appointment',
      entity_id: id,
      before: { status: 'BOOKED' },
      after: { status: 'CANCELLED', reason: 'Family travel', session_returned: false },
    });
  });

  it('a state change', async () => {
    const id = await bookSara();
    const response = await admin.request(`/appointments/${id}/status`, {
      form: { status: 'CONFIRMED' },
      htmx: true,
    });
    expect(response.status).toBe(200);
    expect(await lastEntry()).toMatchObject({
      actor_id: (await userByEmail('admin@demo.test')).id,
      action: 'appointment.status',
      entity_id: id,
      before: { status: 'BOOKED' },
      after: { status: 'CONFIRMED', reason: null },
    });
  });

  it('a change of language', async () => {
    const finance = await demo.signIn('finance@demo.test');
    expect((await finance.request('/account/locale', { form: { locale: 'ar' } })).status).toBe(303);
    expect(await lastEntry()).toMatchObject({
      actor_id: (await userByEmail('finance@demo.test')).id,
      action: 'user.locale',
      entity: 'user',
      before: { locale: 'en' },
      after: { locale: 'ar' },
    });
  });
});

describe("every view of a patient's packages is audited", () => {
  const screens = [
    ['package_modal', (id: string) => `/appointments/new/package-modal?patient_id=${id}`],
    ['packages_api', (id: string) => `/appointments/api/packages-for-patient/?patient=${id}`],
    ['patient_page', (id: string) => `/patients/${id}`],
  ] as const;

  const viewRows = async () =>
    (
      await database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'patient.packages_viewed')
        .executeTakeFirstOrThrow()
    ).n;

  it.each(screens)('%s: one row per view', async (screen, path) => {
    const before = Number(await viewRows());
    const response = await desk.request(path(patient), { htmx: screen === 'package_modal' });
    expect(response.status).toBe(200);
    expect(Number(await viewRows())).toBe(before + 1);
    expect(await lastEntry()).toMatchObject({
      actor_id: deskId,
      action: 'patient.packages_viewed',
      entity: 'patient',
      entity_id: patient,
      after: { screen },
    });
  });

  it.each(screens)('%s: none for an unknown patient or another centre’s', async (screen, path) => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const otherCentres = await database.db
      .selectFrom('patients')
      .select('id')
      .where('tenant_id', '=', demo.other)
      .executeTakeFirstOrThrow();
    const before = Number(await viewRows());
    for (const id of [unknown, otherCentres.id]) {
      const response = await desk.request(path(id), { htmx: screen === 'package_modal' });
      expect(response.status).toBe(404);
    }
    expect(Number(await viewRows())).toBe(before);
  });
});

describe('a view does not wait for the disk, a change does', () => {
  const view = { actorId: '', ip: null, screen: 'packages_api' } as const;

  it('the view statement turns synchronous_commit off for its own transaction only', async () => {
    const statement = withPackagesViewAudit(database.db, demo.demo, patient, {
      ...view,
      actorId: deskId,
    })
      .selectFrom('patients')
      .select('id')
      .where('id', '=', patient)
      .compile();
    // Run inside a transaction here only to read the setting before the commit.
    const inside = await database.db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      await connection.executeQuery(statement);
      const { rows } = await sql<{
        s: string;
      }>`select current_setting('synchronous_commit') as s`.execute(connection);
      await sql`rollback`.execute(connection);
      return rows[0]!.s;
    });
    expect(inside).toBe('off');
    const { rows } = await sql<{
      s: string;
    }>`select current_setting('synchronous_commit') as s`.execute(database.db);
    expect(rows[0]!.s).toBe('on');
  });

  it('refuses to run inside a transaction, whose changes would not wait either', async () => {
    await expect(
      database.db
        .transaction()
        .execute((tx) =>
          Promise.resolve(
            withPackagesViewAudit(tx, demo.demo, patient, { ...view, actorId: deskId }),
          ),
        ),
    ).rejects.toThrow('outside any transaction');
  });
});

describe('the audit page', () => {
  async function auditPage(query = '', client = admin) {
    const response = await client.request(`/admin/audit${query}`);
    return { response, page: html(await response.text()) };
  }
  const rowActions = (page: ReturnType<typeof html>) =>
    page
      .querySelectorAll(`#${AUDIT_TABLE_ID} tbody tr`)
      .map((row) => row.getAttribute('data-action'));

  it('is for administrators: other roles 403, signed out to the login', async () => {
    for (const email of ['frontdesk@demo.test', 'provider@demo.test', 'finance@demo.test']) {
      expect((await (await demo.signIn(email)).request('/admin/audit')).status).toBe(403);
    }
    const signedOut = await new TestClient(createTestApp(database.db).app).request('/admin/audit');
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/login?next=%2Fadmin%2Faudit');
  });

  it('is linked from the navigation for administrators only', async () => {
    const adminHome = html(await (await admin.request('/')).text());
    expect(adminHome.querySelector('#nav-audit')?.getAttribute('href')).toBe('/admin/audit');
    const deskHome = html(await (await desk.request('/')).text());
    expect(deskHome.querySelector('#nav-audit')).toBeNull();
  });

  it('shows the newest first, readable, and no-store', async () => {
    const id = await bookSara();
    const { response, page } = await auditPage();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const first = page.querySelector(`#${AUDIT_TABLE_ID} tbody tr`)!;
    expect(first.getAttribute('data-action')).toBe('appointment.book');
    const text = first.text.replace(/\s+/g, ' ');
    expect(text).toContain('Appointment booked');
    expect(text).toContain('Appointment');
    expect(text).toContain('Status: Booked');
    // The appointment by its patient's name, linked; the short id beside it, left to right.
    const link = first.querySelector('a');
    expect(link?.getAttribute('href')).toBe(`/appointments/${id}`);
    expect(link?.text.trim()).toBe('Sara Al-Harbi');
    expect(first.querySelector('bdi.identifier[dir="ltr"]')?.text).toBe(id.slice(0, 8));
    const times = page
      .querySelectorAll(`#${AUDIT_TABLE_ID} time`)
      .map((time) => time.getAttribute('datetime')!);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('filters by action, entity, actor, record and dates', async () => {
    const views = await auditPage('?action=patient.packages_viewed');
    expect(new Set(rowActions(views.page))).toEqual(new Set(['patient.packages_viewed']));
    const byPatient = await auditPage(`?entity=patient&entity_id=${patient}`);
    expect(rowActions(byPatient.page).length).toBeGreaterThan(0);
    for (const row of byPatient.page.querySelectorAll(`#${AUDIT_TABLE_ID} tbody tr a`)) {
      expect(row.getAttribute('href')).toBe(`/patients/${patient}`);
    }
    const byFinance = await auditPage(`?actor=${(await userByEmail('finance@demo.test')).id}`);
    expect(rowActions(byFinance.page)).toContain('user.locale');
    expect(rowActions(byFinance.page)).not.toContain('appointment.book');
    // the rows were written by the database's clock (now); none fall in 2020
    const past = await auditPage('?from=2020-01-01&to=2020-12-31');
    expect(past.page.querySelector('#audit-empty')?.text).toBe('No entries match these filters.');
    // The filter's dates are the centre's: today in its zone (not UTC's, a day behind
    // Riyadh's from 21:00 UTC on).
    const { timezone } = await database.db
      .selectFrom('tenants')
      .select('timezone')
      .where('id', '=', demo.demo)
      .executeTakeFirstOrThrow();
    const today = localDate(timezone, new Date());
    const around = await auditPage(`?from=${today}&to=${today}&action=appointment.book`);
    expect(rowActions(around.page).length).toBeGreaterThan(0);
  });

  it('pages 50 at a time, older pages by keyset, without gaps or repeats', async () => {
    for (let i = 0; i < 60; i++) {
      await recordAudit(database.db, {
        tenantId: demo.demo,
        actorId: deskId,
        action: 'patient.packages_viewed',
        entity: 'patient',
        entityId: patient,
        after: { screen: 'patient_page', n: i },
      });
    }
    const total = Number(
      (
        await database.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('tenant_id', '=', demo.demo)
          .where('action', '=', 'patient.packages_viewed')
          .executeTakeFirstOrThrow()
      ).count,
    );
    const seen: string[] = [];
    let query: string | null = '?action=patient.packages_viewed';
    while (query) {
      const { page } = await auditPage(query);
      const rows = page.querySelectorAll(`#${AUDIT_TABLE_ID} tbody tr`);
      expect(rows.length).toBeLessThanOrEqual(50);
      seen.push(...rows.map((row) => row.toString()));
      query =
        page
          .querySelector(`#${AUDIT_OLDER_ID}`)
          ?.getAttribute('href')
          ?.replace('/admin/audit', '') ?? null;
      if (query) expect(query).toContain('action=patient.packages_viewed');
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('lists every action the code records (written as action: "…" literals), for the filter', () => {
    const recorded = new Set<string>();
    for (const file of readdirSync('src', { recursive: true, encoding: 'utf8' })) {
      if (!/\.tsx?$/.test(file)) continue;
      const source = readFileSync(join('src', file), 'utf8');
      for (const [, action] of source.matchAll(/\baction: '([a-z_.]+)'/g)) recorded.add(action!);
    }
    expect(recorded.size).toBeGreaterThan(10);
    expect(
      [...recorded].filter((action) => !(AUDIT_ACTIONS as readonly string[]).includes(action)),
    ).toEqual([]);
  });

  it('names every action and record kind in both languages, and filters by each action', async () => {
    for (const locale of ['en', 'ar'] as const) {
      const t = translator(locale);
      for (const action of AUDIT_ACTIONS) {
        const label = t(`auditAction_${action}` as MessageKey);
        expect(label, `${locale} ${action}`).toBeTruthy();
        expect(label).not.toContain('auditAction_');
      }
      for (const entity of AUDIT_ENTITIES) {
        expect(t(`auditEntity_${entity}` as MessageKey), `${locale} ${entity}`).toBeTruthy();
      }
    }
    const { page } = await auditPage();
    const options = page
      .querySelectorAll('#audit-action option')
      .map((o) => o.getAttribute('value'));
    expect(options.filter(Boolean)).toEqual([...AUDIT_ACTIONS]);
  });

  it('shows a change as the fields that changed, in words', async () => {
    const id = await bookSara();
    const reason = await desk.request(`/appointments/${id}/status`, {
      form: { status: 'CONFIRMED' },
    });
    expect(reason.status).toBeLessThan(400);
    const { page } = await auditPage(`?action=appointment.status&entity_id=${id}`);
    const change = page.querySelector(`#${AUDIT_TABLE_ID} tbody tr .audit-change`);
    expect(change?.text.replace(/\s+/g, ' ')).toContain('Status: Booked → Confirmed');
  });

  it('speaks Arabic', async () => {
    const arabic = await demo.signIn('admin@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const { page } = await auditPage('?action=user.locale', arabic);
    expect(page.querySelector('html')?.getAttribute('dir')).toBe('rtl');
    expect(page.querySelector('#audit-title')?.text).toBe('سجل التدقيق');
    expect(page.querySelector(`#${AUDIT_TABLE_ID} tbody tr`)?.text).toContain('تغيير اللغة');
    // The date keeps its Arabic order ('30 نوفمبر 2026'); the time is a left-to-right island.
    const when = page.querySelector(`#${AUDIT_TABLE_ID} tbody tr time`)!;
    const [date, time] = when.querySelectorAll('bdi');
    expect(date?.getAttribute('dir')).toBeUndefined();
    expect(date?.text).toMatch(/^\d{1,2} \p{Script=Arabic}+ \d{4}$/u);
    expect(time?.getAttribute('dir')).toBe('ltr');
    expect(time?.text).toMatch(/^\d\d:\d\d$/);
    expect(page.querySelector(`#${AUDIT_TABLE_ID} tbody tr td`)?.getAttribute('data-label')).toBe(
      'الوقت',
    );
  });

  it('refuses malformed filters with 400', async () => {
    for (const query of ['?actor=nope', '?from=2026-13-01', '?action=drop', '?before=1']) {
      expect((await auditPage(query)).response.status).toBe(400);
    }
  });

  it("shows another tenant's administrator nothing of this centre", async () => {
    const otherAdmin = await createUser(database.db, demo.other, { role: 'ADMIN' });
    const client = new TestClient(createTestApp(database.db).app);
    await client.login(otherAdmin.email, TEST_PASSWORD);
    const { page } = await auditPage(`?entity_id=${patient}`, client);
    expect(page.querySelector('#audit-empty')).not.toBeNull();
    const all = await auditPage('', client);
    expect(all.page.toString()).not.toContain(patient);
    expect(all.page.toString()).not.toContain('frontdesk@demo.test');
  });
});
