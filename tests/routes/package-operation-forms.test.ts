import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { html, type TestClient } from '../support/client.js';
import { openCourseDesk, type CourseDesk } from '../support/courses.js';
import type { DemoFixture } from '../support/demo.js';
import { createPackage, createPatient, createPurchase } from '../support/factories.js';
import { invariantViolations } from '../support/invariants.js';
import type { TestDatabase } from '../support/test-db.js';
import { operationId, recipientsId } from '../../src/views/patients/package-operation-forms.js';

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday.
let database: TestDatabase, demo: DemoFixture, admin: TestClient, desk: TestClient;
let course: CourseDesk;

beforeAll(async () => {
  course = await openCourseDesk('admin@demo.test');
  ({ database, demo, desk: admin } = course);
  desk = await demo.signIn('frontdesk@demo.test');
});
afterAll(() => database.close());

const at = (date: string, time: string) => `${date}T${time}:00+03:00`;
const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

let booked = 0;

/**
 * A fresh patient's purchase with sessions booked on these days, each purchase at a time and
 * with a provider of its own (so the tests' sessions never meet), unless `place` says.
 */
async function heldWith(days: string[], place?: { time: string; providerId: string }) {
  const held = await course.freshPurchase();
  const n = booked++;
  const time = place?.time ?? `${String(8 + (n % 7)).padStart(2, '0')}:00`;
  const providerId =
    place?.providerId ??
    [course.ids.huda, course.ids.faisal, course.ids.reem][Math.floor(n / 7) % 3]!;
  for (const day of days) {
    const response = await admin.request('/appointments/api/book/', {
      json: {
        patient_id: held.patientId,
        appointment_type: 'package',
        package_purchase_id: held.purchaseId,
        clinic_id: course.ids.slp,
        provider_id: providerId,
        start: at(day, time),
        duration_minutes: 45,
      },
    });
    expect(response.status).toBe(201);
  }
  return held;
}

function post(
  client: TestClient,
  held: { patientId: string; purchaseId: string },
  kind: string,
  form: Record<string, string>,
  htmx = true,
) {
  return client.request(`/patients/${held.patientId}/packages/${held.purchaseId}/${kind}`, {
    form,
    htmx,
  });
}

const startsOf = (purchaseId: string) =>
  database.db
    .selectFrom('appointments')
    .select(['starts_at', 'status'])
    .where('package_purchase_id', '=', purchaseId)
    .orderBy('starts_at')
    .execute();

describe('the purchase row of the patient page', () => {
  it('offers transfer, cancel remaining and reschedule all to ADMIN, reschedule to the desk', async () => {
    const held = await heldWith(['2026-12-01']);
    const row = async (client: TestClient) =>
      html(await (await client.request(`/patients/${held.patientId}`)).text()).querySelector(
        `#purchase-${held.purchaseId}`,
      );
    const asAdmin = await row(admin);
    for (const kind of ['transfer', 'cancel-remaining', 'reschedule']) {
      expect(asAdmin?.querySelector(`#${operationId(kind as never, held.purchaseId)}`)).not.toBe(
        null,
      );
    }
    // What will change is shown before anything is confirmed: the session still to come.
    expect(textOf(asAdmin?.querySelector('.future-sessions'))).toContain('1 Dec 2026');
    expect(textOf(asAdmin)).toContain('Money back is a refund');
    const asDesk = await row(desk);
    expect(asDesk?.querySelector(`#${operationId('reschedule', held.purchaseId)}`)).not.toBe(null);
    expect(asDesk?.querySelector(`#${operationId('transfer', held.purchaseId)}`)).toBe(null);
    expect(asDesk?.querySelector(`#${operationId('cancel-remaining', held.purchaseId)}`)).toBe(
      null,
    );
    const provider = await demo.signIn('provider@demo.test');
    expect((await row(provider))?.querySelector('.package-operation')).toBe(null);
  });
});

