import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { hashPassword } from '../../auth/password.js';
import type { Database, DbTransaction } from '../client.js';
import { fromHalalas, toHalalas } from '../../domain/money.js';
import { vatIncluded } from '../payments.js';
import type { AppointmentStatus, PaymentMethod, PurchaseStatus, Role } from '../schema.js';

/**
 * The demo data of SPEC §5: a therapy centre with the scenarios the booking flow must show
 * (a half-used package, a patient with none, two purchases, the same package twice, an expired
 * one) and a second tenant to prove isolation. Every date is computed from `now` in the
 * tenant's time zone, so the demo always looks current, and every package purchase obeys the
 * invariants: `sessions_used` equals the count of its appointments that consume a session.
 */

export const DEMO_TENANT_NAME = 'Demo Therapy Centre';
export const DEMO_PASSWORD = 'demo-password';

// ---------------------------------------------------------------------------------------------
// Shapes of the data below
// ---------------------------------------------------------------------------------------------

interface UserSpec {
  email: string;
  name: string;
  role: Role;
}

/** `key` is how the rest of the data refers to a row; it is not stored. */
interface ClinicSpec {
  key: string;
  name_en: string;
  name_ar: string;
  specialty: string;
}

interface ServiceSpec {
  key: string;
  clinic: string;
  name_en: string;
  name_ar: string;
  minutes: number;
  price: string;
}

interface ProviderSpec {
  key: string;
  name_en: string;
  name_ar: string;
  clinics: string[];
  /** The login of a PROVIDER user who is this provider. */
  userEmail?: string;
}

interface PackageSpec {
  name_en: string;
  name_ar: string;
  price: string;
  validityDays: number;
  active: boolean;
  services: { service: string; sessions: number }[];
}

/**
 * One appointment of a purchase, numbered in the order listed. `day` counts calendar days from
 * today: negative is in the past (moved back to a working day, status COMPLETED), positive in
 * the future (moved forward to a working day, status BOOKED). Never 0: whether today's
 * appointment is over depends on the hour.
 */
interface SessionSpec {
  service: string;
  provider: string;
  day: number;
  time: string;
}

interface PurchaseSpec {
  package: string;
  /** Calendar days ago, moved back to a working day (sales happen at the desk). */
  purchasedDaysAgo: number;
  sessions: SessionSpec[];
  /** Payments taken at the desk on the day of the sale; none: not paid yet. */
  payments?: { amount: string; method: PaymentMethod }[];
}

interface PatientSpec {
  mrn: string;
  name_en: string;
  name_ar: string;
  dateOfBirth: string;
  phone: string;
  purchases: PurchaseSpec[];
}

interface TenantSpec {
  name: string;
  timezone: string;
  currency: string;
  cancellationWindowHours: number;
  /** VAT included in prices, e.g. '0.15'. */
  vatRate: string;
  vatNumber: string | null;
  country: string;
  /** Days the providers work; 0 is Sunday, as in provider_schedules.weekday. */
  workdays: number[];
  openingTime: string;
  closingTime: string;
  users: UserSpec[];
  /** The front-desk login recorded as having sold the purchases and booked the appointments. */
  deskEmail: string;
  clinics: ClinicSpec[];
  services: ServiceSpec[];
  providers: ProviderSpec[];
  packages: PackageSpec[];
  patients: PatientSpec[];
}

// ---------------------------------------------------------------------------------------------
// Demo Therapy Centre
// ---------------------------------------------------------------------------------------------

const SLP_10 = '10 SLP Sessions';
const ABA_20 = '20 ABA Therapy Package';
const OT_12 = '12 OT Sessions';
const SPEECH_OT_COMBO = 'Speech & OT Combo';
const ASSESSMENT_PLUS_4 = 'SLP Assessment + 4 Sessions';

