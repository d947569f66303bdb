import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type TestClient } from '../support/client.js';
import { openCourseDesk, type CourseDesk } from '../support/courses.js';
import type { DemoFixture } from '../support/demo.js';
import { invariantViolations } from '../support/invariants.js';
import type { TestDatabase } from '../support/test-db.js';

// DEMO_NOW is Wednesday 2026-11-25, 12:00 in Riyadh; the centre works Sunday to Thursday,
// 08:00–16:00. Each test books at an hour of its own, so their sessions never meet.
let database: TestDatabase, demo: DemoFixture, desk: TestClient;
let course: CourseDesk;
let ids: CourseDesk['ids'] & { lama: string };

beforeAll(async () => {
  course = await openCourseDesk('frontdesk@demo.test');
  ({ database, demo, desk } = course);
  const lama = await database.db
    .selectFrom('providers')
    .select('id')
    .where('name_en', '=', 'Dr. Lama Al-Juhani')
    .executeTakeFirstOrThrow();
  ids = { ...course.ids, lama: lama.id };
});
afterAll(() => database.close());

const at = (date: string, time: string) => `${date}T${time}:00+03:00`;
const url = (purchaseId: string) => `/appointments/new/course/${purchaseId}`;
const textOf = (node: { text: string } | null | undefined) =>
  node?.text.replace(/\s+/g, ' ').trim();

interface Pattern {
  days: number[];
  time: string;
  start: string;
  count: number;
  providers?: Record<number, string>;
  extra?: [string, string][];
}

/** The form's fields for a pattern (every weekday's provider Faisal unless given). */
function fields(pattern: Pattern, key = crypto.randomUUID()): URLSearchParams {
  const params = new URLSearchParams({
    service_id: ids.speech,
    time: pattern.time,
    start_date: pattern.start,
    count: String(pattern.count),
    idempotency_key: key,
  });
  for (const day of pattern.days) params.append('days', String(day));
  for (let day = 0; day < 7; day++) {
    params.set(`day_provider_${day}`, pattern.providers?.[day] ?? ids.faisal);
  }
  for (const [name, value] of pattern.extra ?? []) params.append(name, value);
  return params;
}

/** The preview htmx asks for on a change of the pattern: the form again, with its sessions. */
async function preview(purchaseId: string, pattern: Pattern, client = desk) {
  const response = await client.request(`${url(purchaseId)}?${fields(pattern)}`, { htmx: true });
  return { status: response.status, page: html(await response.text()) };
}

function rowsOf(page: ReturnType<typeof html>) {
  return page.querySelectorAll('#course-preview tbody tr').map((row) => ({
    id: row.id,
    number: textOf(row.querySelector('.course-number')),
    cells: row.querySelectorAll('td').map((cell) => textOf(cell)),
    provider: row.querySelector('select option[selected]')?.getAttribute('value'),
    state: textOf(row.querySelector('.course-state .badge')),
    take: row.querySelector('.course-state button[name=take]')?.getAttribute('value'),
  }));
}

function bookAll(purchaseId: string, body: URLSearchParams, client = desk, htmx = true) {
  body.set('intent', 'book');
  return client.request(url(purchaseId), { method: 'POST', form: body, htmx });
}

const appointmentsOf = (purchaseId: string) =>
  database.db
    .selectFrom('appointments')
    .select(['starts_at', 'provider_id', 'session_number_in_package', 'status'])
    .where('package_purchase_id', '=', purchaseId)
    .orderBy('starts_at')
    .execute();

