import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditRows,
  fieldErrors,
  formFields,
  openSignedInAdmin,
  type AdminFixture,
} from '../../support/admin.js';
import { html, type TestClient } from '../../support/client.js';
import { createClinic, createService } from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';

let database: TestDatabase, fixture: AdminFixture, admin: TestClient;
let clinic: { id: string; name_en: string };

beforeAll(async () => {
  ({ database, fixture, admin } = await openSignedInAdmin());
  clinic = await createClinic(database.db, fixture.tenant.id, { name_en: 'Speech Clinic' });
});
afterAll(() => database.close());

const servicesNamed = (name: string) =>
  database.db
    .selectFrom('services')
    .selectAll()
    .where('tenant_id', '=', fixture.tenant.id)
    .where('name_en', '=', name)
    .execute();

describe('services administration', () => {
  it("preselects one of the centre's clinics; any other id is not found", async () => {
    const form = await formFields(
      admin,
      `/admin/services/new?clinic_id=${clinic.id}`,
      'service-form',
    );
    expect(form.clinic_id).toBe(clinic.id);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await admin.request(`/admin/services/new?clinic_id=${unknown}`)).status).toBe(404);
  });

  it('creates a service with its price as exact text, once when submitted twice', async () => {
    const form = await formFields(admin, '/admin/services/new', 'service-form');
    expect(form.default_duration_minutes).toBe('45');
    const submitted = {
      ...form,
      clinic_id: clinic.id,
      name_en: 'Voice Therapy',
      name_ar: 'علاج الصوت',
      default_duration_minutes: '30',
      price: '350.1',
    };
    for (let i = 0; i < 2; i++) {
      const response = await admin.request('/admin/services', { form: submitted });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/admin/services');
    }
    const rows = await servicesNamed('Voice Therapy');
    expect(rows).toMatchObject([
      {
        clinic_id: clinic.id,
        default_duration_minutes: 30,
        price: '350.10',
        name_ar: 'علاج الصوت',
      },
    ]);
    expect(await auditRows(database.db, fixture.tenant.id, 'service.create')).toHaveLength(1);

    const list = html(await (await admin.request('/admin/services')).text());
    const group = list.querySelector(`#services-of-${clinic.id}`);
    expect(group?.querySelector('h2')?.text).toBe('Speech Clinic');
    expect(group?.querySelector(`#service-${rows[0]!.id}`)?.text).toContain('350.1 SAR');
  });

  it('refuses out-of-range durations and malformed prices with field messages', async () => {
    const form = await formFields(admin, '/admin/services/new', 'service-form');
    const cases: [Record<string, string>, Record<string, string>][] = [
      [
        { default_duration_minutes: '4', price: '-1' },
        {
          default_duration_minutes: 'Enter whole minutes from 5 to 480.',
          price: 'Enter an amount like 350 or 350.00 (at most two decimals).',
        },
      ],
      [
        { default_duration_minutes: '481', price: '1.234' },
        {
          default_duration_minutes: 'Enter whole minutes from 5 to 480.',
          price: 'Enter an amount like 350 or 350.00 (at most two decimals).',
        },
      ],
      [
        { default_duration_minutes: '4.5', price: '1e3', clinic_id: '' },
        {
          clinic_id: 'Choose one of the clinics.',
          default_duration_minutes: 'Enter whole minutes from 5 to 480.',
          price: 'Enter an amount like 350 or 350.00 (at most two decimals).',
        },
      ],
    ];
    for (const [fields, errors] of cases) {
      const response = await admin.request('/admin/services', {
        form: { ...form, clinic_id: clinic.id, name_en: 'Bad', name_ar: 'سيئ', ...fields },
      });
      expect(response.status).toBe(422);
      const page = html(await response.text());
      expect(fieldErrors(page)).toEqual(errors);
      expect(page.querySelector('#price')?.getAttribute('value')).toBe(fields.price);
    }
    expect(await servicesNamed('Bad')).toHaveLength(0);
  });

  it("refuses another tenant's clinic as a field error (422), never a 500", async () => {
    const form = await formFields(admin, '/admin/services/new', 'service-form');
    const response = await admin.request('/admin/services', {
      form: {
        ...form,
        clinic_id: fixture.otherClinic.id,
        name_en: 'Sneaky',
        name_ar: 'خدمة',
        default_duration_minutes: '30',
        price: '10',
      },
    });
    expect(response.status).toBe(422);
    expect(fieldErrors(html(await response.text()))).toEqual({
      clinic_id: 'Choose one of the clinics.',
    });
    expect(await servicesNamed('Sneaky')).toHaveLength(0);
    // The same form token still works once the form is corrected.
    const retried = await admin.request('/admin/services', {
      form: {
        ...form,
        clinic_id: clinic.id,
        name_en: 'Sneaky',
        name_ar: 'خدمة',
        default_duration_minutes: '30',
        price: '10',
      },
    });
    expect(retried.status).toBe(303);
    expect(await servicesNamed('Sneaky')).toHaveLength(1);
  });

  it('edits a service (also to another clinic of ours) and audits it', async () => {
    const service = await createService(database.db, fixture.tenant.id, clinic.id, {
      name_en: 'Old Service',
      price: '100.00',
    });
    const second = await createClinic(database.db, fixture.tenant.id);
    const path = `/admin/services/${service.id}`;
    const form = await formFields(admin, `${path}/edit`, 'service-form');
    expect(form).toMatchObject({ clinic_id: clinic.id, price: '100.00', name_en: 'Old Service' });
    const response = await admin.request(path, {
      form: { ...form, clinic_id: second.id, price: '120.50' },
    });
    expect(response.status).toBe(303);
    expect((await servicesNamed('Old Service'))[0]).toMatchObject({
      clinic_id: second.id,
      price: '120.50',
    });
    const [audit] = await auditRows(database.db, fixture.tenant.id, 'service.update');
    expect(audit!.before).toMatchObject({ price: '100.00', clinic_id: clinic.id });
    expect(audit!.after).toMatchObject({ price: '120.50', clinic_id: second.id });

    const moved = await admin.request(path, {
      form: { ...form, clinic_id: fixture.otherClinic.id },
    });
    expect(moved.status).toBe(422);
    expect((await servicesNamed('Old Service'))[0]!.clinic_id).toBe(second.id);
  });

  it("answers 404 for another tenant's service and 400 for a malformed id", async () => {
    const theirs = await createService(database.db, fixture.other.id, fixture.otherClinic.id);
    expect((await admin.request(`/admin/services/${theirs.id}/edit`)).status).toBe(404);
    const form = {
      clinic_id: clinic.id,
      name_en: 'Mine now',
      name_ar: 'x',
      default_duration_minutes: '30',
      price: '1',
    };
    expect((await admin.request(`/admin/services/${theirs.id}`, { form })).status).toBe(404);
    expect((await admin.request('/admin/services/123/edit')).status).toBe(400);
    const unchanged = await database.db
      .selectFrom('services')
      .select('name_en')
      .where('id', '=', theirs.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.name_en).toBe(theirs.name_en);
  });

  it('is for administrators only', async () => {
    const service = await createService(database.db, fixture.tenant.id, clinic.id);
    for (const role of ['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
      const client = await fixture.signIn(role);
      for (const path of [
        '/admin/services',
        '/admin/services/new',
        `/admin/services/${service.id}/edit`,
      ]) {
        expect((await client.request(path)).status, `${role} ${path}`).toBe(403);
      }
      const form = {
        clinic_id: clinic.id,
        name_en: 'X',
        name_ar: 'X',
        default_duration_minutes: '30',
        price: '1',
      };
      expect((await client.request('/admin/services', { form })).status).toBe(403);
      expect((await client.request(`/admin/services/${service.id}`, { form })).status).toBe(403);
    }
  });
});
