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
  createClinic,
  createPackage,
  createPatient,
  createService,
} from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';
import { PACKAGE_FORM_ID } from '../../../src/views/admin/packages.js';

let database: TestDatabase, fixture: AdminFixture, admin: TestClient;
let speech: { id: string };
let assessment: { id: string };
let theirService: { id: string };

beforeAll(async () => {
  ({ database, fixture, admin } = await openSignedInAdmin());
  const clinic = await createClinic(database.db, fixture.tenant.id, { name_en: 'SLP Clinic' });
  speech = await createService(database.db, fixture.tenant.id, clinic.id, { name_en: 'Speech' });
  assessment = await createService(database.db, fixture.tenant.id, clinic.id, {
    name_en: 'Assessment',
  });
  theirService = await createService(database.db, fixture.other.id, fixture.otherClinic.id);
});
afterAll(() => database.close());

const packageNamed = async (name: string) => {
  const rows = await database.db
    .selectFrom('packages')
    .selectAll()
    .where('tenant_id', '=', fixture.tenant.id)
    .where('name_en', '=', name)
    .execute();
  const services = await database.db
    .selectFrom('package_services')
    .select(['service_id', 'sessions'])
    .where(
      'package_id',
      'in',
      rows.length ? rows.map((row) => row.id) : ['00000000-0000-4000-8000-000000000000'],
    )
    .orderBy('sessions')
    .execute();
  return { rows, services };
};

/** The new form, filled in; rows are [service id, sessions] in order. */
async function newPackageForm(values: Record<string, string>, rows: [string, string][]) {
  const form = await formFields(admin, '/admin/packages/new', 'package-form');
  const body = new URLSearchParams({ ...form, ...values });
  body.delete('service_id[]');
  body.delete('sessions[]');
  for (const [serviceId, sessions] of rows) {
    body.append('service_id[]', serviceId);
    body.append('sessions[]', sessions);
  }
  return body;
}

function post(client: TestClient, path: string, body: URLSearchParams) {
  return client.request(path, { form: body });
}