describe('the course page', () => {
  it('is linked from the package section and proposes a weekly course at first', async () => {
    const held = await course.freshPurchase();
    const section = html(
      await (
        await desk.request(
          `/appointments/new/package-section?patient_id=${held.patientId}&package_purchase_id=${held.purchaseId}`,
          { htmx: true },
        )
      ).text(),
    );
    expect(section.querySelector('#book-course-link')?.getAttribute('href')).toBe(
      url(held.purchaseId),
    );

    const response = await desk.request(url(held.purchaseId));
    expect(response.status).toBe(200);
    const page = html(await response.text());
    expect(textOf(page.querySelector('#course-expiry'))).toContain('31 Dec 2026');
    // Tomorrow (a Thursday) and every Thursday after it up to the expiry, at 09:00.
    expect(page.querySelector('#day-4')?.getAttribute('checked')).not.toBeUndefined();
    expect(page.querySelector('#count')?.getAttribute('value')).toBe('6');
    const rows = rowsOf(page);
    expect(rows[0]!.cells.slice(0, 4)).toEqual(['1', '26 Nov 2026', 'Thursday', '09:00']);
    expect(rows.map((row) => [row.number, row.state])).toEqual(
      ['1', '2', '3', '4', '5', '6'].map((n) => [n, 'Free']),
    );
    expect(page.querySelector('#course-book')?.getAttribute('disabled')).toBeUndefined();
    // Ten from there: the four after the expiry say so, and the course cannot be booked.
    const ten = await preview(held.purchaseId, {
      days: [4],
      time: '09:00',
      start: '2026-11-26',
      count: 10,
    });
    expect(rowsOf(ten.page).map((row) => [row.number, row.state])).toEqual([
      ...['1', '2', '3', '4', '5', '6'].map((n) => [n, 'Free']),
      ...Array(4).fill(['–', 'After expiry']),
    ]);
    expect(ten.page.querySelector('#course-book')?.getAttribute('disabled')).not.toBeUndefined();
    // Nothing was kept by the preview.
    expect(await appointmentsOf(held.purchaseId)).toEqual([]);
  });

  it('speaks Arabic', async () => {
    const arabic = await demo.signIn('frontdesk@demo.test');
    await arabic.request('/account/locale', { form: { locale: 'ar' } });
    const held = await course.freshPurchase();
    const page = html(await (await arabic.request(url(held.purchaseId))).text());
    expect(page.querySelector('html')?.getAttribute('dir')).toBe('rtl');
    expect(textOf(page.querySelector('#course-title'))).toBe('حجز سلسلة الجلسات');
    expect(rowsOf(page)[0]!.state).toBe('متاح');
  });
});

