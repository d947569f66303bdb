import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditRows,
  fieldErrors,
  formFields,
  openSignedInAdmin,
  type AdminFixture,
} from '../../support/admin.js';
import { html, type TestClient } from '../../support/client.js';
import {
  createAppointment,
  createClinic,
  createPatient,
  createProvider,
  createService,
  createUser,
} from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';

let database: TestDatabase, fixture: AdminFixture, admin: TestClient;
let slp: { id: string };
let aba: { id: string };

/** The fixture's clock is Wednesday 25 Nov 2026, 12:00 in Riyadh; this is Sunday 09:00 there. */
const SUNDAY_9 = new Date('2026-11-29T06:00:00Z');

beforeAll(async () => {
  ({ database, fixture, admin } = await openSignedInAdmin());
  slp = await createClinic(database.db, fixture.tenant.id, { name_en: 'SLP Clinic' });
  aba = await createClinic(database.db, fixture.tenant.id, { name_en: 'ABA Clinic' });
});
afterAll(() => database.close());

/** A provider at SLP and ABA, working Sundays 08:00–16:00, with one booked appointment at SLP. */
async function providerWithAppointment(at = SUNDAY_9) {
  const { db } = database;
  const tenantId = fixture.tenant.id;
  const provider = await createProvider(db, tenantId, [slp.id, aba.id]);
  await db
    .insertInto('provider_schedules')
    .values({
      tenant_id: tenantId,
      provider_id: provider.id,
      weekday: 0,
      start_time: '08:00',
      end_time: '16:00',
    })
    .execute();
  const service = await createService(db, tenantId, slp.id, { name_en: 'Speech' });
  const patient = await createPatient(db, tenantId, { name_en: 'Stranded Patient' });
  const appointment = await createAppointment(
    db,
    {
      tenant: fixture.tenant,
      clinic: slp,
      service,
      provider,
      patient,
      user: fixture.users.FRONT_DESK,
    },
    { starts_at: at },
  );
  return { provider, appointment };
}

const scheduleOf = (providerId: string) =>
  database.db
    .selectFrom('provider_schedules')
    .select(['weekday', 'start_time', 'end_time'])
    .where('provider_id', '=', providerId)
    .orderBy('weekday')
    .orderBy('start_time')
    .execute();

const clinicIdsOf = async (providerId: string) =>
  (
    await database.db
      .selectFrom('provider_clinics')
      .select('clinic_id')
      .where('provider_id', '=', providerId)
      .execute()
  )
    .map((row) => row.clinic_id)
    .sort();

function providerForm(form: Record<string, string>, clinicIds: string[]) {
  const body = new URLSearchParams(form);
  body.delete('clinic_ids');
  for (const id of clinicIds) body.append('clinic_ids', id);
  return body;
}

