import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import type { Locale } from '../../src/db/schema.js';
import { seedDemo } from '../../src/db/seed/demo.js';
import { addDays, localDate } from '../../src/domain/dates.js';
import { translator } from '../../src/i18n/index.js';
import { formatTime, localName } from '../../src/views/format.js';
import { operationId, recipientsId } from '../../src/views/patients/package-operation-forms.js';
import { browserTestsSkipped, useBrowserFixture } from '../support/browser.js';
import {
  screenshots,
  signedInPage,
  switchToArabic,
  switchToEnglish,
} from '../support/browser-flow.js';
import {
  AFTER_SCHOOL,
  ZONE,
  addAfterSchoolHours,
  bookedSessions,
  fillCoursePattern,
  nextWeekday,
  openCoursePage,
  proposedSessions,
} from '../support/course-flow.js';
import { createPatient, createPurchase } from '../support/factories.js';
import { invariantViolations } from '../support/invariants.js';

const DAY = 86_400_000;

/** A family: the child whose course it is, and the sibling who takes its sessions over. */
interface Family {
  locale: Locale;
  /** What the desk types to find the holder. */
  holder: { search: string };
  sibling: { name_en: string; name_ar: string };
}

const FAMILIES: Family[] = [
  {
    locale: 'en',
    holder: { search: 'Layla' },
    sibling: { name_en: 'Adel Al-Otaibi', name_ar: 'عادل العتيبي' },
  },
  {
    locale: 'ar',
    holder: { search: 'Rana Al-Juhani' },
    sibling: { name_en: 'Sami Al-Juhani', name_ar: 'سامي الجهني' },
  },
];

/**
 * Rana holds a fresh "10 SLP Sessions" of her own (the Arabic run's course); each family's
 * sibling is registered, with no package yet.
 */
async function registerFamilies(db: Database) {
  const tenant = await db
    .selectFrom('tenants')
    .select('id')
    .where('name', '=', 'Demo Therapy Centre')
    .executeTakeFirstOrThrow();
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'admin@demo.test')
    .executeTakeFirstOrThrow();
  const pkg = await db
    .selectFrom('packages')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .where('name_en', '=', '10 SLP Sessions')
    .executeTakeFirstOrThrow();
  const services = await db
    .selectFrom('package_services')
    .selectAll()
    .where('package_id', '=', pkg.id)
    .execute();
  const rana = await createPatient(db, tenant.id, {
    name_en: 'Rana Al-Juhani',
    name_ar: 'رنا الجهني',
  });
  await createPurchase(db, { ...pkg, services }, rana.id, admin.id, {
    purchase_date: localDate(ZONE, new Date()),
    expiry_date: addDays(localDate(ZONE, new Date()), 90),
  });
  for (const family of FAMILIES) await createPatient(db, tenant.id, family.sibling);
}

/** Every package session of a purchase, in date order. */
function sessionsOf(db: Database, purchaseId: string) {
  return db
    .selectFrom('appointments')
    .select(['id', 'starts_at', 'status', 'session_number_in_package', 'provider_id'])
    .where('package_purchase_id', '=', purchaseId)
    .orderBy('starts_at')
    .execute();
}

function purchaseOf(db: Database, purchaseId: string) {
  return db
    .selectFrom('package_purchases')
    .select([
      'patient_id',
      'status',
      'total_sessions',
      'sessions_used',
      'expiry_date',
      'transferred_from',
    ])
    .where('id', '=', purchaseId)
    .executeTakeFirstOrThrow();
}

/** The patient page's "package session" cell of each of these appointments, in this order. */
function sessionCells(page: Page, appointmentIds: string[]) {
  return Promise.all(
    appointmentIds.map(async (id) =>
      ((await page.locator(`#appointment-${id} .package-session`).textContent()) ?? '').trim(),
    ),
  );
}

/** The status of each of these appointments as the patient page badges it. */
function statusBadges(page: Page, appointmentIds: string[]) {
  return Promise.all(
    appointmentIds.map((id) =>
      page.locator(`#appointment-${id} .badge.status`).getAttribute('data-status'),
    ),
  );
}

/** A purchase row of the patient page: status, used/total, remaining. */
async function purchaseRow(page: Page, purchaseId: string) {
  const row = page.locator(`#purchase-${purchaseId}`);
  return {
    status: await row.locator('.badge.status').getAttribute('data-status'),
    used: (await row.locator('.usage [dir=ltr]').textContent())?.trim(),
    remaining: (await row.locator('.remaining').textContent())?.trim(),
  };
}