describe('booking a course', () => {
  it('books every session at once, numbered in date order, with a provider per weekday', async () => {
    const held = await course.freshPurchase();
    const pattern = {
      days: [2, 0],
      time: '15:00',
      start: '2026-11-29',
      count: 4,
      providers: { 0: ids.faisal, 2: ids.huda },
    };
    const { status, page } = await preview(held.purchaseId, pattern);
    expect(status).toBe(200);
    const rows = rowsOf(page);
    expect(rows.map((row) => [row.cells[1], row.cells[2], row.provider, row.state])).toEqual([
      ['29 Nov 2026', 'Sunday', ids.faisal, 'Free'],
      ['1 Dec 2026', 'Tuesday', ids.huda, 'Free'],
      ['6 Dec 2026', 'Sunday', ids.faisal, 'Free'],
      ['8 Dec 2026', 'Tuesday', ids.huda, 'Free'],
    ]);

    const response = await bookAll(held.purchaseId, fields(pattern));
    expect(response.status).toBe(200);
    const booked = html(await response.text());
    expect(textOf(booked.querySelector('#course-booked-title'))).toBe('Course booked: 4 sessions');
    expect(textOf(booked.querySelector('#course-package[hx-swap-oob]'))).toContain(
      '6 of 10 sessions left',
    );
    expect(
      booked
        .querySelectorAll('#course-booked tbody tr')
        .map((row) => row.querySelectorAll('td').map((cell) => textOf(cell))),
    ).toEqual([
      ['1', '29 Nov 2026', 'Sunday', '15:00', 'Dr. Faisal Al-Ghamdi'],
      ['2', '1 Dec 2026', 'Tuesday', '15:00', 'Dr. Huda Al-Zahrani'],
      ['3', '6 Dec 2026', 'Sunday', '15:00', 'Dr. Faisal Al-Ghamdi'],
      ['4', '8 Dec 2026', 'Tuesday', '15:00', 'Dr. Huda Al-Zahrani'],
    ]);
    const stored = await appointmentsOf(held.purchaseId);
    expect(stored.map((a) => [a.starts_at.toISOString(), a.session_number_in_package])).toEqual([
      [new Date(at('2026-11-29', '15:00')).toISOString(), 1],
      [new Date(at('2026-12-01', '15:00')).toISOString(), 2],
      [new Date(at('2026-12-06', '15:00')).toISOString(), 3],
      [new Date(at('2026-12-08', '15:00')).toISOString(), 4],
    ]);
    expect(await invariantViolations(database.db, { patientIds: [held.patientId] })).toEqual([]);
  });

  it('keeps a provider chosen for one session while the pattern changes around it', async () => {
    const held = await course.freshPurchase();
    const pattern = { days: [0], time: '14:00', start: '2026-11-29', count: 3 };
    // Session of 6 Dec with Lama; the day's provider (Faisal) shown with the others.
    const first = fields(pattern);
    first.set('row_provider_2026-12-06', ids.lama);
    first.set('rendered_day_provider_0', ids.faisal);
    first.set('rendered_time', '14:00');
    const again = await desk.request(`${url(held.purchaseId)}?${first}`, { htmx: true });
    const rows = rowsOf(html(await again.text()));
    expect(rows.map((row) => row.provider)).toEqual([ids.faisal, ids.lama, ids.faisal]);
    // Sundays now go to Huda: the two that showed the day's provider follow, Lama's stays.
    const second = fields({ ...pattern, providers: { 0: ids.huda } });
    second.set('row_provider_2026-11-29', ids.faisal);
    second.set('row_provider_2026-12-06', ids.lama);
    second.set('row_provider_2026-12-13', ids.faisal);
    second.set('rendered_day_provider_0', ids.faisal);
    const changed = await desk.request(`${url(held.purchaseId)}?${second}`, { htmx: true });
    expect(rowsOf(html(await changed.text())).map((row) => row.provider)).toEqual([
      ids.huda,
      ids.lama,
      ids.huda,
    ]);
  });

  it('marks a session whose time is taken and offers the nearest free time, which can be taken', async () => {
    const other = await course.freshPurchase();
    const taken = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: other.patientId,
        appointment_type: 'package',
        package_purchase_id: other.purchaseId,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        start: at('2026-12-07', '13:00'),
        duration_minutes: 45,
      },
    });
    expect(taken.status).toBe(201);
    const held = await course.freshPurchase();
    const pattern = { days: [1], time: '13:00', start: '2026-11-30', count: 2 };
    const { page } = await preview(held.purchaseId, pattern);
    const rows = rowsOf(page);
    expect(rows.map((row) => row.state)).toEqual(['Free', 'Not free']);
    expect(rows[1]!.number).toBe('–');
    expect(textOf(page.querySelector('#course-row-2026-12-07 .course-note'))).toContain(
      'The provider is busy or not working then',
    );
    // Faisal is free again from 13:45; 12:15 is as near, and earlier.
    expect(rows[1]!.take).toBe(`2026-12-07@${at('2026-12-07', '12:15')}`);
    expect(page.querySelector('#course-book')?.getAttribute('disabled')).not.toBeUndefined();

    const took = await desk.request(
      `${url(held.purchaseId)}?${fields({ ...pattern, extra: [['take', rows[1]!.take!]] })}`,
      { htmx: true },
    );
    const after = html(await took.text());
    expect(rowsOf(after).map((row) => [row.cells[3], row.state])).toEqual([
      ['13:00', 'Free'],
      ['12:15 Moved from the pattern', 'Free'],
    ]);
    expect(after.querySelector('input[name="moved_2026-12-07"]')?.getAttribute('value')).toBe(
      at('2026-12-07', '12:15'),
    );
    // A new time for the pattern drops the session's own time.
    const moved = fields({ ...pattern, time: '13:15' });
    moved.set('moved_2026-12-07', at('2026-12-07', '12:15'));
    moved.set('rendered_time', '13:00');
    const retimed = await desk.request(`${url(held.purchaseId)}?${moved}`, { htmx: true });
    expect(rowsOf(html(await retimed.text())).map((row) => row.cells[3])).toEqual([
      '13:15',
      '13:15',
    ]);
  });

  it('flags the sessions past the expiry with the latest possible date, and warns in the last week', async () => {
    const held = await course.freshPurchase('2026-12-10');
    const { status, page } = await preview(held.purchaseId, {
      days: [0],
      time: '12:00',
      start: '2026-11-29',
      count: 3,
    });
    expect(status).toBe(200);
    const rows = rowsOf(page);
    expect(rows.map((row) => row.state)).toEqual(['Free', 'Free', 'After expiry']);
    expect(textOf(page.querySelector('#course-row-2026-12-13 .course-note'))).toBe(
      'The package expires on 10 Dec 2026, before this day; the latest possible date is 10 Dec 2026.',
    );
    // The latest day with free time on or before the expiry: Thursday 10 December.
    expect(rows[2]!.take).toBe(`2026-12-13@${at('2026-12-10', '12:00')}`);
    expect(textOf(page.querySelector('#course-row-2026-12-06 .course-note.warn'))).toBe(
      'In the package’s last week: it expires on 10 Dec 2026.',
    );
    expect(textOf(page.querySelector('#course-expiry'))).toBeUndefined(); // the form only
  });

  it('refuses more sessions than are left, a start in the past and an empty week (422)', async () => {
    const held = await course.freshPurchase('2026-12-31', 3);
    const tooMany = await preview(held.purchaseId, {
      days: [0],
      time: '10:00',
      start: '2026-11-29',
      count: 4,
    });
    expect(tooMany.status).toBe(422);
    expect(textOf(tooMany.page.querySelector('#count-error'))).toBe(
      'That is more than the sessions left on this package.',
    );
    expect(tooMany.page.querySelector('#count')?.getAttribute('max')).toBe('3');
    expect(rowsOf(tooMany.page)).toEqual([]);
    const past = await preview(held.purchaseId, {
      days: [],
      time: '25:00',
      start: '2026-11-20',
      count: 1,
    });
    expect(past.status).toBe(422);
    expect(textOf(past.page.querySelector('#days-error'))).toBe(
      'Choose at least one day of the week.',
    );
    expect(textOf(past.page.querySelector('#time-error'))).toBe('Enter a time such as 16:00.');
    // Posting it books nothing either.
    const posted = await bookAll(
      held.purchaseId,
      fields({ days: [0], time: '10:00', start: '2026-11-29', count: 4 }),
    );
    expect(posted.status).toBe(422);
    expect(await appointmentsOf(held.purchaseId)).toEqual([]);
  });

  it('answers a double submit with the one course it booked', async () => {
    const held = await course.freshPurchase('2026-12-31', 2);
    const body = fields({ days: [3], time: '08:00', start: '2026-12-02', count: 2 });
    const [first, second] = await Promise.all([
      bookAll(held.purchaseId, new URLSearchParams(body)),
      bookAll(held.purchaseId, new URLSearchParams(body)),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    // Once more after the course used the last session: the same course, not a refusal.
    const third = await bookAll(held.purchaseId, new URLSearchParams(body), desk, false);
    expect(third.status).toBe(303);
    expect(third.headers.get('location')).toBe(`/patients/${held.patientId}?done=course`);
    const numbers = (page: string) =>
      html(page)
        .querySelectorAll('#course-booked .course-number')
        .map((cell) => textOf(cell));
    expect(numbers(await first.text())).toEqual(['1', '2']);
    expect(numbers(await second.text())).toEqual(['1', '2']);
    expect(await appointmentsOf(held.purchaseId)).toHaveLength(2);
    const notice = html(await (await desk.request(third.headers.get('location')!)).text());
    expect(textOf(notice.querySelector('#patient-notice'))).toBe('Course booked.');
  });

  it('books nothing when a time was taken since the preview, and marks it', async () => {
    const held = await course.freshPurchase();
    const pattern = { days: [4], time: '11:00', start: '2026-12-03', count: 2 };
    expect(rowsOf((await preview(held.purchaseId, pattern)).page).map((r) => r.state)).toEqual([
      'Free',
      'Free',
    ]);
    const other = await course.freshPurchase();
    const taken = await desk.request('/appointments/api/book/', {
      json: {
        patient_id: other.patientId,
        appointment_type: 'package',
        package_purchase_id: other.purchaseId,
        clinic_id: ids.slp,
        provider_id: ids.faisal,
        start: at('2026-12-10', '11:00'),
        duration_minutes: 45,
      },
    });
    expect(taken.status).toBe(201);
    const response = await bookAll(held.purchaseId, fields(pattern));
    expect(response.status).toBe(409);
    const page = html(await response.text());
    expect(textOf(page.querySelector('#course-race-lost'))).toContain('Nothing was booked');
    expect(rowsOf(page).map((row) => row.state)).toEqual(['Free', 'Not free']);
    expect(await appointmentsOf(held.purchaseId)).toEqual([]);
  });
});

