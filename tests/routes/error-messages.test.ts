import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  blankAsMissing,
  calendarDate,
  fieldErrorsOf,
  instant,
} from '../../src/routes/validation.js';
import { html, type TestClient } from '../support/client.js';
import { seedDemoFixture, type DemoFixture } from '../support/demo.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

/** Refusals speak the reader's language on pages and fragments, English with a code in JSON. */

let database: TestDatabase;
let demo: DemoFixture;
let english: TestClient;
let arabic: TestClient;

beforeAll(async () => {
  database = await createTestDatabase();
  demo = await seedDemoFixture(database.db);
  english = await demo.signIn('frontdesk@demo.test');
  arabic = await demo.signIn('admin@demo.test');
  expect((await arabic.request('/account/locale', { form: { locale: 'ar' } })).status).toBe(303);
});
afterAll(() => database.close());

const LATIN = /[A-Za-z]/;

describe('a refusal on an Arabic screen', () => {
  it('says "Clinic not found." in Arabic in a fragment and on a page', async () => {
    const path = `/appointments?clinic=${crypto.randomUUID()}`;
    const fragment = await arabic.request(path, { htmx: true });
    expect(fragment.status).toBe(404);
    const alert = html(await fragment.text()).querySelector('[role="alert"]')!;
    expect(alert.text.trim()).toBe('العيادة غير موجودة.');

    const page = await arabic.request(path);
    expect(page.status).toBe(404);
    expect(html(await page.text()).querySelector('#error-message')?.text).toBe(
      'العيادة غير موجودة.',
    );
    const inEnglish = await english.request(path, { htmx: true });
    expect(html(await inEnglish.text()).text).toContain('Clinic not found.');
  });

  it("shows zod's own refusals of a form in Arabic, no Latin sentence", async () => {
    const form = {
      patient_id: await demo.patient('Sara Al-Harbi'),
      appointment_type: 'single',
      clinic_id: crypto.randomUUID(),
      duration: 'abc',
      idempotency_key: 'x',
    };
    const refused = await arabic.request('/appointments/new/book', { form, htmx: true });
    expect(refused.status).toBe(422);
    const alert = html(await refused.text()).querySelector('[role="alert"]')!;
    const messages = alert.querySelectorAll('li').map((item) => item.text);
    expect(messages).toEqual(['أدخل رقماً.', 'هذا النص أقصر من المسموح.']);
    expect(alert.text).not.toMatch(LATIN);

    const inEnglish = await english.request('/appointments/new/book', { form, htmx: true });
    const englishItems = html(await inEnglish.text())
      .querySelectorAll('li')
      .map((i) => i.text);
    expect(englishItems).toEqual(['Enter a number.', 'This is too short.']);
  });

  it('writes the date of a refusal as the page writes dates', async () => {
    const khalid = await demo.patient('Khalid Al-Dosari');
    const [expired] = await demo.purchasesOf(khalid);
    const response = await arabic.request(
      `/appointments/new/package?patient_id=${khalid}&package_purchase_id=${expired!.id}`,
      { htmx: true },
    );
    expect(response.status).toBe(409);
    const text = html(await response.text())
      .querySelector('[role="alert"]')!
      .text.trim();
    expect(text).toMatch(/^انتهت هذه الباقة في /);
    expect(text).not.toMatch(LATIN);
  });
});

describe('a refusal through the JSON API', () => {
  it('names itself in error.code and speaks English', async () => {
    const unknownClinic = await english.request(
      `/appointments/api/providers/?clinic_id=${crypto.randomUUID()}`,
    );
    expect(unknownClinic.status).toBe(404);
    expect(await unknownClinic.json()).toEqual({
      success: false,
      error: { code: 'clinic_not_found', message: 'Clinic not found.' },
    });

    const badBody = await english.request('/appointments/api/book/', {
      json: { patient_id: await demo.patient('Sara Al-Harbi'), duration_minutes: 'abc' },
    });
    expect(badBody.status).toBe(422);
    expect(await badBody.json()).toMatchObject({
      success: false,
      error: {
        code: 'invalid',
        message: 'Please correct the highlighted fields.',
        fields: { duration_minutes: 'Enter a number.', provider_id: 'Please fill in this field.' },
      },
    });
  });
});

describe("zod's own refusals", () => {
  it('become message keys, whatever the schema', () => {
    const schema = z.object({
      date: blankAsMissing(calendarDate),
      start: blankAsMissing(instant),
      kind: z.enum(['single', 'group']),
      minutes: z.coerce.number().int().min(5),
      email: z.email(),
      reason: z.string().trim().min(1).max(5),
    });
    const wrong = schema.safeParse({
      date: '2026-02-30',
      start: 'soon',
      kind: 'other',
      minutes: '3',
      email: 'nope',
      reason: 'far too long',
    });
    expect(fieldErrorsOf(wrong.error!)).toEqual({
      date: 'dateInvalid',
      start: 'dateTimeInvalid',
      kind: 'optionInvalid',
      minutes: 'numberOutOfRange',
      email: 'emailInvalid',
      reason: 'valueTooLong',
    });
    const missing = schema.safeParse({ date: '1999-12-31', minutes: 'abc', reason: ' ' });
    expect(fieldErrorsOf(missing.error!)).toEqual({
      date: 'dateOutOfRange',
      kind: 'fieldRequired',
      minutes: 'numberInvalid',
      email: 'fieldRequired',
      reason: 'fieldRequired',
    });
  });
});