const DEMO_PACKAGES: PackageSpec[] = [
  {
    name_en: SLP_10,
    name_ar: '10 جلسات نطق',
    price: '2500.00',
    validityDays: 90,
    active: true,
    services: [{ service: 'speech', sessions: 10 }],
  },
  {
    name_en: ABA_20,
    name_ar: 'باقة 20 جلسة تحليل سلوك تطبيقي',
    price: '5000.00',
    validityDays: 90,
    active: true,
    services: [{ service: 'aba', sessions: 20 }],
  },
  {
    name_en: OT_12,
    name_ar: '12 جلسة علاج وظيفي',
    price: '3000.00',
    validityDays: 120,
    active: true,
    services: [{ service: 'ot', sessions: 12 }],
  },
  {
    name_en: SPEECH_OT_COMBO,
    name_ar: 'باقة النطق والعلاج الوظيفي',
    price: '3200.00',
    validityDays: 120,
    active: true,
    services: [
      { service: 'speech', sessions: 6 },
      { service: 'ot', sessions: 6 },
    ],
  },
  {
    name_en: ASSESSMENT_PLUS_4,
    name_ar: 'تقييم نطق + 4 جلسات',
    price: '1400.00',
    validityDays: 60,
    active: true,
    services: [
      { service: 'assessment', sessions: 1 },
      { service: 'speech', sessions: 4 },
    ],
  },
  // No longer sold: it must not appear among the available packages.
  {
    name_en: 'Summer ABA Camp (retired)',
    name_ar: 'مخيم الصيف لتحليل السلوك (متوقف)',
    price: '3500.00',
    validityDays: 30,
    active: false,
    services: [{ service: 'aba', sessions: 15 }],
  },
];

/**
 * The patients of SPEC §5. Each scenario has its own provider or hour, so appointments of
 * different patients never compete for a provider's time.
 */
const DEMO_SCENARIO_PATIENTS: PatientSpec[] = [
  // Half-used package: four sessions completed weekly, the fifth booked next week.
  {
    mrn: 'MRN-000001',
    name_en: 'Ahmed Al-Rashid',
    name_ar: 'أحمد الراشد',
    dateOfBirth: '2019-03-14',
    phone: '+966501234567',
    purchases: [
      {
        package: SLP_10,
        purchasedDaysAgo: 40,
        sessions: [
          { service: 'speech', provider: 'huda', day: -35, time: '09:00' },
          { service: 'speech', provider: 'huda', day: -28, time: '09:00' },
          { service: 'speech', provider: 'huda', day: -21, time: '09:00' },
          { service: 'speech', provider: 'huda', day: -14, time: '09:00' },
          { service: 'speech', provider: 'huda', day: 7, time: '09:00' },
        ],
        payments: [{ amount: '2500.00', method: 'CASH' }],
      },
    ],
  },
  // No packages at all.
  {
    mrn: 'MRN-000002',
    name_en: 'Sara Al-Harbi',
    name_ar: 'سارة الحربي',
    dateOfBirth: '2020-07-02',
    phone: '+966502345678',
    purchases: [],
  },
  // Two different packages in two clinics, one of them untouched.
  {
    mrn: 'MRN-000003',
    name_en: 'Omar Al-Qahtani',
    name_ar: 'عمر القحطاني',
    dateOfBirth: '2018-11-21',
    phone: '+966503456789',
    purchases: [
      {
        package: ABA_20,
        purchasedDaysAgo: 20,
        sessions: [
          { service: 'aba', provider: 'reem', day: -14, time: '10:00' },
          { service: 'aba', provider: 'reem', day: -7, time: '10:00' },
        ],
        payments: [
          { amount: '2000.00', method: 'CARD' },
          { amount: '3000.00', method: 'CARD' },
        ],
      },
      // not paid yet
      { package: OT_12, purchasedDaysAgo: 5, sessions: [] },
    ],
  },
  // The same package bought twice: the older one in use, the newer one untouched.
  {
    mrn: 'MRN-000004',
    name_en: 'Layla Al-Otaibi',
    name_ar: 'ليلى العتيبي',
    dateOfBirth: '2017-05-09',
    phone: '+966504567890',
    purchases: [
      {
        package: SLP_10,
        purchasedDaysAgo: 30,
        sessions: [
          { service: 'speech', provider: 'faisal', day: -21, time: '10:00' },
          { service: 'speech', provider: 'faisal', day: -14, time: '10:00' },
          { service: 'speech', provider: 'faisal', day: -7, time: '10:00' },
        ],
        payments: [{ amount: '2500.00', method: 'BANK_TRANSFER' }],
      },
      // partly paid
      {
        package: SLP_10,
        purchasedDaysAgo: 3,
        sessions: [],
        payments: [{ amount: '1000.00', method: 'CASH' }],
      },
    ],
  },
  // Expired 30 days ago with sessions left; the two used ones fell inside its validity.
  {
    mrn: 'MRN-000005',
    name_en: 'Khalid Al-Dosari',
    name_ar: 'خالد الدوسري',
    dateOfBirth: '2016-01-30',
    phone: '+966505678901',
    purchases: [
      {
        package: OT_12,
        purchasedDaysAgo: 150,
        sessions: [
          { service: 'ot', provider: 'nada', day: -140, time: '09:00' },
          { service: 'ot', provider: 'nada', day: -133, time: '09:00' },
        ],
        payments: [{ amount: '3000.00', method: 'CASH' }],
      },
    ],
  },
  // A package spanning two clinics, served by the provider who works in both.
  {
    mrn: 'MRN-000006',
    name_en: 'Noura Al-Shammari',
    name_ar: 'نورة الشمري',
    dateOfBirth: '2021-09-17',
    phone: '+966506789012',
    purchases: [
      {
        package: SPEECH_OT_COMBO,
        purchasedDaysAgo: 25,
        sessions: [
          { service: 'speech', provider: 'lama', day: -18, time: '11:00' },
          { service: 'ot', provider: 'lama', day: -11, time: '11:00' },
          { service: 'speech', provider: 'lama', day: -4, time: '11:00' },
          { service: 'ot', provider: 'lama', day: 3, time: '11:00' },
        ],
        payments: [{ amount: '3200.00', method: 'CARD' }],
      },
    ],
  },
];

