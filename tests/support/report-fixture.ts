import type { Database } from '../../src/db/client.js';
import type { AppointmentStatus } from '../../src/db/schema.js';
import {
  createAppointment,
  createClinic,
  createPackage,
  createPatient,
  createProvider,
  createPurchase,
  createService,
  createTenant,
  createUser,
  type PackageWithServices,
} from './factories.js';

/**
 * A small centre whose report answers are worked out by hand in tests/routes/reports.test.ts,
 * on the demo clock (today 2026-11-25 in Riyadh; this month November, last month October).
 * Names carry commas, quotes and line breaks, in English and Arabic, for the CSV's quoting.
 *
 * Purchases (price / discount / paid / used of total, expiry):
 * - P1 Sara, "Speech 10" on 11-03: 1000 / 100 / 500 / 3 of 10, 2027-02-01
 * - P2 Omar, Combo on 11-10: 1200 / 0 / 1000 (1200 paid, 200 refunded) / 0 of 6 (4 speech,
 *   2 OT), 2026-12-10
 * - P3 Zaid, "Speech 10" on 11-15, transferred from P4: 0 / 0 / 0 / 0 of 5, 2026-12-20
 * - P4 Sara, "Speech 10" on 10-05: 1000 / 0 / 1000 / 5 of 10, TRANSFERRED
 * - P5 Omar, "Speech 10" on 08-01: 1000 / 0 / 0 / 2 of 10, expired 2026-10-30 (still ACTIVE)
 * - P7 Zaid, "OT Single" on 11-01: 300 / 0 / 300 / 1 of 1 (completed on 11-12), 2027-01-30
 * - P8 Omar, "OT Three" on 11-20: 100 / 0 / 0 / 1 of 3, 2026-12-31
 */
