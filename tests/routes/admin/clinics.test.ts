import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditRows,
  fieldErrors,
  formFields,
  openSignedInAdmin,
  type AdminFixture,
} from '../../support/admin.js';
import { createTestApp } from '../../support/app.js';
import { html, TestClient } from '../../support/client.js';
import { createClinic } from '../../support/factories.js';
import type { TestDatabase } from '../../support/test-db.js';

let database: TestDatabase, fixture: AdminFixture, admin: TestClient;

beforeAll(async () => {
  ({ database, fixture, admin } = await openSignedInAdmin());
});
afterAll(() => database.close());

const clinicsOf = (tenantId: string) =>
  database.db
    .selectFrom('clinics')
    .select(['id', 'name_en', 'name_ar', 'specialty'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name_en')
    .execute();

describe('clinics administration', () => {
  it('creates a clinic from the new form, once even when submitted twice', async () => {
    const form = await formFields(admin, '/admin/clinics/new', 'clinic-form');
    expect(form.form_token).toMatch(/^[0-9a-f-]{36}$/);
    const submitted = {
      ...form,
      name_en: '  Hearing Clinic ',
      name_ar: 'عيادة السمع',
      specialty: 'Audiology',
    };
    for (let i = 0; i < 2; i++) {
      const response = await admin.request('/admin/clinics', { form: submitted });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/admin/clinics');
    }
    const created = (await clinicsOf(fixture.tenant.id)).filter((c) => c.specialty === 'Audiology');
    expect(created).toMatchObject([{ name_en: 'Hearing Clinic', name_ar: 'عيادة السمع' }]);
    const [audit, ...more] = await auditRows(database.db, fixture.tenant.id, 'clinic.create');
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({ entity_id: created[0]!.id, actor_id: fixture.users.ADMIN.id });
    expect(audit!.after).toMatchObject({ name_en: 'Hearing Clinic', specialty: 'Audiology' });

    const list = html(await (await admin.request('/admin/clinics')).text());
    expect(list.querySelector(`#clinic-${created[0]!.id}`)?.text).toContain('عيادة السمع');
  });

  it('re-renders the form with field errors (422), in English and Arabic', async () => {
    const form = await formFields(admin, '/admin/clinics/new', 'clinic-form');
    const response = await admin.request('/admin/clinics', {
      form: { ...form, name_en: ' ', name_ar: 'x'.repeat(201), specialty: 'SLP' },
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(fieldErrors(page)).toEqual({
      name_en: 'Please fill in this field.',
      name_ar: 'This is too long.',
    });
    expect(page.querySelector('#specialty')?.getAttribute('value')).toBe('SLP');
    expect(page.querySelector('[name="form_token"]')?.getAttribute('value')).toBe(form.form_token);

    const arabic = await fixture.signIn('ADMIN', 'ar');
    const arabicForm = await formFields(arabic, '/admin/clinics/new', 'clinic-form');
    const refused = await arabic.request('/admin/clinics', {
      form: { ...arabicForm, name_en: '' },
    });
    expect(refused.status).toBe(422);
    expect(fieldErrors(html(await refused.text())).name_en).toBe('يرجى تعبئة هذا الحقل.');
    await arabic.request('/account/locale', { form: { locale: 'en' } }); // the language is the user's
  });

  it('edits a clinic and audits before and after', async () => {
    const clinic = await createClinic(database.db, fixture.tenant.id, { name_en: 'Old Name' });
    const form = await formFields(admin, `/admin/clinics/${clinic.id}/edit`, 'clinic-form');
    expect(form.name_en).toBe('Old Name');
    expect(form.form_token).toBeUndefined();
    const response = await admin.request(`/admin/clinics/${clinic.id}`, {
      form: { ...form, name_en: 'New Name' },
    });
    expect(response.status).toBe(303);
    const [audit] = await auditRows(database.db, fixture.tenant.id, 'clinic.update');
    expect(audit).toMatchObject({ entity_id: clinic.id });
    expect(audit!.before).toMatchObject({ name_en: 'Old Name' });
    expect(audit!.after).toMatchObject({ name_en: 'New Name' });

    const invalid = await admin.request(`/admin/clinics/${clinic.id}`, {
      form: { ...form, specialty: '' },
    });
    expect(invalid.status).toBe(422);
    expect(fieldErrors(html(await invalid.text()))).toEqual({
      specialty: 'Please fill in this field.',
    });
  });

  it("answers 404 for another tenant's clinic and leaves it unchanged", async () => {
    const { otherClinic } = fixture;
    expect((await admin.request(`/admin/clinics/${otherClinic.id}/edit`)).status).toBe(404);
    const form = { _csrf: admin.csrfToken!, name_en: 'Taken', name_ar: 'x', specialty: 'x' };
    expect((await admin.request(`/admin/clinics/${otherClinic.id}`, { form })).status).toBe(404);
    const invalid = { ...form, name_en: '' };
    expect(
      (await admin.request(`/admin/clinics/${otherClinic.id}`, { form: invalid })).status,
    ).toBe(404);
    expect((await clinicsOf(fixture.other.id))[0]!.name_en).toBe(otherClinic.name_en);
  });

  it('answers 400 for a malformed id', async () => {
    expect((await admin.request('/admin/clinics/not-a-uuid/edit')).status).toBe(400);
  });

  it('is for administrators only', async () => {
    const clinic = await createClinic(database.db, fixture.tenant.id);
    for (const role of ['FRONT_DESK', 'PROVIDER', 'FINANCE'] as const) {
      const client = await fixture.signIn(role);
      for (const path of [
        '/admin/clinics',
        '/admin/clinics/new',
        `/admin/clinics/${clinic.id}/edit`,
      ]) {
        expect((await client.request(path)).status, `${role} ${path}`).toBe(403);
      }
      const form = { name_en: 'X', name_ar: 'X', specialty: 'X' };
      expect((await client.request(`/admin/clinics/${clinic.id}`, { form })).status).toBe(403);
      expect((await client.request('/admin/clinics', { form })).status).toBe(403);
    }
    const anonymous = await new TestClient(createTestApp(database.db).app).request(
      '/admin/clinics',
    );
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin%2Fclinics');
  });
});
