import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { html, TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { onRealPostgres, type TestDatabase } from '../support/test-db.js';
import { DUPLICATES_ID } from '../../src/views/patients/patient-form.js';
import { PATIENT_LIST_ID } from '../../src/views/patients/patient-list.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

let phoneCounter = 0;
/** A phone nobody has yet, so no duplicate warning unless a test wants one. */
function freshPhone(): string {
  phoneCounter += 1;
  return `+96659${String(phoneCounter).padStart(5, '0')}${String(Date.now() % 100).padStart(2, '0')}`;
}

function registration(values: Record<string, string> = {}) {
  return {
    name_en: 'Yusuf Al-Amri',
    name_ar: 'يوسف العامري',
    phone: freshPhone(),
    date_of_birth: '2021-04-02',
    mrn: '',
    form_token: crypto.randomUUID(),
    ...values,
  };
}

function patientsNamed(name: string) {
  return database.db
    .selectFrom('patients')
    .selectAll()
    .where('tenant_id', '=', demo.demo)
    .where('name_en', '=', name)
    .execute();
}

function fieldError(page: ReturnType<typeof html>, id: string) {
  return textOf(page.querySelector(`#${id}-error`));
}

describe('the new-patient page', () => {
  it('registers a patient with the next generated MRN and audits it', async () => {
    const form = registration({ name_en: 'Hamza Al-Ghamdi', phone: '050 111-2233' });
    const response = await desk.request('/patients', { form });
    expect(response.status).toBe(303);
    const [patient] = await patientsNamed('Hamza Al-Ghamdi');
    expect(response.headers.get('location')).toBe(`/patients/${patient!.id}?done=registered`);
    expect(patient).toMatchObject({
      name_ar: 'يوسف العامري',
      phone: '+966501112233', // E.164, read in the centre's country (SA)
      date_of_birth: '2021-04-02',
    });
    const highest = await database.db
      .selectFrom('patients')
      .select((eb) => eb.fn.max('mrn').as('mrn'))
      .where('tenant_id', '=', demo.demo)
      .where('id', '<>', patient!.id)
      .where('mrn', 'like', 'MRN-%')
      .executeTakeFirstOrThrow();
    expect(Number(patient!.mrn.slice(4))).toBe(Number(highest.mrn.slice(4)) + 1);
    expect(patient!.mrn).toMatch(/^MRN-\d{6}$/);

    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'patient')
      .where('entity_id', '=', patient!.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'patient.register', before: null });
    expect(audit[0]!.after).toMatchObject({ mrn: patient!.mrn, name_en: 'Hamza Al-Ghamdi' });

    const page = html(await (await desk.request(response.headers.get('location')!)).text());
    expect(textOf(page.querySelector('#patient-notice'))).toBe('Patient registered.');
    expect(textOf(page.querySelector('#patient-title'))).toBe('Hamza Al-Ghamdi');
  });

  it('keeps a typed MRN, and refuses one another patient has', async () => {
    const typed = await desk.request('/patients', {
      form: registration({ name_en: 'Typed Mrn', mrn: 'EXT-77' }),
    });
    expect(typed.status).toBe(303);
    expect((await patientsNamed('Typed Mrn'))[0]?.mrn).toBe('EXT-77');

    const taken = await desk.request('/patients', {
      form: registration({ name_en: 'Taken Mrn', mrn: 'MRN-000001' }),
    });
    expect(taken.status).toBe(422);
    const page = html(await taken.text());
    expect(fieldError(page, 'patient-mrn')).toBe('Another patient already has this MRN.');
    expect(page.querySelector('#patient-name-en')?.getAttribute('value')).toBe('Taken Mrn');
    expect(await patientsNamed('Taken Mrn')).toHaveLength(0);
  });

  it.each([
    ['name_en', '', 'patient-name-en', 'Please fill in this field.'],
    ['name_en', 'x'.repeat(101), 'patient-name-en', 'Please keep the name under 100 characters.'],
    ['phone', '', 'patient-phone', 'Please fill in this field.'],
    ['phone', '12ab34', 'patient-phone', 'Enter 7 to 15 digits, optionally starting with +.'],
    ['phone', '+96650', 'patient-phone', 'Enter 7 to 15 digits, optionally starting with +.'],
    ['date_of_birth', '2026-02-30', 'patient-date-of-birth', 'Enter a date as YYYY-MM-DD.'],
    [
      'date_of_birth',
      '2026-11-26',
      'patient-date-of-birth',
      'The date of birth cannot be in the future.',
    ],
    ['date_of_birth', '1890-01-01', 'patient-date-of-birth', 'Please check the year of birth.'],
    ['mrn', 'MRN 12', 'patient-mrn', 'Use letters, digits and dashes (up to 30).'],
  ])('answers %s=%j with 422 and the field message', async (field, value, id, message) => {
    const name = `Invalid ${field} ${value.length}`;
    const response = await desk.request('/patients', {
      form: registration({ name_en: name, [field]: value }),
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(fieldError(page, id)).toBe(message);
    expect(page.querySelector(`#${id}`)?.getAttribute('aria-invalid')).toBe('true');
    expect(textOf(page.querySelector('.alert-error'))).toBe(
      'Please correct the highlighted fields.',
    );
    expect(
      await database.db.selectFrom('patients').select('id').where('name_en', '=', name).execute(),
    ).toHaveLength(0);
  });

  it('shows every field error at once, the date of birth with the phone', async () => {
    const response = await desk.request('/patients', {
      form: registration({ name_en: 'Two Errors', phone: '12ab34', date_of_birth: '1890-01-01' }),
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(fieldError(page, 'patient-phone')).toBe(
      'Enter 7 to 15 digits, optionally starting with +.',
    );
    expect(fieldError(page, 'patient-date-of-birth')).toBe('Please check the year of birth.');
  });

  it('accepts a birthday of today (in the tenant zone)', async () => {
    const response = await desk.request('/patients', {
      form: registration({ name_en: 'Newborn Baby', date_of_birth: '2026-11-25' }),
    });
    expect(response.status).toBe(303);
  });

  it('warns about the same phone, lists the match, and registers anyway on confirm', async () => {
    const form = registration({ name_en: 'Ahmad Rashid', phone: '+966 50 123 4567' });
    const warned = await desk.request('/patients', { form });
    expect(warned.status).toBe(409);
    const page = html(await warned.text());
    const duplicates = page.querySelector(`#${DUPLICATES_ID}`);
    expect(textOf(duplicates?.querySelector('h2'))).toBe('This patient may already be registered');
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    expect(duplicates?.querySelector(`a[href="/patients/${ahmed}"]`)).not.toBeNull();
    expect(textOf(duplicates)).toContain('Ahmed Al-Rashid');
    const anyway = page.querySelector('button[name="confirm_duplicate"]');
    expect(anyway?.getAttribute('value')).toBe('1');
    // The same form (and token) comes back, filled as it was sent.
    expect(page.querySelector('[name="form_token"]')?.getAttribute('value')).toBe(form.form_token);
    expect(page.querySelector('#patient-phone')?.getAttribute('value')).toBe('+966 50 123 4567');
    expect(await patientsNamed('Ahmad Rashid')).toHaveLength(0);

    const confirmed = await desk.request('/patients', {
      form: { ...form, confirm_duplicate: '1' },
    });
    expect(confirmed.status).toBe(303);
    expect(await patientsNamed('Ahmad Rashid')).toHaveLength(1);
  });

  it('warns about the same phone however it is typed, with a link to the patient on file', async () => {
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    for (const phone of ['0501234567', '966501234567', '00966 50 123 4567']) {
      const warned = await desk.request('/patients', {
        form: registration({ name_en: 'Ahmad Rashid', phone }),
      });
      expect(warned.status, phone).toBe(409);
      const duplicates = html(await warned.text()).querySelector(`#${DUPLICATES_ID}`);
      expect(duplicates?.querySelector(`a[href="/patients/${ahmed}"]`), phone).not.toBeNull();
    }
  });

  it("refuses a phone that is no number of the centre's country, with a clear message", async () => {
    const refused = await desk.request('/patients', {
      form: registration({ name_en: 'Wrong Number', phone: '0123456789' }),
    });
    expect(refused.status).toBe(422);
    expect(fieldError(html(await refused.text()), 'patient-phone')).toBe(
      'This is not a phone number here. Check the digits, or start with + and the country code.',
    );
    expect(await patientsNamed('Wrong Number')).toHaveLength(0);
  });

  it('warns about the same name and date of birth, whatever the case', async () => {
    const response = await desk.request('/patients', {
      form: registration({ name_en: 'sara al-harbi', date_of_birth: '2020-07-02' }),
    });
    expect(response.status).toBe(409);
    expect(textOf(html(await response.text()).querySelector(`#${DUPLICATES_ID}`))).toContain(
      'Sara Al-Harbi',
    );
  });

  it('registers once when the same form is submitted twice', async () => {
    const form = registration({ name_en: 'Double Click' });
    const first = await desk.request('/patients', { form });
    const second = await desk.request('/patients', { form });
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await patientsNamed('Double Click')).toHaveLength(1);
  });

  it('is in Arabic for an Arabic desk', async () => {
    const admin = await demo.signIn('admin@demo.test');
    await admin.request('/account/locale', { form: { locale: 'ar' } });
    const page = html(await (await admin.request('/patients/new')).text());
    expect(textOf(page.querySelector('#new-patient-title'))).toBe('مريض جديد');
    expect(textOf(page.querySelector('label[for="patient-mrn"]'))).toBe('الرقم الطبي');
    const invalid = await admin.request('/patients', { form: registration({ phone: 'abc' }) });
    expect(fieldError(html(await invalid.text()), 'patient-phone')).toBe(
      'أدخل من 7 إلى 15 رقماً، ويمكن البدء بـ +.',
    );
    await admin.request('/account/locale', { form: { locale: 'en' } });
  });
});

describe('the patients list', () => {
  it('lists patients by name and searches by name, MRN or phone', async () => {
    const all = html(await (await desk.request('/patients')).text());
    const names = all.querySelectorAll(`#${PATIENT_LIST_ID} tbody th`).map(textOf);
    expect(names.length).toBeGreaterThan(5);
    expect(names).toEqual(
      [...names].sort((a, b) => a!.toLowerCase().localeCompare(b!.toLowerCase())),
    );
    expect(all.querySelector('#new-patient-link')?.getAttribute('href')).toBe('/patients/new');

    for (const q of [
      'Ahmed Al-R',
      'أحمد الراشد',
      'MRN-000001',
      '501234567',
      '0501234567',
      '+966 50 123 4567',
      '966501234567',
    ]) {
      const page = html(await (await desk.request(`/patients?q=${encodeURIComponent(q)}`)).text());
      expect(page.querySelectorAll(`#${PATIENT_LIST_ID} tbody th`).map(textOf), q).toContain(
        'Ahmed Al-Rashid',
      );
    }
    const none = html(await (await desk.request('/patients?q=zzzzqqq')).text());
    expect(textOf(none.querySelector(`#${PATIENT_LIST_ID} .empty`))).toBe(
      'No patient matches this search.',
    );
  });

  it('pages through the patients 50 at a time', async () => {
    const count = await database.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', demo.demo)
      .executeTakeFirstOrThrow();
    const first = html(await (await desk.request('/patients')).text());
    expect(first.querySelectorAll(`#${PATIENT_LIST_ID} tbody tr`)).toHaveLength(
      Math.min(50, Number(count.n)),
    );
    if (Number(count.n) > 50) {
      expect(first.querySelector('a[rel="next"]')?.getAttribute('href')).toBe('/patients?page=2');
      const second = html(await (await desk.request('/patients?page=2')).text());
      expect(second.querySelectorAll(`#${PATIENT_LIST_ID} tbody tr`)).toHaveLength(
        Number(count.n) - 50,
      );
      expect(second.querySelector('a[rel="prev"]')?.getAttribute('href')).toBe('/patients');
    }
    expect((await desk.request('/patients?page=0')).status).toBe(400);
  });

  it("never shows another tenant's patients", async () => {
    const page = html(await (await desk.request('/patients?q=Mariam')).text());
    expect(textOf(page.querySelector(`#${PATIENT_LIST_ID}`))).not.toContain('Mariam Al-Mansoori');
  });

  it('is open to every role; only the desk and admins see "New patient"', async () => {
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      const client = await demo.signIn(email);
      const response = await client.request('/patients');
      expect(response.status).toBe(200);
      expect(html(await response.text()).querySelector('#new-patient-link')).toBeNull();
    }
  });
});

describe('editing a patient', () => {
  it('shows every field error at once: MRN, phone and a date of birth in the future', async () => {
    await desk.request('/patients', { form: registration({ name_en: 'Edit Twice' }) });
    const [patient] = await patientsNamed('Edit Twice');
    const response = await desk.request(`/patients/${patient!.id}/edit`, {
      form: { name_en: 'Edit Twice', phone: 'abc', date_of_birth: '2099-01-01', mrn: '' },
    });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(fieldError(page, 'patient-mrn')).toBe('Please fill in this field.');
    expect(fieldError(page, 'patient-phone')).toBe(
      'Enter 7 to 15 digits, optionally starting with +.',
    );
    expect(fieldError(page, 'patient-date-of-birth')).toBe(
      'The date of birth cannot be in the future.',
    );
  });

  it('shows the stored details and saves changes with an audit of before and after', async () => {
    await desk.request('/patients', {
      form: registration({ name_en: 'Edit Me', phone: '+966590000999', mrn: 'EDIT-1' }),
    });
    const [patient] = await patientsNamed('Edit Me');
    const form = html(await (await desk.request(`/patients/${patient!.id}/edit`)).text());
    expect(form.querySelector('#patient-mrn')?.getAttribute('value')).toBe('EDIT-1');
    expect(form.querySelector('#patient-phone')?.getAttribute('value')).toBe('+966590000999');

    const response = await desk.request(`/patients/${patient!.id}/edit`, {
      form: {
        name_en: 'Edited Name',
        name_ar: '',
        phone: '0590000998',
        date_of_birth: '',
        mrn: 'EDIT-2',
      },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/patients/${patient!.id}?done=updated`);
    const after = await database.db
      .selectFrom('patients')
      .selectAll()
      .where('id', '=', patient!.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      name_en: 'Edited Name',
      name_ar: null,
      phone: '+966590000998',
      date_of_birth: null,
      mrn: 'EDIT-2',
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', patient!.id)
      .where('action', '=', 'patient.update')
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ name_en: 'Edit Me', mrn: 'EDIT-1' });
    expect(audit.after).toMatchObject({ name_en: 'Edited Name', mrn: 'EDIT-2' });
  });

  it('refuses an MRN of another patient and an empty MRN with 422', async () => {
    const sara = await demo.patient('Sara Al-Harbi');
    const base = { name_en: 'Sara Al-Harbi', phone: '+966502345678', date_of_birth: '2020-07-02' };
    for (const [mrn, message] of [
      ['MRN-000001', 'Another patient already has this MRN.'],
      ['', 'Please fill in this field.'],
    ] as const) {
      const response = await desk.request(`/patients/${sara}/edit`, { form: { ...base, mrn } });
      expect(response.status).toBe(422);
      expect(fieldError(html(await response.text()), 'patient-mrn')).toBe(message);
    }
    const stored = await database.db
      .selectFrom('patients')
      .select('mrn')
      .where('id', '=', sara)
      .executeTakeFirstOrThrow();
    expect(stored.mrn).toBe('MRN-000002');
  });

  it("answers another tenant's patient with 404 and changes nothing", async () => {
    const mariam = await demo.patient('Mariam Al-Mansoori', demo.other);
    expect((await desk.request(`/patients/${mariam}/edit`)).status).toBe(404);
    const response = await desk.request(`/patients/${mariam}/edit`, {
      form: { name_en: 'Hacked', phone: '0500000000', mrn: 'X-1' },
    });
    expect(response.status).toBe(404);
    expect(await patientsNamed('Hacked')).toHaveLength(0);
    expect((await desk.request(`/patients/not-a-uuid/edit`)).status).toBe(400);
  });
});

describe('who may register and edit', () => {
  it.each(['provider@demo.test', 'finance@demo.test'])('refuses %s with 403', async (email) => {
    const client = await demo.signIn(email);
    const sara = await demo.patient('Sara Al-Harbi');
    expect((await client.request('/patients/new')).status).toBe(403);
    expect(
      (await client.request('/patients', { form: registration({ name_en: 'By ' + email }) }))
        .status,
    ).toBe(403);
    expect((await client.request(`/patients/${sara}/edit`)).status).toBe(403);
    expect(
      (
        await client.request(`/patients/${sara}/edit`, {
          form: { name_en: 'X', phone: '0500000000', mrn: 'MRN-000002' },
        })
      ).status,
    ).toBe(403);
    expect(await patientsNamed('By ' + email)).toHaveLength(0);
    const page = html(await (await client.request(`/patients/${sara}`)).text());
    expect(page.querySelector('#edit-patient-link')).toBeNull();
  });

  it('lets an admin register', async () => {
    const admin = await demo.signIn('admin@demo.test');
    expect(
      (await admin.request('/patients', { form: registration({ name_en: 'By Admin' }) })).status,
    ).toBe(303);
  });

  it('sends a visitor to the login', async () => {
    const anonymous = new TestClient(createTestApp(database.db).app);
    const response = await anonymous.request('/patients/new');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fpatients%2Fnew');
    expect((await anonymous.request('/patients', { form: registration() })).status).toBe(303);
  });
});

describe('MRNs under concurrent registrations', () => {
  it.runIf(onRealPostgres)('hands out distinct numbers to simultaneous desks', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        desk.request('/patients', { form: registration({ name_en: `Parallel ${index}` }) }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(303));
    const rows = await database.db
      .selectFrom('patients')
      .select('mrn')
      .where('name_en', 'like', 'Parallel %')
      .execute();
    expect(new Set(rows.map((row) => row.mrn)).size).toBe(12);
  });
});