/**
 * SPEC §7 from end to end, as a desk and an administrator do it (issue 18): a course of ten
 * on Sundays and Tuesdays at 16:00 with another provider on Tuesdays, one session moved (the
 * numbers follow), all moved a week, the rest transferred to a sibling who books three of
 * them, then the sibling's remaining cancelled. In English, then in Arabic.
 */
describe.skipIf(browserTestsSkipped)('a course from booking to cancellation, in Chromium', () => {
  const fixture = useBrowserFixture(async (db) => {
    await seedDemo(db, new Date());
    await addAfterSchoolHours(db);
    await registerFamilies(db);
  });

  it.each(FAMILIES)(
    'books, moves, reschedules, transfers and cancels ($locale)',
    async (family) => {
      const { locale } = family;
      const db = fixture.database.db;
      const t = translator(locale);
      const shot = (step: string, page: Page) =>
        screenshots(page, `lifecycle-${locale}-${step}`, ['desktop', 'narrow']);
      const providers = await db
        .selectFrom('providers')
        .select(['id', 'name_en', 'name_ar'])
        .where('name_en', 'in', Object.values(AFTER_SCHOOL))
        .execute();
      const provider = (name: string) => providers.find((p) => p.name_en === name)!;
      const faisal = provider(AFTER_SCHOOL.faisal);
      const huda = provider(AFTER_SCHOOL.huda);
      const inLanguage = async (page: Page) => {
        if (locale === 'ar') await switchToArabic(page);
        return page;
      };

      // 1. The desk books the course on the course page.
      const desk = await inLanguage(
        await signedInPage(fixture.browser, fixture.server.url, 'frontdesk@demo.test'),
      );
      // The holder's untouched "10 SLP Sessions" (Layla's other one, in use, shows 3 used).
      const untouched = t('sessionsUsed', { used: 0, total: 10, remaining: 10 });
      await openCoursePage(desk, family.holder.search, untouched);
      const sunday = nextWeekday(0);
      await fillCoursePattern(desk, {
        startDate: sunday,
        providers: { 0: localName(faisal, locale), 2: localName(huda, locale) },
        time: '16:00',
        count: 10,
      });
      const proposed = await proposedSessions(desk);
      expect(proposed.map((row) => row[0])).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
        '10',
      ]);
      expect(proposed.map((row) => `${row[2]} ${row[3]} ${row[4]} ${row[5]}`)).toEqual(
        Array.from({ length: 5 }, () => [
          `${t('weekday_0')} 16:00 ${localName(faisal, locale)} ${t('courseFree')}`,
          `${t('weekday_2')} 16:00 ${localName(huda, locale)} ${t('courseFree')}`,
        ]).flat(),
      );
      await shot('1-course-preview', desk);
      await desk.locator('#course-book').click();
      await desk.waitForSelector('#course-booked');
      expect((await bookedSessions(desk)).map((row) => row[0])).toEqual(
        proposed.map((row) => row[0]),
      );
      expect(await desk.locator('#course-package').textContent()).toContain(
        t('courseSessionsLeft', { remaining: 0, total: 10 }),
      );
      await shot('2-course-booked', desk);

      const first = await db
        .selectFrom('appointments')
        .select(['id', 'patient_id', 'package_purchase_id'])
        .where('starts_at', '=', new Date(`${sunday}T16:00:00+03:00`))
        .where('provider_id', '=', faisal.id)
        .where('status', '=', 'BOOKED')
        .executeTakeFirstOrThrow();
      const holderId = first.patient_id;
      const purchaseId = first.package_purchase_id!;
      const booked = await sessionsOf(db, purchaseId);
      expect(booked.map((s) => s.session_number_in_package)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      expect(booked.map((s) => s.provider_id)).toEqual(
        Array.from({ length: 5 }, () => [faisal.id, huda.id]).flat(),
      );
      expect(await purchaseOf(db, purchaseId)).toMatchObject({
        status: 'COMPLETED',
        sessions_used: 10,
      });

      // 2. Session 1 (Sunday) moves to the Wednesday after session 2 (Tuesday): it becomes 2.
      await desk.locator('#course-booked tbody tr').first().getByRole('link').click();
      await desk.locator('#reschedule-link').click();
      await desk.waitForSelector('#reschedule-title');
      const wednesday = addDays(sunday, 3);
      await desk.locator('#reschedule-date').fill(wednesday); // sends change: times re-fetched
      const wednesdayTimes = `#slot-list input[name=start][value^="${wednesday}"]`;
      await desk.waitForSelector(wednesdayTimes, { state: 'attached' });
      await desk.locator(wednesdayTimes).first().check();
      await desk.locator('#reschedule-reason').fill(locale === 'ar' ? 'موعد مدرسي' : 'School trip');
      await shot('3-move-one', desk);
      await desk.locator('#reschedule-button').click();
      await desk.waitForURL(/done=moved/);
      expect(await desk.locator('#appointment-notice').textContent()).toBe(t('appointmentMoved'));
      expect(await desk.locator('#booked-session').textContent()).toContain(
        t('sessionOfTotal', { number: 2, total: 10 }),
      );
      await shot('4-moved', desk);

      const moved = await sessionsOf(db, purchaseId);
      expect(moved.map((s) => s.session_number_in_package)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      expect(moved[1]!.id).toBe(first.id);
      expect(localDate(ZONE, moved[1]!.starts_at)).toBe(wednesday);
      expect(moved.every((s) => s.status === 'BOOKED')).toBe(true);
      expect(await purchaseOf(db, purchaseId)).toMatchObject({ sessions_used: 10 });

      // On the patient page, the numbers in date order.
      await desk.locator(`a[href="/patients/${holderId}"]`).first().click();
      await desk.waitForSelector('#patient-title');
      const numbered = Array.from({ length: 10 }, (_, i) =>
        t('sessionOfTotal', { number: i + 1, total: 10 }),
      );
      expect(
        await sessionCells(
          desk,
          moved.map((s) => s.id),
        ),
      ).toEqual(numbered);

      // 3. The desk moves every session a week later from the patient page.
      const reschedule = operationId('reschedule', purchaseId);
      await desk.locator(`#${reschedule} summary`).click();
      await desk.locator(`#${reschedule}-days`).fill('7');
      await desk
        .locator(`#${reschedule}-reason`)
        .fill(locale === 'ar' ? 'سفر العائلة' : 'Family travel');
      await shot('5-reschedule-all', desk);
      await desk.locator(`#${reschedule}-reason`).press('Enter');
      await desk.waitForURL(/done=rescheduled/);
      expect(await desk.locator('#patient-notice').textContent()).toBe(t('purchaseRescheduled'));
      const later = await sessionsOf(db, purchaseId);
      expect(later.map((s) => s.id)).toEqual(moved.map((s) => s.id));
      expect(later.map((s) => s.starts_at.getTime() - 7 * DAY)).toEqual(
        moved.map((s) => s.starts_at.getTime()),
      );
      expect(later.map((s) => s.session_number_in_package)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      expect(
        await sessionCells(
          desk,
          later.map((s) => s.id),
        ),
      ).toEqual(numbered);
      expect(await desk.locator(`#appointment-${later[0]!.id} .time`).textContent()).toContain(
        formatTime(later[0]!.starts_at, ZONE, locale),
      );
      await shot('6-rescheduled', desk);

      // 4. The administrator transfers what is left to the sibling: refused while sessions are
      // to come, then with them cancelled (returned, not used).
      const sibling = await db
        .selectFrom('patients')
        .select('id')
        .where('name_en', '=', family.sibling.name_en)
        .executeTakeFirstOrThrow();
      const admin = await inLanguage(
        await signedInPage(
          fixture.browser,
          fixture.server.url,
          'admin@demo.test',
          `/patients/${holderId}`,
        ),
      );
      const transfer = operationId('transfer', purchaseId);
      await admin.locator(`#${transfer} summary`).click();
      await admin.locator(`#${transfer}-q`).fill(localName(family.sibling, locale));
      const choice = admin.locator(`#${recipientsId(purchaseId)} input[value="${sibling.id}"]`);
      await choice.check();
      await admin
        .locator(`#${transfer}-reason`)
        .fill(locale === 'ar' ? 'الأخ يكمل الجلسات' : 'Brother takes over');
      await admin.locator(`#${transfer} button[type=submit]`).click();
      await admin.waitForSelector(`#${transfer}-message`);
      expect(await admin.locator(`#${transfer}-message`).textContent()).toBe(
        t('futureSessionsBlockTransfer'),
      );
      expect(await admin.locator(`#${transfer} .future-sessions li`).count()).toBe(10);
      expect(await choice.isChecked()).toBe(true); // still the sibling, shown chosen
      await shot('7-transfer-refused', admin);
      expect(await purchaseOf(db, purchaseId)).toMatchObject({
        status: 'COMPLETED',
        sessions_used: 10,
      });

      await admin.locator(`#${transfer} input[name=cancel_future]`).check();
      await admin.locator(`#${transfer} button[type=submit]`).click();
      await admin.waitForURL(/done=transferred/);
      expect(await admin.locator('#patient-notice').textContent()).toBe(t('purchaseTransferred'));
      expect(await purchaseRow(admin, purchaseId)).toEqual({
        status: 'TRANSFERRED',
        used: '0/10',
        remaining: '—',
      });
      expect(
        await statusBadges(
          admin,
          later.map((s) => s.id),
        ),
      ).toEqual(later.map(() => 'CANCELLED'));
      await shot('8-transferred', admin);

      expect(await purchaseOf(db, purchaseId)).toMatchObject({
        status: 'TRANSFERRED',
        sessions_used: 0,
      });
      expect((await sessionsOf(db, purchaseId)).every((s) => s.status === 'CANCELLED')).toBe(true);
      const taken = await db
        .selectFrom('package_purchases')
        .select('id')
        .where('transferred_from', '=', purchaseId)
        .executeTakeFirstOrThrow();
      const original = await purchaseOf(db, purchaseId);
      expect(await purchaseOf(db, taken.id)).toEqual({
        patient_id: sibling.id,
        status: 'ACTIVE',
        total_sessions: 10,
        sessions_used: 0,
        expiry_date: original.expiry_date,
        transferred_from: purchaseId,
      });

      // 5. The desk books the sibling's Sundays at 16:00 with Faisal on the transferred package.
      await desk.goto(`${fixture.server.url}/appointments/new`);
      await openCoursePage(desk, family.sibling.name_en, untouched);
      await fillCoursePattern(desk, {
        startDate: sunday,
        providers: { 0: localName(faisal, locale) },
        time: '16:00',
        count: 3,
      });
      await desk.locator('#course-book').click();
      await desk.waitForSelector('#course-booked');
      expect((await bookedSessions(desk)).map((row) => row[0])).toEqual(['1', '2', '3']);
      const siblings = await sessionsOf(db, taken.id);
      expect(siblings.map((s) => s.session_number_in_package)).toEqual([1, 2, 3]);
      expect(await purchaseOf(db, taken.id)).toMatchObject({ sessions_used: 3 });

      // 6. The administrator cancels the sibling's remaining sessions.
      await admin.goto(`${fixture.server.url}/patients/${sibling.id}`);
      expect(await purchaseRow(admin, taken.id)).toEqual({
        status: 'ACTIVE',
        used: '3/10',
        remaining: '7',
      });
      const cancel = operationId('cancel-remaining', taken.id);
      await admin.locator(`#${cancel} summary`).click();
      expect(await admin.locator(`#${cancel} .future-sessions li`).count()).toBe(3);
      await admin
        .locator(`#${cancel}-reason`)
        .fill(locale === 'ar' ? 'انتهى العلاج' : 'Therapy ended');
      await shot('9-cancel-remaining', admin);
      await admin.locator(`#${cancel} button[type=submit]`).click();
      await admin.waitForURL(/done=cancelled/);
      expect(await admin.locator('#patient-notice').textContent()).toBe(t('remainingCancelled'));
      expect(await purchaseRow(admin, taken.id)).toEqual({
        status: 'CANCELLED',
        used: '0/10',
        remaining: '—',
      });
      expect(
        await statusBadges(
          admin,
          siblings.map((s) => s.id),
        ),
      ).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
      await shot('10-cancelled', admin);

      expect(await purchaseOf(db, taken.id)).toMatchObject({
        status: 'CANCELLED',
        sessions_used: 0,
      });
      expect((await sessionsOf(db, taken.id)).every((s) => s.status === 'CANCELLED')).toBe(true);
      expect(await invariantViolations(db, { patientIds: [holderId, sibling.id] })).toEqual([]);

      if (locale === 'ar') {
        // A user's language is remembered: back to English for whoever signs in next.
        await switchToEnglish(desk);
        await switchToEnglish(admin);
      }
      await desk.context().close();
      await admin.context().close();
    },
  );
});