/** Alternating boys' and girls' names, so the extra patients read like a real register. */
const FIRST_NAMES: [string, string][] = [
  ['Yousef', 'يوسف'],
  ['Fatimah', 'فاطمة'],
  ['Abdullah', 'عبدالله'],
  ['Nouf', 'نوف'],
  ['Mohammed', 'محمد'],
  ['Maha', 'مها'],
  ['Saud', 'سعود'],
  ['Joud', 'جود'],
  ['Turki', 'تركي'],
  ['Lulwa', 'لولوة'],
  ['Nasser', 'ناصر'],
  ['Dana', 'دانة'],
  ['Hamad', 'حمد'],
  ['Shahad', 'شهد'],
  ['Ziyad', 'زياد'],
  ['Ghala', 'غلا'],
  ['Bandar', 'بندر'],
  ['Raghad', 'رغد'],
  ['Rakan', 'راكان'],
  ['Haya', 'هيا'],
  ['Meshal', 'مشعل'],
  ['Jana', 'جنى'],
  ['Nawaf', 'نواف'],
  ['Lamar', 'لمار'],
  ['Fahad', 'فهد'],
  ['Rahaf', 'رهف'],
  ['Abdulaziz', 'عبدالعزيز'],
  ['Hessa', 'حصة'],
  ['Salman', 'سلمان'],
  ['Alanoud', 'العنود'],
  ['Hassan', 'حسن'],
  ['Razan', 'رزان'],
  ['Ibrahim', 'إبراهيم'],
  ['Wajd', 'وجد'],
  ['Mansour', 'منصور'],
  ['Deem', 'ديم'],
  ['Badr', 'بدر'],
  ['Maryam', 'مريم'],
  ['Tameem', 'تميم'],
  ['Aljawhara', 'الجوهرة'],
];

const FAMILY_NAMES: [string, string][] = [
  ['Al-Qahtani', 'القحطاني'],
  ['Al-Otaibi', 'العتيبي'],
  ['Al-Dosari', 'الدوسري'],
  ['Al-Shammari', 'الشمري'],
  ['Al-Mutairi', 'المطيري'],
  ['Al-Zahrani', 'الزهراني'],
  ['Al-Ghamdi', 'الغامدي'],
  ['Al-Harbi', 'الحربي'],
  ['Al-Subaie', 'السبيعي'],
  ['Al-Anazi', 'العنزي'],
  ['Al-Shehri', 'الشهري'],
  ['Al-Malki', 'المالكي'],
  ['Al-Tamimi', 'التميمي'],
];