describe('packages administration', () => {
  it('creates a package with its service rows, once when submitted twice', async () => {
    const body = await newPackageForm(
      { name_en: '12 Speech', name_ar: '12 جلسة نطق', price: '4800', validity_days: '120' },
      [
        [speech.id, '10'],
        ['', ''],
        [assessment.id, '2'],
      ],
    );
    expect(body.get('active')).toBe('on'); // on sale by default
    for (let i = 0; i < 2; i++) {
      const response = await post(admin, '/admin/packages', body);
      expect(response.status).toBe(303);
    }
    const { rows, services } = await packageNamed('12 Speech');
    expect(rows).toMatchObject([{ price: '4800.00', validity_days: 120, active: true }]);
    expect(services).toEqual([
      { service_id: assessment.id, sessions: 2 },
      { service_id: speech.id, sessions: 10 },
    ]);
    const audits = await auditRows(database.db, fixture.tenant.id, 'package.create');
    expect(audits).toHaveLength(1);
    expect(audits[0]!.after).toMatchObject({
      price: '4800',
      services: [{ sessions: 10 }, { sessions: 2 }],
    });

    const list = html(await (await admin.request('/admin/packages')).text());
    expect(list.querySelector(`#packages-active #package-${rows[0]!.id}`)?.text).toContain(
      'Speech × 10 sessions',
    );
  });

  it('adds and removes rows on the server without saving', async () => {
    const body = await newPackageForm(
      { name_en: 'Draft', name_ar: 'مسودة', price: '1', validity_days: '9' },
      [[speech.id, '3']],
    );
    body.set('_row', 'add');
    const added = html(await (await post(admin, '/admin/packages', body)).text());
    expect(added.querySelectorAll(`#${PACKAGE_FORM_ID} .row-editor`)).toHaveLength(2);
    expect(added.querySelector('#service_0 option[selected]')?.getAttribute('value')).toBe(
      speech.id,
    );
    expect(added.querySelector('#name_en')?.getAttribute('value')).toBe('Draft');

    body.append('service_id[]', assessment.id);
    body.append('sessions[]', '1');
    body.set('_row', 'remove-0');
    const removed = html(await (await post(admin, '/admin/packages', body)).text());
    expect(removed.querySelectorAll(`#${PACKAGE_FORM_ID} .row-editor`)).toHaveLength(1);
    expect(removed.querySelector('#service_0 option[selected]')?.getAttribute('value')).toBe(
      assessment.id,
    );
    expect((await packageNamed('Draft')).rows).toHaveLength(0);
  });

  it('refuses no service, a duplicate service, bad counts and bad fields (422)', async () => {
    const none = await post(
      admin,
      '/admin/packages',
      await newPackageForm({ name_en: 'Empty', name_ar: 'فارغة', price: '1', validity_days: '9' }, [
        ['', ''],
      ]),
    );
    expect(none.status).toBe(422);
    expect(fieldErrors(html(await none.text()))).toEqual({
      services: 'Add at least one service with its number of sessions.',
    });

    const bad = await post(
      admin,
      '/admin/packages',
      await newPackageForm({ name_en: '', name_ar: 'سيئة', price: '12.345', validity_days: '0' }, [
        [speech.id, '5'],
        [speech.id, '0'],
        ['', '4'],
      ]),
    );
    expect(bad.status).toBe(422);
    expect(fieldErrors(html(await bad.text()))).toEqual({
      name_en: 'Please fill in this field.',
      price: 'Enter an amount like 350 or 350.00 (at most two decimals).',
      validity_days: 'Enter whole days from 1 to 3650.',
      service_1: 'This service is already in the package.',
      sessions_1: 'Enter a whole number of sessions from 1 to 1000.',
      service_2: 'Choose one of the services.',
    });

    const theirs = await post(
      admin,
      '/admin/packages',
      await newPackageForm({ name_en: 'Theirs', name_ar: 'لهم', price: '1', validity_days: '9' }, [
        [theirService.id, '5'],
      ]),
    );
    expect(theirs.status).toBe(422);
    expect(fieldErrors(html(await theirs.text()))).toEqual({
      services: 'Choose one of the services.',
    });
    for (const name of ['Empty', '', 'Theirs'])
      expect((await packageNamed(name)).rows).toHaveLength(0);
  });

  it('never changes a purchase already sold when the package is edited', async () => {
    const pkg = await createPackage(
      database.db,
      fixture.tenant.id,
      [{ serviceId: speech.id, sessions: 10 }],
      { name_en: 'Snapshot 10', name_ar: 'لقطة', price: '5000.00', validity_days: 90 },
    );
    const patient = await createPatient(database.db, fixture.tenant.id);
    const desk = await fixture.signIn('FRONT_DESK');
    const assigned = await desk.request('/appointments/api/assign-package/', {
      json: { package_id: pkg.id, patient_id: patient.id },
    });
    expect(assigned.status).toBe(200);
    const { package_purchase_id } = (await assigned.json()) as { package_purchase_id: string };
    const snapshot = async () => ({
      purchase: await database.db
        .selectFrom('package_purchases')
        .select(['name_en', 'name_ar', 'price', 'total_sessions', 'expiry_date', 'sessions_used'])
        .where('id', '=', package_purchase_id)
        .executeTakeFirstOrThrow(),
      services: await database.db
        .selectFrom('purchase_services')
        .select(['service_id', 'sessions', 'sessions_used'])
        .where('purchase_id', '=', package_purchase_id)
        .execute(),
    });
    const before = await snapshot();

    const form = new URLSearchParams(
      await formFields(admin, `/admin/packages/${pkg.id}/edit`, 'package-form'),
    );
    expect(form.get('service_id[]')).toBe(speech.id);
    form.set('name_en', 'Snapshot 12');
    form.set('name_ar', 'لقطة جديدة');
    form.set('price', '6500.00');
    form.set('validity_days', '30');
    form.set('service_id[]', assessment.id);
    form.set('sessions[]', '12');
    const edited = await post(admin, `/admin/packages/${pkg.id}`, form);
    expect(edited.status).toBe(303);

    expect(await snapshot()).toEqual(before);
    expect(before.purchase).toMatchObject({
      name_en: 'Snapshot 10',
      price: '5000.00',
      total_sessions: 10,
    });
    expect(before.services).toEqual([{ service_id: speech.id, sessions: 10, sessions_used: 0 }]);

    const modal = (await (
      await desk.request(`/appointments/api/packages-for-patient/?patient=${patient.id}`)
    ).json()) as {
      assigned_packages: { id: string; name: string; total_sessions: number }[];
      available_packages: { id: string; name: string; total_sessions: number; price: number }[];
    };
    expect(modal.assigned_packages).toMatchObject([
      { id: package_purchase_id, name: 'Snapshot 10', total_sessions: 10 },
    ]);
    expect(modal.available_packages.find((entry) => entry.id === pkg.id)).toMatchObject({
      name: 'Snapshot 12',
      total_sessions: 12,
      price: 6500,
    });
    const [audit] = await auditRows(database.db, fixture.tenant.id, 'package.update');
    expect(audit!.before).toMatchObject({ name_en: 'Snapshot 10', price: '5000.00' });
    expect(audit!.after).toMatchObject({ name_en: 'Snapshot 12', price: '6500.00' });
  });

  it('withdraws a package from sale: gone from the modal, listed as not on sale', async () => {
    const pkg = await createPackage(database.db, fixture.tenant.id, [
      { serviceId: speech.id, sessions: 4 },
    ]);
    const patient = await createPatient(database.db, fixture.tenant.id);
    const desk = await fixture.signIn('FRONT_DESK');
    const available = async () =>
      (
        (await (
          await desk.request(`/appointments/api/packages-for-patient/?patient=${patient.id}`)
        ).json()) as { available_packages: { id: string }[] }
      ).available_packages.map((entry) => entry.id);
    expect(await available()).toContain(pkg.id);

    const form = new URLSearchParams(
      await formFields(admin, `/admin/packages/${pkg.id}/edit`, 'package-form'),
    );
    expect(form.get('active')).toBe('on');
    form.delete('active');
    expect((await post(admin, `/admin/packages/${pkg.id}`, form)).status).toBe(303);

    expect(await available()).not.toContain(pkg.id);
    const modal = html(
      await (
        await desk.request(`/appointments/new/package-modal?patient_id=${patient.id}`, {
          htmx: true,
        })
      ).text(),
    );
    expect(modal.toString()).not.toContain(pkg.name_en);
    const list = html(await (await admin.request('/admin/packages')).text());
    expect(list.querySelector(`#packages-inactive #package-${pkg.id}`)).not.toBeNull();
  });

  it("answers 404 for another tenant's package, 400 for a malformed id, 403 for other roles", async () => {
    const theirs = await createPackage(database.db, fixture.other.id, [
      { serviceId: theirService.id, sessions: 4 },
    ]);
    expect((await admin.request(`/admin/packages/${theirs.id}/edit`)).status).toBe(404);
    const body = await newPackageForm(
      { name_en: 'Mine', name_ar: 'لي', price: '1', validity_days: '9' },
      [[speech.id, '1']],
    );
    expect((await post(admin, `/admin/packages/${theirs.id}`, body)).status).toBe(404);
    body.set('_row', 'add');
    expect((await post(admin, `/admin/packages/${theirs.id}`, body)).status).toBe(404);
    expect((await admin.request('/admin/packages/x/edit')).status).toBe(400);

    const ours = await createPackage(database.db, fixture.tenant.id, [
      { serviceId: speech.id, sessions: 1 },
    ]);
    for (const role of ['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
      const client = await fixture.signIn(role);
      for (const path of [
        '/admin/packages',
        '/admin/packages/new',
        `/admin/packages/${ours.id}/edit`,
      ]) {
        expect((await client.request(path)).status, `${role} ${path}`).toBe(403);
      }
      expect((await post(client, '/admin/packages', body)).status).toBe(403);
      expect((await post(client, `/admin/packages/${ours.id}`, body)).status).toBe(403);
    }
  });
});
