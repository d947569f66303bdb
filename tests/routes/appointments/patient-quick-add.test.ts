import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type TestClient } from '../../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../../support/demo.js';
import type { TestDatabase } from '../../support/test-db.js';
import {
  PATIENT_CHOICE_ID,
  PATIENT_RESULTS_ID,
} from '../../../src/views/appointments/patient-picker.js';
import {
  DUPLICATES_ID,
  PATIENT_FORM_ID,
  PATIENT_MODAL_BODY_ID,
  PATIENT_MODAL_ID,
} from '../../../src/views/patients/patient-form.js';

let database: TestDatabase, demo: DemoFixture, desk: TestClient;

beforeAll(async () => {
  ({ database, demo, desk } = await openSignedInDemo());
});
afterAll(() => database.close());

const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

async function fragment(path: string) {
  const response = await desk.request(path, { htmx: true });
  return { response, page: html(await response.text()) };
}

function register(values: Record<string, string>, client = desk) {
  return client.request('/appointments/new/register', {
    htmx: true,
    form: {
      name_en: 'Quick Added',
      name_ar: '',
      phone: '+966599000001',
      date_of_birth: '',
      mrn: '',
      form_token: crypto.randomUUID(),
      ...values,
    },
  });
}

function patientsNamed(name: string) {
  return database.db.selectFrom('patients').selectAll().where('name_en', '=', name).execute();
}