/**
 * Forty more patients without purchases, so the type-ahead has something to narrow. Built from
 * the lists above by index (no randomness): every run yields the same names, phones and
 * birthdays. First names are unique, so full names are too. Every eighth one is an adult.
 */
function extraDemoPatients(firstMrn: number): PatientSpec[] {
  return FIRST_NAMES.map(([firstEn, firstAr], index) => {
    const [familyEn, familyAr] = FAMILY_NAMES[index % FAMILY_NAMES.length]!;
    const birthYear = index % 8 === 7 ? 1978 + Math.floor(index / 8) * 3 : 2012 + (index % 11);
    const month = (index * 5) % 12;
    const day = (index * 11) % 28;
    return {
      mrn: mrn(firstMrn + index),
      name_en: `${firstEn} ${familyEn}`,
      name_ar: `${firstAr} ${familyAr}`,
      dateOfBirth: `${birthYear}-${pad2(month + 1)}-${pad2(day + 1)}`,
      phone: `+9665${String(50000000 + index * 137911)}`,
      purchases: [],
    };
  });
}

const DEMO_TENANT: TenantSpec = {
  name: DEMO_TENANT_NAME,
  timezone: 'Asia/Riyadh',
  currency: 'SAR',
  cancellationWindowHours: 24,
  vatRate: '0.15',
  vatNumber: '300000000000003',
  country: 'SA',
  workdays: [0, 1, 2, 3, 4],
  openingTime: '08:00',
  closingTime: '16:00',
  users: [
    { email: 'admin@demo.test', name: 'Amal Al-Fahad', role: 'ADMIN' },
    { email: 'frontdesk@demo.test', name: 'Mona Al-Yami', role: 'FRONT_DESK' },
    { email: 'provider@demo.test', name: 'Dr. Huda Al-Zahrani', role: 'PROVIDER' },
    { email: 'finance@demo.test', name: 'Tariq Al-Malki', role: 'FINANCE' },
  ],
  deskEmail: 'frontdesk@demo.test',
  clinics: [
    { key: 'slp', name_en: 'SLP Clinic', name_ar: 'عيادة النطق', specialty: 'SLP' },
    {
      key: 'aba',
      name_en: 'ABA Clinic',
      name_ar: 'عيادة تحليل السلوك التطبيقي',
      specialty: 'ABA',
    },
    { key: 'ot', name_en: 'OT Clinic', name_ar: 'عيادة العلاج الوظيفي', specialty: 'OT' },
  ],
  services: [
    {
      key: 'speech',
      clinic: 'slp',
      name_en: 'Speech Therapy Session',
      name_ar: 'جلسة علاج النطق',
      minutes: 45,
      price: '300.00',
    },
    {
      key: 'assessment',
      clinic: 'slp',
      name_en: 'Speech Assessment',
      name_ar: 'تقييم النطق',
      minutes: 60,
      price: '450.00',
    },
    {
      key: 'aba',
      clinic: 'aba',
      name_en: 'ABA Therapy',
      name_ar: 'جلسة تحليل السلوك التطبيقي',
      minutes: 60,
      price: '280.00',
    },
    {
      key: 'ot',
      clinic: 'ot',
      name_en: 'Occupational Therapy Session',
      name_ar: 'جلسة العلاج الوظيفي',
      minutes: 45,
      price: '280.00',
    },
  ],
  providers: [
    {
      key: 'huda',
      name_en: 'Dr. Huda Al-Zahrani',
      name_ar: 'د. هدى الزهراني',
      clinics: ['slp'],
      userEmail: 'provider@demo.test',
    },
    {
      key: 'faisal',
      name_en: 'Dr. Faisal Al-Ghamdi',
      name_ar: 'د. فيصل الغامدي',
      clinics: ['slp'],
    },
    { key: 'reem', name_en: 'Dr. Reem Al-Mutairi', name_ar: 'د. ريم المطيري', clinics: ['aba'] },
    {
      key: 'sultan',
      name_en: 'Dr. Sultan Al-Subaie',
      name_ar: 'د. سلطان السبيعي',
      clinics: ['aba'],
    },
    { key: 'nada', name_en: 'Dr. Nada Al-Shehri', name_ar: 'د. ندى الشهري', clinics: ['ot'] },
    { key: 'majed', name_en: 'Dr. Majed Al-Anazi', name_ar: 'د. ماجد العنزي', clinics: ['ot'] },
    // Works in two clinics, so the provider list depends on the clinic chosen.
    {
      key: 'lama',
      name_en: 'Dr. Lama Al-Juhani',
      name_ar: 'د. لمى الجهني',
      clinics: ['slp', 'ot'],
    },
  ],
  packages: DEMO_PACKAGES,
  patients: [...DEMO_SCENARIO_PATIENTS, ...extraDemoPatients(DEMO_SCENARIO_PATIENTS.length + 1)],
};