describe('providers administration', () => {
  it('creates a provider with clinics and a linked provider user, once when sent twice', async () => {
    const user = await createUser(database.db, fixture.tenant.id, {
      role: 'PROVIDER',
      name: 'Dr. Link',
    });
    const page = html(await (await admin.request('/admin/providers/new')).text());
    const offered = page.querySelectorAll('#user_id option').map((o) => o.getAttribute('value'));
    expect(offered).toContain(user.id);
    expect(offered).not.toContain(fixture.users.FRONT_DESK.id);

    const form = await formFields(admin, '/admin/providers/new', 'provider-form');
    const body = providerForm(
      { ...form, name_en: 'Dr. New', name_ar: 'د. جديد', user_id: user.id },
      [slp.id, aba.id],
    );
    for (let i = 0; i < 2; i++) {
      expect((await admin.request('/admin/providers', { form: body })).status).toBe(303);
    }
    const rows = await database.db
      .selectFrom('providers')
      .selectAll()
      .where('name_en', '=', 'Dr. New')
      .execute();
    expect(rows).toMatchObject([{ user_id: user.id, name_ar: 'د. جديد' }]);
    expect(await clinicIdsOf(rows[0]!.id)).toEqual([slp.id, aba.id].sort());
    expect(await auditRows(database.db, fixture.tenant.id, 'provider.create')).toHaveLength(1);

    // Now linked, the user is no longer offered for another provider.
    const again = html(await (await admin.request('/admin/providers/new')).text());
    expect(
      again.querySelectorAll('#user_id option').map((o) => o.getAttribute('value')),
    ).not.toContain(user.id);
    const list = html(await (await admin.request('/admin/providers')).text());
    expect(list.querySelector(`#provider-${rows[0]!.id}`)?.text).toContain('Dr. Link');
  });

  it("refuses empty names, another tenant's clinic and a user that is not a free provider", async () => {
    const form = await formFields(admin, '/admin/providers/new', 'provider-form');
    const blank = await admin.request('/admin/providers', {
      form: providerForm({ ...form, name_en: '', name_ar: 'x' }, [slp.id]),
    });
    expect(blank.status).toBe(422);
    expect(fieldErrors(html(await blank.text()))).toEqual({
      name_en: 'Please fill in this field.',
    });

    const foreign = await admin.request('/admin/providers', {
      form: providerForm(
        { ...form, name_en: 'Dr. Foreign', name_ar: 'x', user_id: fixture.users.FRONT_DESK.id },
        [fixture.otherClinic.id],
      ),
    });
    expect(foreign.status).toBe(422);
    expect(fieldErrors(html(await foreign.text()))).toEqual({
      clinic_ids: 'Choose one of the clinics.',
      user_id: 'Choose a provider account that is not linked to anyone else.',
    });
    const theirs = await createUser(database.db, fixture.other.id, { role: 'PROVIDER' });
    const crossTenant = await admin.request('/admin/providers', {
      form: providerForm({ ...form, name_en: 'Dr. Foreign', name_ar: 'x', user_id: theirs.id }, []),
    });
    expect(crossTenant.status).toBe(422);
    const found = await database.db
      .selectFrom('providers')
      .select('id')
      .where('name_en', '=', 'Dr. Foreign')
      .execute();
    expect(found).toHaveLength(0);
  });

  it('refuses to take away a clinic with booked appointments, unless told to keep them', async () => {
    const { provider, appointment } = await providerWithAppointment();
    const path = `/admin/providers/${provider.id}`;
    const form = await formFields(admin, `${path}/edit`, 'provider-form');
    const body = providerForm({ ...form, name_en: 'Renamed' }, [aba.id]);

    const refused = await admin.request(path, { form: body });
    expect(refused.status).toBe(409);
    const page = html(await refused.text());
    const item = page.querySelector(`#stranded-${appointment.id}`)?.text ?? '';
    expect(item).toContain('Stranded Patient');
    expect(item).toContain('Speech');
    expect(item).toContain('09:00–09:45');
    expect(page.querySelector('#keep_appointments')).not.toBeNull();
    expect(await clinicIdsOf(provider.id)).toEqual([slp.id, aba.id].sort());

    body.set('keep_appointments', 'on');
    expect((await admin.request(path, { form: body })).status).toBe(303);
    expect(await clinicIdsOf(provider.id)).toEqual([aba.id]);
    const audits = await auditRows(database.db, fixture.tenant.id, 'provider.update');
    expect(audits.at(-1)!.after).toMatchObject({
      name_en: 'Renamed',
      kept_appointments: [appointment.id],
    });
  });

  it('saves several ranges a day, and refuses overlaps, reversed and malformed times', async () => {
    const provider = await createProvider(database.db, fixture.tenant.id, [slp.id]);
    const path = `/admin/providers/${provider.id}/schedule`;
    const send = (fields: [string, string][]) => {
      const body = new URLSearchParams({ _csrf: admin.csrfToken! });
      for (const [name, value] of fields) body.append(name, value);
      return admin.request(path, { form: body });
    };
    const saved = await send([
      ['start_0[]', '08:00'],
      ['end_0[]', '12:00'],
      ['start_0[]', '13:00'],
      ['end_0[]', '16:30'],
      ['start_3[]', ''],
      ['end_3[]', ''],
      ['start_4[]', '09:00'],
      ['end_4[]', '10:00'],
    ]);
    expect(saved.status).toBe(303);
    expect(await scheduleOf(provider.id)).toEqual([
      { weekday: 0, start_time: '08:00:00', end_time: '12:00:00' },
      { weekday: 0, start_time: '13:00:00', end_time: '16:30:00' },
      { weekday: 4, start_time: '09:00:00', end_time: '10:00:00' },
    ]);
    const form = html(await (await admin.request(path)).text());
    expect(form.querySelector('#start_0_1')?.getAttribute('value')).toBe('13:00');
    expect(form.querySelector('#start_0_2')?.getAttribute('value')).toBe(''); // one blank row more

    const refused = await send([
      ['start_0[]', '08:00'],
      ['end_0[]', '12:00'],
      ['start_0[]', '11:00'],
      ['end_0[]', '14:00'],
      ['start_1[]', '10:00'],
      ['end_1[]', '09:00'],
      ['start_2[]', '25:00'],
      ['end_2[]', '10:00'],
    ]);
    expect(refused.status).toBe(422);
    expect(fieldErrors(html(await refused.text()))).toEqual({
      start_0_1: 'This range overlaps another one on the same day.',
      end_1_0: 'The end must come after the start.',
      start_2_0: 'Enter a time like 08:00.',
    });
    expect(await scheduleOf(provider.id)).toHaveLength(3);
  });

  it('refuses hours that would strand a booked appointment, unless told to keep it', async () => {
    const { provider, appointment } = await providerWithAppointment();
    const path = `/admin/providers/${provider.id}/schedule`;
    const body = new URLSearchParams({ _csrf: admin.csrfToken! });
    body.append('start_0[]', '10:00'); // the appointment is on Sunday at 09:00
    body.append('end_0[]', '16:00');
    const refused = await admin.request(path, { form: body });
    expect(refused.status).toBe(409);
    expect(html(await refused.text()).querySelector(`#stranded-${appointment.id}`)).not.toBeNull();
    expect(await scheduleOf(provider.id)).toEqual([
      { weekday: 0, start_time: '08:00:00', end_time: '16:00:00' },
    ]);

    body.set('keep_appointments', 'on');
    expect((await admin.request(path, { form: body })).status).toBe(303);
    expect(await scheduleOf(provider.id)).toEqual([
      { weekday: 0, start_time: '10:00:00', end_time: '16:00:00' },
    ]);
    const [audit] = (await auditRows(database.db, fixture.tenant.id, 'provider.schedule')).filter(
      (row) => row.entity_id === provider.id,
    );
    expect(audit!.before).toEqual({
      hours: [{ weekday: 0, start_time: '08:00', end_time: '16:00' }],
    });
    expect(audit!.after).toMatchObject({ kept_appointments: [appointment.id] });
    const still = await database.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', appointment.id)
      .executeTakeFirstOrThrow();
    expect(still.status).toBe('BOOKED');
  });

  it('refuses time off with every error at once', async () => {
    const provider = await createProvider(database.db, fixture.tenant.id, [slp.id]);
    const path = `/admin/providers/${provider.id}/time-off`;
    const form = await formFields(admin, path, 'time-off-form');
    const send = async (fields: Record<string, string>) => {
      const response = await admin.request(path, { form: { ...form, ...fields } });
      expect(response.status).toBe(422);
      return fieldErrors(html(await response.text()));
    };
    const tooLong = 'x'.repeat(201);
    expect(
      await send({ starts_at: '2026-12-01T12:00', ends_at: '2026-12-01T08:00', reason: tooLong }),
    ).toEqual({ ends_at: 'The end must come after the start.', reason: 'This is too long.' });
    expect(await send({ starts_at: '2026-02-30T10:00', ends_at: 'soon', reason: tooLong })).toEqual(
      {
        starts_at: 'Enter a valid date and time.',
        ends_at: 'Enter a valid date and time.',
        reason: 'This is too long.',
      },
    );
  });

  it('adds time off in the tenant’s zone (once), refuses stranding, and removes it', async () => {
    const { provider, appointment } = await providerWithAppointment();
    const path = `/admin/providers/${provider.id}/time-off`;
    const form = await formFields(admin, path, 'time-off-form');
    const body = {
      ...form,
      starts_at: '2026-11-29T08:00',
      ends_at: '2026-11-29T12:00',
      reason: 'Course',
    };
    const refused = await admin.request(path, { form: body });
    expect(refused.status).toBe(409);
    expect(html(await refused.text()).querySelector(`#stranded-${appointment.id}`)).not.toBeNull();

    const kept = { ...body, keep_appointments: 'on' };
    for (let i = 0; i < 2; i++)
      expect((await admin.request(path, { form: kept })).status).toBe(303);
    const offs = await database.db
      .selectFrom('provider_time_off')
      .selectAll()
      .where('provider_id', '=', provider.id)
      .execute();
    expect(offs).toHaveLength(1);
    expect(offs[0]!.starts_at.toISOString()).toBe('2026-11-29T05:00:00.000Z'); // 08:00 in Riyadh
    expect(offs[0]!.reason).toBe('Course');
    const page = html(await (await admin.request(path)).text());
    expect(page.querySelector(`#time-off-${offs[0]!.id}`)?.text).toContain('Course');

    const invalid = await admin.request(path, {
      form: { ...form, starts_at: '2026-12-01T10:00', ends_at: '2026-12-01T09:00', reason: '' },
    });
    expect(invalid.status).toBe(422);
    expect(fieldErrors(html(await invalid.text()))).toEqual({
      ends_at: 'The end must come after the start.',
    });
    const malformed = await admin.request(path, {
      form: { ...form, starts_at: 'soon', ends_at: '' },
    });
    expect(malformed.status).toBe(422);

    const removed = await admin.request(`${path}/${offs[0]!.id}/remove`, { form: {} });
    expect(removed.status).toBe(303);
    expect(
      await auditRows(database.db, fixture.tenant.id, 'provider.time_off.remove'),
    ).toHaveLength(1);
    expect((await admin.request(`${path}/${offs[0]!.id}/remove`, { form: {} })).status).toBe(404);
  });

  it("answers 404 for another tenant's provider or time off on every route, 400 for malformed ids", async () => {
    const theirs = await createProvider(database.db, fixture.other.id, [fixture.otherClinic.id]);
    const ours = await createProvider(database.db, fixture.tenant.id, [slp.id]);
    const theirOff = await database.db
      .insertInto('provider_time_off')
      .values({
        tenant_id: fixture.other.id,
        provider_id: theirs.id,
        starts_at: '2026-12-01T05:00:00Z',
        ends_at: '2026-12-01T09:00:00Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const base = `/admin/providers/${theirs.id}`;
    for (const path of [`${base}/edit`, `${base}/schedule`, `${base}/time-off`]) {
      expect((await admin.request(path)).status, path).toBe(404);
    }
    const posts: [string, Record<string, string>][] = [
      [base, { name_en: 'X', name_ar: 'X' }],
      [base, { name_en: '', name_ar: '' }],
      [`${base}/schedule`, { 'start_0[]': '08:00', 'end_0[]': '09:00' }],
      [
        `${base}/time-off`,
        {
          form_token: crypto.randomUUID(),
          starts_at: '2026-12-01T08:00',
          ends_at: '2026-12-01T09:00',
          reason: '',
        },
      ],
      [`${base}/time-off/${theirOff.id}/remove`, {}],
      [`/admin/providers/${ours.id}/time-off/${theirOff.id}/remove`, {}],
    ];
    for (const [path, form] of posts) {
      expect((await admin.request(path, { form })).status, path).toBe(404);
    }
    expect(await scheduleOf(theirs.id)).toEqual([]);
    const off = await database.db
      .selectFrom('provider_time_off')
      .select('id')
      .where('id', '=', theirOff.id)
      .execute();
    expect(off).toHaveLength(1);
    expect((await admin.request('/admin/providers/nope/edit')).status).toBe(400);
    expect(
      (await admin.request(`/admin/providers/${ours.id}/time-off/nope/remove`, { form: {} }))
        .status,
    ).toBe(400);
  });

  it('is for administrators only', async () => {
    const ours = await createProvider(database.db, fixture.tenant.id, [slp.id]);
    const base = `/admin/providers/${ours.id}`;
    for (const role of ['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
      const client = await fixture.signIn(role);
      for (const path of [
        '/admin/providers',
        '/admin/providers/new',
        `${base}/edit`,
        `${base}/schedule`,
        `${base}/time-off`,
      ]) {
        expect((await client.request(path)).status, `${role} ${path}`).toBe(403);
      }
      for (const path of ['/admin/providers', base, `${base}/schedule`, `${base}/time-off`]) {
        expect(
          (await client.request(path, { form: { name_en: 'X' } })).status,
          `${role} ${path}`,
        ).toBe(403);
      }
    }
    expect(await scheduleOf(ours.id)).toEqual([]);
  });
});