describe('reschedule all from the patient page', () => {
  it('moves every session by the days given, then follows to the page with a notice', async () => {
    const held = await heldWith(['2026-11-30', '2026-12-01']);
    const response = await post(desk, held, 'reschedule', {
      offset_days: '7',
      reason: 'Family travel',
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('hx-redirect')).toBe(
      `/patients/${held.patientId}?done=rescheduled`,
    );
    const [first, second] = await startsOf(held.purchaseId);
    expect(first!.starts_at.toISOString().slice(0, 10)).toBe('2026-12-07');
    expect(second!.starts_at.toISOString().slice(0, 10)).toBe('2026-12-08');
    const page = html(await (await desk.request(response.headers.get('hx-redirect')!)).text());
    expect(textOf(page.querySelector('#patient-notice'))).toBe('Sessions moved.');
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });

  it('lists the sessions in the way and moves nothing (409, in place)', async () => {
    const place = { time: '15:15', providerId: course.ids.huda };
    const held = await heldWith(['2026-11-30'], place);
    const blocker = await heldWith(['2026-12-07'], place);
    const response = await post(desk, held, 'reschedule', {
      offset_days: '7',
      reason: 'Family travel',
    });
    expect(response.status).toBe(409);
    const fragment = html(await response.text());
    const form = fragment.querySelector(`#${operationId('reschedule', held.purchaseId)}`);
    expect(form?.getAttribute('open')).not.toBeUndefined();
    expect(
      textOf(form?.querySelector(`#${operationId('reschedule', held.purchaseId)}-conflicts`)),
    ).toContain('7 Dec 2026');
    expect(form?.querySelector('input[name=reason]')?.getAttribute('value')).toBe('Family travel');
    expect((await startsOf(held.purchaseId))[0]?.starts_at.toISOString()).toBe(
      '2026-11-30T12:15:00.000Z',
    );
    expect(blocker.purchaseId).toBeTruthy();
  });

  it('shows each field error in place (422), in Arabic for an Arabic reader', async () => {
    const held = await heldWith(['2026-11-30']);
    const response = await post(desk, held, 'reschedule', { offset_days: '0', reason: '' });
    expect(response.status).toBe(422);
    const form = html(await response.text());
    const id = operationId('reschedule', held.purchaseId);
    expect(textOf(form.querySelector(`#${id}-days-error`))).toBe(
      'Enter a whole number of days from −365 to 365, other than 0.',
    );
    expect(textOf(form.querySelector(`#${id}-reason-error`))).toBe('Please fill in this field.');
    expect(form.querySelector(`#${id}-days`)?.getAttribute('aria-describedby')).toContain(
      `${id}-days-error`,
    );

    const arabic = await demo.signIn('frontdesk@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const inArabic = html(
      await (await post(arabic, held, 'reschedule', { offset_days: 'x', reason: '' })).text(),
    );
    expect(textOf(inArabic.querySelector(`#${id}-days-error`))).toBe(
      'أدخل عدداً صحيحاً من الأيام من −365 إلى 365 غير الصفر.',
    );
    expect(textOf(inArabic.querySelector('summary'))).toBe('إعادة جدولة الكل بعدد أيام');
  });

  it('answers a plain form with the page, the form open with its errors', async () => {
    const held = await heldWith(['2026-11-30']);
    const response = await post(desk, held, 'reschedule', { offset_days: '0', reason: 'x' }, false);
    expect(response.status).toBe(422);
    const page = html(await response.text());
    expect(page.querySelector('#patient-title')).not.toBe(null);
    const id = operationId('reschedule', held.purchaseId);
    expect(page.querySelector(`#${id}`)?.hasAttribute('open')).toBe(true);
  });
});

describe('transfer from the patient page', () => {
  it('finds the recipient by search, the holder left out', async () => {
    const held = await heldWith([]);
    const sibling = await createPatient(database.db, demo.demo, { name_en: 'Sibling Search' });
    const response = await admin.request(
      `/patients/${held.patientId}/packages/${held.purchaseId}/recipients?q=Sibling%20Search`,
      { htmx: true },
    );
    expect(response.status).toBe(200);
    const radios = html(await response.text()).querySelectorAll('input[name=patient_id]');
    expect(radios.map((r) => r.getAttribute('value'))).toEqual([sibling.id]);
  });

  it('lists the sessions to come and asks to cancel them; with the tick it transfers', async () => {
    const held = await heldWith(['2026-12-01', '2026-12-02']);
    const sibling = await createPatient(database.db, demo.demo);
    const refused = await post(admin, held, 'transfer', {
      patient_id: sibling.id,
      reason: 'Sibling takes over',
    });
    expect(refused.status).toBe(409);
    const form = html(await refused.text());
    const id = operationId('transfer', held.purchaseId);
    expect(textOf(form.querySelector(`#${id}-message`))).toContain('still to come');
    // Listed once, as the sessions still to come; the chosen patient still shown chosen.
    expect(form.querySelectorAll(`#${id} .future-sessions li`)).toHaveLength(2);
    expect(form.querySelector(`#${id}-conflicts`)).toBe(null);
    const chosen = form.querySelector(`#${recipientsId(held.purchaseId)} input[name=patient_id]`);
    expect(chosen?.getAttribute('value')).toBe(sibling.id);
    expect(chosen?.hasAttribute('checked')).toBe(true);
    expect(textOf(form.querySelector(`#${recipientsId(held.purchaseId)} label`))).toContain(
      sibling.mrn,
    );

    const done = await post(admin, held, 'transfer', {
      patient_id: sibling.id,
      cancel_future: 'on',
      reason: 'Sibling takes over',
    });
    expect(done.status).toBe(204);
    expect(done.headers.get('hx-redirect')).toBe(`/patients/${held.patientId}?done=transferred`);
    const [moved] = await demo.purchasesOf(sibling.id);
    expect(moved?.total_sessions).toBe(10);
    expect((await startsOf(held.purchaseId)).map((a) => a.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });

  it('offers a course booked to the end: all of it is still to be held', async () => {
    const days = ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03'];
    const held = await heldWith([...days, ...days.map((day) => addDays(day, 7))]);
    const page = html(await (await admin.request(`/patients/${held.patientId}`)).text());
    const row = page.querySelector(`#purchase-${held.purchaseId}`);
    expect(row?.querySelector('.badge.status')?.getAttribute('data-status')).toBe('COMPLETED');
    const transfer = row?.querySelector(`#${operationId('transfer', held.purchaseId)}`);
    expect(textOf(transfer?.querySelector('p.muted'))).toContain('The 10 sessions not yet held');
    expect(textOf(transfer?.querySelector('label.check'))).toContain('(10)');
    const cancel = row?.querySelector(`#${operationId('cancel-remaining', held.purchaseId)}`);
    expect(textOf(cancel?.querySelector('p.muted'))).toContain('The 10 sessions not yet held');
  });

  it('refuses no recipient, or the holder, as field errors', async () => {
    const held = await heldWith([]);
    const id = operationId('transfer', held.purchaseId);
    const none = await post(admin, held, 'transfer', { patient_id: '', reason: 'x' });
    expect(none.status).toBe(422);
    expect(textOf(html(await none.text()).querySelector(`#${id}-patient-error`))).toBe(
      'Please fill in this field.',
    );
    const self = await post(admin, held, 'transfer', { patient_id: held.patientId, reason: 'x' });
    expect(self.status).toBe(422);
    expect(textOf(html(await self.text()).querySelector(`#${id}-patient-error`))).toBe(
      'Choose another patient than the package holder.',
    );
  });
});

describe('cancel remaining from the patient page', () => {
  it('cancels the sessions to come and closes the package', async () => {
    const held = await heldWith(['2026-12-01']);
    const response = await post(admin, held, 'cancel-remaining', { reason: 'Family moved' });
    expect(response.status).toBe(204);
    const [purchase] = await demo.purchasesOf(held.patientId);
    expect(purchase?.status).toBe('CANCELLED');
    // Closed: asked again, the refusal says why, in the form.
    const again = await post(admin, held, 'cancel-remaining', { reason: 'Twice' });
    expect(again.status).toBe(409);
    expect(
      textOf(
        html(await again.text()).querySelector(
          `#${operationId('cancel-remaining', held.purchaseId)}-message`,
        ),
      ),
    ).toBe('A cancelled package cannot be transferred or cancelled.');
  });
});

describe('who may run what', () => {
  it('refuses other roles (403), another tenant or patient (404), a malformed id (400)', async () => {
    const held = await heldWith([]);
    const provider = await demo.signIn('provider@demo.test');
    expect((await post(desk, held, 'transfer', { patient_id: '', reason: 'x' })).status).toBe(403);
    expect((await post(desk, held, 'cancel-remaining', { reason: 'x' })).status).toBe(403);
    expect(
      (await post(provider, held, 'reschedule', { offset_days: '7', reason: 'x' })).status,
    ).toBe(403);
    const other = await demo.signIn('frontdesk@other.test');
    expect((await post(other, held, 'reschedule', { offset_days: '7', reason: 'x' })).status).toBe(
      404,
    );
    const stranger = await course.freshPurchase();
    expect(
      (
        await post(
          admin,
          { patientId: stranger.patientId, purchaseId: held.purchaseId },
          'cancel-remaining',
          { reason: 'x' },
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await admin.request(`/patients/${held.patientId}/packages/nope/cancel-remaining`, {
          form: { reason: 'x' },
        })
      ).status,
    ).toBe(400);
    const [purchase] = await demo.purchasesOf(held.patientId);
    expect(purchase?.status).toBe('ACTIVE');
  });
});

describe('balances of a package of several services', () => {
  it('show the split per service on the patient page, in the package modal and section', async () => {
    const pkg = await createPackage(database.db, demo.demo, [
      { serviceId: course.ids.speech, sessions: 8 },
      { serviceId: course.ids.aba_therapy, sessions: 4 },
    ]);
    const patient = await createPatient(database.db, demo.demo);
    const purchase = await createPurchase(database.db, pkg, patient.id, course.adminId, {
      purchase_date: '2026-11-25',
      expiry_date: '2026-12-31',
    });
    const booked = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: patient.id,
        appointment_type: 'package',
        package_purchase_id: purchase.id,
        service_id: course.ids.speech,
        clinic_id: course.ids.slp,
        provider_id: course.ids.huda,
        start: at('2026-12-03', '11:30'),
        duration_minutes: 45,
      },
    });
    expect(booked.status).toBe(201);
    const page = html(await (await desk.request(`/patients/${patient.id}`)).text());
    expect(textOf(page.querySelector(`#purchase-${purchase.id} .service-split`))).toBe(
      'ABA 0/4 · SLP 1/8',
    );
    const modal = html(
      await (
        await desk.request(`/appointments/new/package-modal?patient_id=${patient.id}`, {
          htmx: true,
        })
      ).text(),
    );
    expect(textOf(modal.querySelector(`#purchase-${purchase.id} .service-split`))).toBe(
      'ABA 0/4 · SLP 1/8',
    );
    const section = html(
      await (
        await desk.request(
          `/appointments/new/package-section?patient_id=${patient.id}&package_purchase_id=${purchase.id}`,
          { htmx: true },
        )
      ).text(),
    );
    expect(textOf(section.querySelector('.service-split'))).toBe('ABA 0/4 · SLP 1/8');
    // A package of one service keeps its one total.
    const single = await heldWith([]);
    const singlePage = html(await (await desk.request(`/patients/${single.patientId}`)).text());
    expect(singlePage.querySelector(`#purchase-${single.purchaseId} .service-split`)).toBe(null);
  });
});