// ---------------------------------------------------------------------------------------------
// Other Clinic: a second tenant whose rows must never show up in the demo centre
// ---------------------------------------------------------------------------------------------

const OTHER_TENANT: TenantSpec = {
  name: 'Other Clinic',
  timezone: 'Asia/Dubai',
  currency: 'AED',
  cancellationWindowHours: 24,
  vatRate: '0',
  vatNumber: null,
  country: 'AE',
  // The UAE works Monday to Friday.
  workdays: [1, 2, 3, 4, 5],
  openingTime: '09:00',
  closingTime: '17:00',
  users: [{ email: 'frontdesk@other.test', name: 'Aisha Al-Ketbi', role: 'FRONT_DESK' }],
  deskEmail: 'frontdesk@other.test',
  clinics: [
    { key: 'slp', name_en: 'Other SLP Clinic', name_ar: 'عيادة النطق الأخرى', specialty: 'SLP' },
  ],
  services: [
    {
      key: 'speech',
      clinic: 'slp',
      name_en: 'Speech Therapy Session',
      name_ar: 'جلسة علاج النطق',
      minutes: 45,
      price: '250.00',
    },
  ],
  providers: [
    {
      key: 'fatima',
      name_en: 'Dr. Fatima Al-Suwaidi',
      name_ar: 'د. فاطمة السويدي',
      clinics: ['slp'],
    },
    {
      key: 'omar',
      name_en: 'Dr. Omar Al-Marzouqi',
      name_ar: 'د. عمر المرزوقي',
      clinics: ['slp'],
    },
  ],
  packages: [
    {
      name_en: '10 Speech Sessions',
      name_ar: '10 جلسات نطق',
      price: '2200.00',
      validityDays: 90,
      active: true,
      services: [{ service: 'speech', sessions: 10 }],
    },
    {
      name_en: '5 Speech Sessions',
      name_ar: '5 جلسات نطق',
      price: '1200.00',
      validityDays: 60,
      active: true,
      services: [{ service: 'speech', sessions: 5 }],
    },
  ],
  // The same MRNs as the demo centre on purpose: MRNs are unique per tenant only.
  patients: [
    {
      mrn: 'MRN-000001',
      name_en: 'Mariam Al-Mansoori',
      name_ar: 'مريم المنصوري',
      dateOfBirth: '2018-04-12',
      phone: '+971501234567',
      purchases: [
        {
          package: '10 Speech Sessions',
          purchasedDaysAgo: 10,
          sessions: [{ service: 'speech', provider: 'fatima', day: -3, time: '10:00' }],
          payments: [{ amount: '1200.00', method: 'CASH' }],
        },
      ],
    },
    {
      mrn: 'MRN-000002',
      name_en: 'Rashid Al-Nuaimi',
      name_ar: 'راشد النعيمي',
      dateOfBirth: '2019-08-25',
      phone: '+971502345678',
      purchases: [],
    },
    {
      mrn: 'MRN-000003',
      name_en: 'Hessa Al-Falasi',
      name_ar: 'حصة الفلاسي',
      dateOfBirth: '2020-12-03',
      phone: '+971503456789',
      purchases: [],
    },
  ],
};

/** Every login the seed creates (all with DEMO_PASSWORD), for the CLI and the login page. */
export const DEMO_LOGINS: readonly { email: string; role: Role }[] = [
  ...DEMO_TENANT.users,
  ...OTHER_TENANT.users,
].map(({ email, role }) => ({ email, role }));

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