export async function seedReportFixture(db: Database) {
  const tenant = await createTenant(db, { name: 'Fixture Centre', timezone: 'Asia/Riyadh' });
  const finance = await createUser(db, tenant.id, { role: 'FINANCE', name: 'Fiona Finance' });
  const financeAr = await createUser(db, tenant.id, { role: 'FINANCE', locale: 'ar' });
  const admin = await createUser(db, tenant.id, { role: 'ADMIN' });
  const desk = await createUser(db, tenant.id, { role: 'FRONT_DESK' });
  const providerUser = await createUser(db, tenant.id, { role: 'PROVIDER' });

  const speechClinic = await createClinic(db, tenant.id, {
    name_en: 'Speech Clinic',
    name_ar: 'عيادة النطق',
  });
  const otClinic = await createClinic(db, tenant.id, {
    name_en: 'OT Clinic',
    name_ar: 'عيادة العلاج الوظيفي',
  });
  const speech = await createService(db, tenant.id, speechClinic.id, { name_en: 'Speech' });
  const ot = await createService(db, tenant.id, otClinic.id, { name_en: 'OT' });
  const rana = await createProvider(db, tenant.id, [speechClinic.id], {
    name_en: 'Dr. Rana',
    name_ar: 'د. رنا',
  });
  const badr = await createProvider(db, tenant.id, [otClinic.id], {
    name_en: 'Dr. Badr',
    name_ar: 'د. بدر',
  });
  // Rana: Sunday–Thursday 08:00–16:00 (480 min a day); Badr: Sunday and Monday 09:00–13:00.
  await db
    .insertInto('provider_schedules')
    .values([
      ...[0, 1, 2, 3, 4].map((weekday) => ({
        tenant_id: tenant.id,
        provider_id: rana.id,
        weekday,
        start_time: '08:00',
        end_time: '16:00',
      })),
      ...[0, 1].map((weekday) => ({
        tenant_id: tenant.id,
        provider_id: badr.id,
        weekday,
        start_time: '09:00',
        end_time: '13:00',
      })),
    ])
    .execute();
  // Badr's time off on Monday 16 Nov: two of its hours fall in his schedule, one after it.
  await db
    .insertInto('provider_time_off')
    .values({
      tenant_id: tenant.id,
      provider_id: badr.id,
      starts_at: new Date('2026-11-16T11:00:00+03:00'),
      ends_at: new Date('2026-11-16T14:00:00+03:00'),
    })
    .execute();

  const sara = await createPatient(db, tenant.id, {
    mrn: 'FX-001',
    name_en: 'Sara "Sue" Al-Harbi, Jr.',
    name_ar: 'سارة، "الحربي"\nالصغرى',
  });
  const omar = await createPatient(db, tenant.id, {
    mrn: 'FX-002',
    name_en: 'Omar Nasser',
    name_ar: 'عمر ناصر',
  });
  const zaid = await createPatient(db, tenant.id, {
    mrn: 'FX-003',
    name_en: '=Zaid+1',
    name_ar: 'زيد',
  });

  const speech10 = await createPackage(db, tenant.id, [{ serviceId: speech.id, sessions: 10 }], {
    name_en: 'Speech 10',
    name_ar: 'نطق 10',
    price: '1000.00',
  });
  const combo = await createPackage(
    db,
    tenant.id,
    [
      { serviceId: speech.id, sessions: 4 },
      { serviceId: ot.id, sessions: 2 },
    ],
    { name_en: 'Combo, "Plus"', name_ar: 'باقة "مزدوجة"، خاصة', price: '1200.00' },
  );
  const otSingle = await createPackage(db, tenant.id, [{ serviceId: ot.id, sessions: 1 }], {
    name_en: 'OT Single',
    name_ar: 'جلسة علاج وظيفي',
    price: '300.00',
  });
  const otThree = await createPackage(db, tenant.id, [{ serviceId: ot.id, sessions: 3 }], {
    name_en: 'OT Three',
    name_ar: 'ثلاث جلسات علاج وظيفي',
    price: '100.00',
  });

  const purchase = async (
    pkg: PackageWithServices,
    patientId: string,
    values: Parameters<typeof createPurchase>[4],
    usedPerService: number[] = [],
  ) => {
    const row = await createPurchase(db, pkg, patientId, desk.id, values);
    for (const [index, used] of usedPerService.entries()) {
      await db
        .updateTable('purchase_services')
        .set({ sessions_used: used })
        .where('tenant_id', '=', tenant.id)
        .where('purchase_id', '=', row.id)
        .where('service_id', '=', pkg.services[index]!.service_id)
        .execute();
    }
    return row;
  };
  const p1 = await purchase(
    speech10,
    sara.id,
    {
      purchase_date: '2026-11-03',
      expiry_date: '2027-02-01',
      discount: '100.00',
      discount_reason: 'Sibling',
      amount_paid: '500.00',
      sessions_used: 3,
    },
    [3],
  );
  const p2 = await purchase(combo, omar.id, {
    purchase_date: '2026-11-10',
    expiry_date: '2026-12-10',
    amount_paid: '1000.00',
  });
  const p4 = await purchase(
    speech10,
    sara.id,
    {
      purchase_date: '2026-10-05',
      expiry_date: '2027-01-03',
      amount_paid: '1000.00',
      sessions_used: 5,
      status: 'TRANSFERRED',
    },
    [5],
  );
  const p3 = await createPurchase(db, speech10, zaid.id, desk.id, {
    purchase_date: '2026-11-15',
    expiry_date: '2026-12-20',
    price: '0.00',
    total_sessions: 5,
    transferred_from: p4.id,
  });
  await db
    .updateTable('purchase_services')
    .set({ sessions: 5 })
    .where('purchase_id', '=', p3.id)
    .execute();
  const p5 = await purchase(
    speech10,
    omar.id,
    { purchase_date: '2026-08-01', expiry_date: '2026-10-30', sessions_used: 2 },
    [2],
  );
  const p7 = await purchase(
    otSingle,
    zaid.id,
    {
      purchase_date: '2026-11-01',
      expiry_date: '2027-01-30',
      amount_paid: '300.00',
      sessions_used: 1,
    },
    [1],
  );
  const p8 = await purchase(
    otThree,
    omar.id,
    { purchase_date: '2026-11-20', expiry_date: '2026-12-31', sessions_used: 1 },
    [1],
  );
  // P2's payment of 1200 and refund of 200, as rows (amount_paid above is their net).
  await db
    .insertInto('payments')
    .values([
      {
        tenant_id: tenant.id,
        purchase_id: p2.id,
        kind: 'PAYMENT',
        amount: '1200.00',
        vat_amount: '0.00',
        method: 'CARD',
        received_by: finance.id,
        received_at: new Date('2026-11-10T07:00:00Z'),
        invoice_number: 1,
      },
      {
        tenant_id: tenant.id,
        purchase_id: p2.id,
        kind: 'REFUND',
        amount: '200.00',
        vat_amount: '0.00',
        method: 'CARD',
        reason: 'Goodwill',
        received_by: finance.id,
        received_at: new Date('2026-11-11T07:00:00Z'),
        invoice_number: 2,
      },
    ])
    .execute();

  const book = (
    refs: { clinic: { id: string }; service: { id: string }; provider: { id: string } },
    patientId: string,
    /** Riyadh wall-clock time, 'YYYY-MM-DDTHH:MM'. */
    local: string,
    minutes: number,
    status: AppointmentStatus,
    pkg?: { purchaseId: string; session: number },
  ) => {
    const starts = new Date(`${local}:00+03:00`);
    return createAppointment(
      db,
      { tenant, ...refs, patient: { id: patientId }, user: desk },
      {
        starts_at: starts,
        ends_at: new Date(starts.getTime() + minutes * 60_000),
        status,
        ...(pkg
          ? {
              kind: 'PACKAGE' as const,
              package_purchase_id: pkg.purchaseId,
              session_number_in_package: pkg.session,
            }
          : {}),
      },
    );
  };
  const atSpeech = { clinic: speechClinic, service: speech, provider: rana };
  const atOt = { clinic: otClinic, service: ot, provider: badr };
  await book(atSpeech, sara.id, '2026-11-04T10:00', 45, 'COMPLETED', {
    purchaseId: p1.id,
    session: 1,
  });
  await book(atSpeech, sara.id, '2026-11-11T10:00', 45, 'NO_SHOW', {
    purchaseId: p1.id,
    session: 2,
  });
  await book(atSpeech, sara.id, '2026-11-18T10:00', 45, 'LATE_CANCELLED', {
    purchaseId: p1.id,
    session: 3,
  });
  await book(atSpeech, sara.id, '2026-11-19T10:00', 45, 'CANCELLED', {
    purchaseId: p1.id,
    session: 4,
  });
  await book(atOt, zaid.id, '2026-11-12T09:00', 45, 'COMPLETED', { purchaseId: p7.id, session: 1 });
  await book(atOt, omar.id, '2026-11-22T09:00', 45, 'COMPLETED', { purchaseId: p8.id, session: 1 });
  await book(atSpeech, omar.id, '2026-11-23T11:00', 60, 'BOOKED');

  return {
    tenant,
    users: { finance, financeAr, admin, desk, provider: providerUser },
    clinics: { speech: speechClinic, ot: otClinic },
    packages: { speech10, combo, otSingle, otThree },
    patients: { sara, omar, zaid },
    purchases: { p1, p2, p3, p4, p5, p7, p8 },
  };
}

export type ReportFixture = Awaited<ReturnType<typeof seedReportFixture>>;
