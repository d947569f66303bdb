import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATIENT_CONTACT_ID } from '../../src/views/patients/patient-form.js';
import { html, type TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import type { TestDatabase } from '../support/test-db.js';

/** The patient's email, language of messages and consents on the new, edit and quick-add forms. */

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

let counter = 0;
function registration(values: Record<string, string> = {}) {
  counter += 1;
  return {
    name_en: `Contact Patient ${counter}`,
    name_ar: '',
    phone: `+96659100${String(counter).padStart(4, '0')}`,
    date_of_birth: '',
    mrn: '',
    form_token: crypto.randomUUID(),
    ...values,
  };
}

function patientNamed(name: string) {
  return database.db
    .selectFrom('patients')
    .selectAll()
    .where('name_en', '=', name)
    .executeTakeFirstOrThrow();
}

const consentsOf = (patient: Awaited<ReturnType<typeof patientNamed>>) => ({
  reminders: patient.consent_reminders,
  email: patient.consent_email,
  sms: patient.consent_sms,
  whatsapp: patient.consent_whatsapp,
});

describe('a patient’s contact and consents', () => {
  it('the new-patient form offers them, every consent ticked, in the desk’s language', async () => {
    const page = html(await (await desk.request('/patients/new')).text());
    const contact = page.querySelector(`#${PATIENT_CONTACT_ID}`)!;
    expect(contact.querySelector('#patient-email')?.getAttribute('type')).toBe('email');
    expect(contact.querySelector('#patient-language option[selected]')?.getAttribute('value')).toBe(
      'en',
    );
    const ticked = contact
      .querySelectorAll('input[type=checkbox][checked]')
      .map((input) => input.getAttribute('name'));
    expect(ticked).toEqual([
      'consent_reminders',
      'consent_email',
      'consent_sms',
      'consent_whatsapp',
    ]);
  });

  it('registers them as sent: email lower-cased, Arabic messages, no reminders, SMS only', async () => {
    const form = registration({
      email: ' Family@Example.TEST ',
      preferred_language: 'ar',
      consent_form: '1',
      consent_sms: '1',
    });
    expect((await desk.request('/patients', { form })).status).toBe(303);
    const patient = await patientNamed(form.name_en);
    expect(patient).toMatchObject({ email: 'family@example.test', preferred_language: 'ar' });
    expect(consentsOf(patient)).toEqual({
      reminders: false,
      email: false,
      sms: true,
      whatsapp: false,
    });
  });

  it('a form that does not show the consents leaves them as the database has them', async () => {
    const form = registration();
    expect((await desk.request('/patients', { form })).status).toBe(303);
    const patient = await patientNamed(form.name_en);
    expect(consentsOf(patient)).toEqual({
      reminders: true,
      email: true,
      sms: true,
      whatsapp: true,
    });
    expect(patient).toMatchObject({ email: null, preferred_language: 'en' });
  });

  it('the edit form shows what is stored and saves changes, audited', async () => {
    const form = registration({ email: 'before@example.test', consent_form: '1' });
    await desk.request('/patients', { form });
    const patient = await patientNamed(form.name_en);
    const edit = html(await (await desk.request(`/patients/${patient.id}/edit`)).text());
    expect(edit.querySelector('#patient-email')?.getAttribute('value')).toBe('before@example.test');
    expect(edit.querySelectorAll(`#${PATIENT_CONTACT_ID} input[checked]`)).toHaveLength(0);

    const response = await desk.request(`/patients/${patient.id}/edit`, {
      form: {
        name_en: patient.name_en,
        name_ar: '',
        phone: patient.phone!,
        date_of_birth: '',
        mrn: patient.mrn,
        email: 'after@example.test',
        preferred_language: 'ar',
        consent_form: '1',
        consent_reminders: '1',
        consent_whatsapp: '1',
      },
    });
    expect(response.status).toBe(303);
    const after = await patientNamed(form.name_en);
    expect(after).toMatchObject({ email: 'after@example.test', preferred_language: 'ar' });
    expect(consentsOf(after)).toEqual({
      reminders: true,
      email: false,
      sms: false,
      whatsapp: true,
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'patient.update')
      .where('entity_id', '=', patient.id)
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ email: 'before@example.test', consent_whatsapp: false });
    expect(audit.after).toMatchObject({ email: 'after@example.test', consent_whatsapp: true });
  });

  it.each([
    ['email', 'not an email', 'patient-email', 'Please enter a valid email address.'],
    ['email', '@example.test', 'patient-email', 'Please enter a valid email address.'],
    ['preferred_language', 'fr', 'patient-language', 'Choose one of the options.'],
    ['consent_sms', 'yes', 'patient-consent-sms', 'Choose one of the options.'],
  ])(
    'refuses %s=%j with 422, keyed to its field, saving nothing',
    async (field, value, id, message) => {
      const form = registration({ consent_form: '1', [field]: value });
      const response = await desk.request('/patients', { form });
      expect(response.status).toBe(422);
      const page = html(await response.text());
      expect(textOf(page.querySelector(`#${id}-error`)), id).toBe(message);
      const found = await database.db
        .selectFrom('patients')
        .select('id')
        .where('name_en', '=', form.name_en)
        .execute();
      expect(found).toEqual([]);
    },
  );

  it('the quick-add dialog carries them too, and in Arabic', async () => {
    const arabic = await demo.signIn('frontdesk@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const dialog = html(
      await (await arabic.request('/appointments/new/patient-form?q=x', { htmx: true })).text(),
    );
    expect(textOf(dialog.querySelector(`#${PATIENT_CONTACT_ID} legend`))).toBe(
      'الرسائل إلى المريض',
    );
    expect(dialog.querySelector('#patient-language option[selected]')?.getAttribute('value')).toBe(
      'ar',
    );
    const form = registration({ email: 'quick@example.test', consent_form: '1' });
    const response = await arabic.request('/appointments/new/register', { htmx: true, form });
    expect(response.status).toBe(200);
    const patient = await patientNamed(form.name_en);
    expect(patient.email).toBe('quick@example.test');
    expect(consentsOf(patient).reminders).toBe(false);
  });

  it('a provider cannot edit a patient (403); another centre’s patient is a 404', async () => {
    const provider = await demo.signIn('provider@demo.test');
    const ahmed = await demo.patient('Ahmed Al-Rashid');
    const before = await patientNamed('Ahmed Al-Rashid');
    const form = {
      name_en: 'Ahmed Al-Rashid',
      phone: before.phone!,
      mrn: before.mrn,
      email: 'x@example.test',
      consent_form: '1',
    };
    expect((await provider.request(`/patients/${ahmed}/edit`, { form })).status).toBe(403);
    const other = await demo.signIn('frontdesk@other.test');
    expect((await other.request(`/patients/${ahmed}/edit`, { form })).status).toBe(404);
    expect(await patientNamed('Ahmed Al-Rashid')).toEqual(before);
  });
});