describe('registering from the booking page', () => {
  it('offers "Register new patient" when the search finds nobody', async () => {
    const { page } = await fragment('/appointments/new/patients?q=Nobody%20Here');
    expect(textOf(page.querySelector(`#${PATIENT_RESULTS_ID} .empty`))).toBe(
      'No patient matches this search.',
    );
    const button = page.querySelector('#register-patient-button');
    expect(button?.getAttribute('hx-get')).toBe('/appointments/new/patient-form');
    expect(button?.getAttribute('hx-include')).toBe('#patient-search');
    expect(button?.getAttribute('hx-target')).toBe(`#${PATIENT_MODAL_BODY_ID}`);
    // The booking page holds the dialog it opens in, outside the booking form.
    const booking = html(await (await desk.request('/appointments/new')).text());
    expect(
      booking.querySelector(`dialog#${PATIENT_MODAL_ID} #${PATIENT_MODAL_BODY_ID}`),
    ).not.toBeNull();
    expect(booking.querySelector(`#booking-form #${PATIENT_MODAL_ID}`)).toBeNull();
  });

  it.each([
    ['Nobody Here', 'patient-name-en'],
    ['نور', 'patient-name-ar'],
    ['050 999', 'patient-phone'],
  ])('fills the form with what was searched (%s)', async (q, field) => {
    const { response, page } = await fragment(
      `/appointments/new/patient-form?q=${encodeURIComponent(q)}`,
    );
    expect(response.status).toBe(200);
    expect(page.querySelector(`#${field}`)?.getAttribute('value')).toBe(q);
    expect(page.querySelector('#patient-name-en')?.hasAttribute('autofocus')).toBe(true);
    const form = page.querySelector(`#${PATIENT_FORM_ID}`);
    expect(form?.getAttribute('hx-post')).toBe('/appointments/new/register');
    expect(form?.getAttribute('hx-target')).toBe(`#${PATIENT_CHOICE_ID}`);
    expect(page.querySelector('[name="form_token"]')?.getAttribute('value')).toMatch(/^[\w-]{36}$/);
    for (const input of page.querySelectorAll(`#${PATIENT_FORM_ID} input:not([type=hidden])`)) {
      expect(page.querySelector(`label[for="${input.id}"]`), input.id).not.toBeNull();
    }
  });

  it('selects the new patient in the booking form, as a search result would', async () => {
    const response = await register({ name_en: 'Quick Added', mrn: 'QA-1' });
    expect(response.status).toBe(200);
    const page = html(await response.text());
    const [patient] = await patientsNamed('Quick Added');
    expect(
      page.querySelector(`#${PATIENT_CHOICE_ID} [name="patient_id"]`)?.getAttribute('value'),
    ).toBe(patient!.id);
    expect(textOf(page.querySelector(`#${PATIENT_CHOICE_ID}`))).toBe(
      'Selected patient: Quick Added (QA-1)',
    );
    expect(page.querySelector(`#${PATIENT_RESULTS_ID}`)?.getAttribute('hx-swap-oob')).toBe('true');
    expect(page.querySelector('#clinic')).not.toBeNull();
  });

  it('shows the form again in the dialog with field errors (422)', async () => {
    const response = await register({ name_en: '', phone: 'call me' });
    expect(response.status).toBe(422);
    expect(response.headers.get('hx-retarget')).toBe(`#${PATIENT_MODAL_BODY_ID}`);
    expect(response.headers.get('hx-reswap')).toBe('innerHTML');
    const page = html(await response.text());
    expect(textOf(page.querySelector('#patient-name-en-error'))).toBe('Please fill in this field.');
    expect(textOf(page.querySelector('#patient-phone-error'))).toBe(
      'Enter 7 to 15 digits, optionally starting with +.',
    );
    expect(page.querySelector('#patient-phone')?.getAttribute('value')).toBe('call me');
  });

  it('shows every field error at once: a bad phone and a date of birth in the future', async () => {
    const response = await register({ phone: 'call me', date_of_birth: '2099-01-01' });
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(textOf(page.querySelector('#patient-phone-error'))).toBe(
      'Enter 7 to 15 digits, optionally starting with +.',
    );
    expect(textOf(page.querySelector('#patient-date-of-birth-error'))).toBe(
      'The date of birth cannot be in the future.',
    );
  });

  it('warns of a possible duplicate with "use this patient" and "register anyway"', async () => {
    const token = crypto.randomUUID();
    const form = { name_en: 'Omar Q', phone: '+966503456789', form_token: token };
    const response = await register(form);
    expect(response.status).toBe(409);
    expect(response.headers.get('hx-retarget')).toBe(`#${PATIENT_MODAL_BODY_ID}`);
    const page = html(await response.text());
    const omar = await demo.patient('Omar Al-Qahtani');
    const use = page.querySelector(`#${DUPLICATES_ID} button`);
    expect(textOf(use)).toBe('Use this patient');
    expect(use?.getAttribute('hx-get')).toBe(`/appointments/new/patient?patient_id=${omar}`);
    expect(use?.getAttribute('hx-target')).toBe(`#${PATIENT_CHOICE_ID}`);
    expect(await patientsNamed('Omar Q')).toHaveLength(0);

    const anyway = await register({ ...form, confirm_duplicate: '1' });
    expect(anyway.status).toBe(200);
    expect(await patientsNamed('Omar Q')).toHaveLength(1);
  });

  it('registers once on a double submit, and selects the same patient both times', async () => {
    const form = { name_en: 'Twice Quick', form_token: crypto.randomUUID(), phone: '0599111222' };
    const first = html(await (await register(form)).text());
    const second = html(await (await register(form)).text());
    const ids = [first, second].map((page) =>
      page.querySelector(`#${PATIENT_CHOICE_ID} [name="patient_id"]`)?.getAttribute('value'),
    );
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
    expect(await patientsNamed('Twice Quick')).toHaveLength(1);
  });

  it.each(['provider@demo.test', 'finance@demo.test'])('refuses %s with 403', async (email) => {
    const client = await demo.signIn(email);
    expect((await client.request('/appointments/new/patient-form', { htmx: true })).status).toBe(
      403,
    );
    expect((await register({ name_en: 'Not Allowed' }, client)).status).toBe(403);
    expect(await patientsNamed('Not Allowed')).toHaveLength(0);
  });
});