describe('who may book a course', () => {
  it('refuses other roles (403), other tenants (404) and malformed ids', async () => {
    const held = await course.freshPurchase();
    const body = fields({ days: [0], time: '09:00', start: '2026-11-29', count: 1 });
    for (const email of ['provider@demo.test', 'finance@demo.test']) {
      const client = await demo.signIn(email);
      expect((await client.request(url(held.purchaseId))).status).toBe(403);
      expect((await bookAll(held.purchaseId, new URLSearchParams(body), client)).status).toBe(403);
    }
    const foreign = await demo.signIn('frontdesk@other.test');
    expect((await foreign.request(url(held.purchaseId))).status).toBe(404);
    const refused = await bookAll(held.purchaseId, new URLSearchParams(body), foreign);
    expect(refused.status).toBe(404);
    expect((await desk.request(url('not-a-uuid'))).status).toBe(400);
    expect((await desk.request(url(crypto.randomUUID()))).status).toBe(404);
    const badService = new URLSearchParams(body);
    badService.set('service_id', 'nope');
    expect(
      (await desk.request(`${url(held.purchaseId)}?${badService}`, { htmx: true })).status,
    ).toBe(422);
    const admin = await demo.signIn('admin@demo.test');
    expect((await admin.request(url(held.purchaseId))).status).toBe(200);
    expect(await appointmentsOf(held.purchaseId)).toEqual([]);
  });
});