/**
 * Loads both tenants in one transaction, unless the demo centre already exists. An advisory
 * lock makes two processes starting at once (two app instances) seed only once.
 */
export async function seedDemo(db: Database, now: Date): Promise<{ seeded: boolean }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('raseed.seed-demo'))`.execute(trx);
    const existing = await trx
      .selectFrom('tenants')
      .select('id')
      .where('name', '=', DEMO_TENANT_NAME)
      .executeTakeFirst();
    if (existing) return { seeded: false };

    // argon2 is slow on purpose: hash once for all users.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await seedTenant(trx, DEMO_TENANT, now, passwordHash);
    await seedTenant(trx, OTHER_TENANT, now, passwordHash);
    return { seeded: true };
  });
}

/** What the purchases and appointments of one tenant need to know. */
interface TenantContext {
  tenantId: string;
  spec: TenantSpec;
  /** Start of today in the tenant's time zone. */
  today: DateTime;
  deskUserId: string;
  services: Map<string, { id: string; clinicId: string; minutes: number }>;
  providerIds: Map<string, string>;
  packages: Map<string, { id: string; spec: PackageSpec }>;
  /** The last invoice number taken by the seeded payments. */
  invoices: number;
}

async function seedTenant(
  trx: DbTransaction,
  spec: TenantSpec,
  now: Date,
  passwordHash: string,
): Promise<void> {
  const tenant = await trx
    .insertInto('tenants')
    .values({
      name: spec.name,
      timezone: spec.timezone,
      currency: spec.currency,
      cancellation_window_hours: spec.cancellationWindowHours,
      vat_rate: spec.vatRate,
      vat_number: spec.vatNumber,
      country: spec.country,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const tenantId = tenant.id;

  const userIds = await insertUsers(trx, tenantId, spec.users, passwordHash);
  const clinicIds = await insertClinics(trx, tenantId, spec.clinics);
  const services = await insertServices(trx, tenantId, spec.services, clinicIds);
  const context: TenantContext = {
    tenantId,
    spec,
    today: DateTime.fromJSDate(now, { zone: spec.timezone }).startOf('day'),
    deskUserId: pick(userIds, spec.deskEmail),
    services,
    providerIds: await insertProviders(trx, tenantId, spec, clinicIds, userIds),
    packages: await insertPackages(trx, tenantId, spec.packages, services),
    invoices: 0,
  };

  const patientIds = await insertPatients(trx, tenantId, spec.patients);
  for (const patient of spec.patients) {
    for (const purchase of patient.purchases) {
      await insertPurchase(trx, context, pick(patientIds, patient.mrn), purchase);
    }
  }
  await trx
    .insertInto('invoice_counters')
    .values({ tenant_id: tenantId, last_number: context.invoices })
    .execute();
}

async function insertUsers(
  trx: DbTransaction,
  tenantId: string,
  users: UserSpec[],
  passwordHash: string,
): Promise<Map<string, string>> {
  const rows = await trx
    .insertInto('users')
    .values(
      users.map((user) => ({
        tenant_id: tenantId,
        email: user.email,
        name: user.name,
        role: user.role,
        password_hash: passwordHash,
        locale: 'en' as const,
      })),
    )
    .returning(['id', 'email'])
    .execute();
  return new Map(rows.map((row) => [row.email, row.id]));
}

async function insertClinics(
  trx: DbTransaction,
  tenantId: string,
  clinics: ClinicSpec[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const clinic of clinics) {
    const row = await trx
      .insertInto('clinics')
      .values({
        tenant_id: tenantId,
        name_en: clinic.name_en,
        name_ar: clinic.name_ar,
        specialty: clinic.specialty,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(clinic.key, row.id);
  }
  return ids;
}

async function insertServices(
  trx: DbTransaction,
  tenantId: string,
  services: ServiceSpec[],
  clinicIds: Map<string, string>,
): Promise<TenantContext['services']> {
  const result: TenantContext['services'] = new Map();
  for (const service of services) {
    const clinicId = pick(clinicIds, service.clinic);
    const row = await trx
      .insertInto('services')
      .values({
        tenant_id: tenantId,
        clinic_id: clinicId,
        name_en: service.name_en,
        name_ar: service.name_ar,
        default_duration_minutes: service.minutes,
        price: service.price,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    result.set(service.key, { id: row.id, clinicId, minutes: service.minutes });
  }
  return result;
}

/** Providers with their clinics and the same weekly hours on every working day. */
async function insertProviders(
  trx: DbTransaction,
  tenantId: string,
  spec: TenantSpec,
  clinicIds: Map<string, string>,
  userIds: Map<string, string>,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const provider of spec.providers) {
    const row = await trx
      .insertInto('providers')
      .values({
        tenant_id: tenantId,
        name_en: provider.name_en,
        name_ar: provider.name_ar,
        user_id: provider.userEmail ? pick(userIds, provider.userEmail) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(provider.key, row.id);

    await trx
      .insertInto('provider_clinics')
      .values(
        provider.clinics.map((clinic) => ({
          tenant_id: tenantId,
          provider_id: row.id,
          clinic_id: pick(clinicIds, clinic),
        })),
      )
      .execute();
    await trx
      .insertInto('provider_schedules')
      .values(
        spec.workdays.map((weekday) => ({
          tenant_id: tenantId,
          provider_id: row.id,
          weekday,
          start_time: spec.openingTime,
          end_time: spec.closingTime,
        })),
      )
      .execute();
  }
  return ids;
}

async function insertPackages(
  trx: DbTransaction,
  tenantId: string,
  packages: PackageSpec[],
  services: TenantContext['services'],
): Promise<TenantContext['packages']> {
  const result: TenantContext['packages'] = new Map();
  for (const pkg of packages) {
    const row = await trx
      .insertInto('packages')
      .values({
        tenant_id: tenantId,
        name_en: pkg.name_en,
        name_ar: pkg.name_ar,
        price: pkg.price,
        validity_days: pkg.validityDays,
        active: pkg.active,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('package_services')
      .values(
        pkg.services.map(({ service, sessions }) => ({
          tenant_id: tenantId,
          package_id: row.id,
          service_id: pick(services, service).id,
          sessions,
        })),
      )
      .execute();
    result.set(pkg.name_en, { id: row.id, spec: pkg });
  }
  return result;
}

async function insertPatients(
  trx: DbTransaction,
  tenantId: string,
  patients: PatientSpec[],
): Promise<Map<string, string>> {
  const rows = await trx
    .insertInto('patients')
    .values(
      patients.map((patient) => ({
        tenant_id: tenantId,
        mrn: patient.mrn,
        name_en: patient.name_en,
        name_ar: patient.name_ar,
        date_of_birth: patient.dateOfBirth,
        phone: patient.phone,
      })),
    )
    .returning(['id', 'mrn'])
    .execute();
  return new Map(rows.map((row) => [row.mrn, row.id]));
}

/**
 * A purchase as the desk would have sold it (a snapshot of the package), with its appointments
 * numbered 1..n and the used counts matching them: no appointment is cancelled, so every one
 * consumes a session.
 */
async function insertPurchase(
  trx: DbTransaction,
  context: TenantContext,
  patientId: string,
  purchase: PurchaseSpec,
): Promise<void> {
  const { tenantId, today } = context;
  const pkg = pick(context.packages, purchase.package);
  const totalSessions = sum(pkg.spec.services.map((service) => service.sessions));
  const sessionsUsed = purchase.sessions.length;
  const purchaseDay = workdayOnOrBefore(
    context.spec,
    today.minus({ days: purchase.purchasedDaysAgo }),
  );
  const expiryDay = purchaseDay.plus({ days: pkg.spec.validityDays });

  const row = await trx
    .insertInto('package_purchases')
    .values({
      tenant_id: tenantId,
      patient_id: patientId,
      package_id: pkg.id,
      name_en: pkg.spec.name_en,
      name_ar: pkg.spec.name_ar,
      purchase_date: isoDate(purchaseDay),
      expiry_date: isoDate(expiryDay),
      total_sessions: totalSessions,
      sessions_used: sessionsUsed,
      price: pkg.spec.price,
      amount_paid: fromHalalas(
        sum((purchase.payments ?? []).map((payment) => toHalalas(payment.amount))),
      ),
      status: purchaseStatus(sessionsUsed, totalSessions, expiryDay < today),
      idempotency_key: null,
      assigned_by: context.deskUserId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  await trx
    .insertInto('purchase_services')
    .values(
      pkg.spec.services.map(({ service, sessions }) => ({
        tenant_id: tenantId,
        purchase_id: row.id,
        service_id: pick(context.services, service).id,
        sessions,
        sessions_used: purchase.sessions.filter((session) => session.service === service).length,
      })),
    )
    .execute();

  for (const payment of purchase.payments ?? []) {
    await trx
      .insertInto('payments')
      .values({
        tenant_id: tenantId,
        purchase_id: row.id,
        kind: 'PAYMENT',
        amount: payment.amount,
        vat_amount: vatIncluded(tenantId, payment.amount),
        method: payment.method,
        reference: null,
        reason: null,
        received_by: context.deskUserId,
        received_at: atTime(purchaseDay, '10:00').toJSDate(),
        idempotency_key: null,
        invoice_number: ++context.invoices,
      })
      .execute();
  }

  if (purchase.sessions.length === 0) return;
  await trx
    .insertInto('appointments')
    .values(
      purchase.sessions.map((session, index) => {
        const service = pick(context.services, session.service);
        const startsAt = atTime(sessionDay(context, session.day), session.time);
        const status: AppointmentStatus = session.day < 0 ? 'COMPLETED' : 'BOOKED';
        return {
          tenant_id: tenantId,
          patient_id: patientId,
          provider_id: pick(context.providerIds, session.provider),
          clinic_id: service.clinicId,
          service_id: service.id,
          kind: 'PACKAGE' as const,
          starts_at: startsAt.toJSDate(),
          ends_at: startsAt.plus({ minutes: service.minutes }).toJSDate(),
          status,
          status_reason: null,
          package_purchase_id: row.id,
          session_number_in_package: index + 1,
          group_session_id: null,
          idempotency_key: null,
          booked_by: context.deskUserId,
        };
      }),
    )
    .execute();
}

function purchaseStatus(used: number, total: number, expired: boolean): PurchaseStatus {
  if (used === total) return 'COMPLETED';
  return expired ? 'EXPIRED' : 'ACTIVE';
}

// ---------------------------------------------------------------------------------------------
// Dates in the tenant's time zone
// ---------------------------------------------------------------------------------------------

/** provider_schedules counts weekdays from Sunday = 0; Luxon from Monday = 1 to Sunday = 7. */
function isWorkday(spec: TenantSpec, day: DateTime): boolean {
  return spec.workdays.includes(day.weekday % 7);
}

function workdayOnOrBefore(spec: TenantSpec, day: DateTime): DateTime {
  let result = day;
  while (!isWorkday(spec, result)) result = result.minus({ days: 1 });
  return result;
}

function workdayOnOrAfter(spec: TenantSpec, day: DateTime): DateTime {
  let result = day;
  while (!isWorkday(spec, result)) result = result.plus({ days: 1 });
  return result;
}

/** See SessionSpec.day: past days move back, future days forward, so neither crosses today. */
function sessionDay(context: TenantContext, day: number): DateTime {
  const calendarDay = context.today.plus({ days: day });
  return day < 0
    ? workdayOnOrBefore(context.spec, calendarDay)
    : workdayOnOrAfter(context.spec, calendarDay);
}

/** `time` is 'HH:MM' on the wall clock of the day's zone (the tenant's). */
function atTime(day: DateTime, time: string): DateTime {
  return DateTime.fromISO(`${isoDate(day)}T${time}`, { zone: day.zone });
}

function isoDate(day: DateTime): string {
  const iso = day.toISODate();
  if (iso === null) throw new Error(`Invalid date: ${day.invalidReason}`);
  return iso;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** Looks up a key of the data above; a miss is a typo in this file, not a runtime condition. */
function pick<T>(map: Map<string, T>, key: string): T {
  const value = map.get(key);
  if (value === undefined) throw new Error(`Demo data refers to unknown "${key}"`);
  return value;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function mrn(number: number): string {
  return `MRN-${String(number).padStart(6, '0')}`;
}

function pad2(number: number): string {
  return String(number).padStart(2, '0');
}
