import type { Locale, Role } from '../db/schema.js';
import { packageOperationsAr, packageOperationsEn } from './package-operations.js';
import { adminCatalogueAr, adminCatalogueEn } from './admin-catalogue.js';
import { auditAr, auditEn } from './audit.js';
import { signInAr, signInEn } from './sign-in.js';
import { adminAr, adminEn } from './admin.js';
import { patientsAr, patientsEn } from './patients.js';
import { memoize } from '../views/format.js';
import { errorsAr, errorsEn } from './errors.js';
import { feedbackAr, feedbackEn } from './feedback.js';
import { notificationsAr, notificationsEn } from './notifications.js';
import { moneyAr, moneyEn } from './money.js';
import { reportsAr, reportsEn } from './reports.js';
import { calendarAr, calendarEn } from './calendar.js';
import { coursesAr, coursesEn } from './courses.js';
import { groupSessionsAr, groupSessionsEn } from './group-sessions.js';

const coreEn = {
  appName: 'Raseed',
  skipToContent: 'Skip to content',
  signIn: 'Sign in',
  signOut: 'Sign out',
  email: 'Email',
  password: 'Password',
  signInTitle: 'Sign in to Raseed',
  signInIntro: 'The booking desk for your therapy centre.',
  badCredentials: 'The email or password is incorrect.',
  fieldRequired: 'Please fill in this field.',
  emailInvalid: 'Please enter a valid email address.',
  language: 'Language',
  switchLanguage: 'العربية',
  home: 'Home',
  welcome: 'Welcome, {name}',
  signedInAs: 'Signed in as',
  role: 'Role',
  centre: 'Centre',
  timezone: 'Time zone',
  currency: 'Currency',
  errorTitle: 'Something went wrong',
  notFoundTitle: 'Page not found',
  unavailableTitle: 'Temporarily unavailable',
  backHome: 'Back to the home page',
  tryAgain: 'Try again',
  bookAppointment: 'Book appointment',
  patient: 'Patient',
  patientSearchPlaceholder: 'Name, MRN or phone',
  patientSearchHelp: 'Type at least two characters; English or Arabic names both work.',
  searchResults: 'Matching patients',
  noPatientsFound: 'No patient matches this search.',
  selectedPatient: 'Selected patient',
  loading: 'Loading…',
  appointmentType: 'Appointment type',
  typeSingle: 'Single session',
  typePackage: 'Use package',
  typeGroup: 'Join group session',
  selectPatientFirst: 'Please select a patient first.',
  loadingPackages: 'Loading packages…',
  packagesFor: 'Packages for {name}',
  close: 'Close',
  assignedPackages: 'Assigned packages ({count})',
  noAssignedPackages: 'This patient has no packages yet. Assign one below.',
  availablePackages: 'Available packages ({count})',
  noAvailablePackages: 'No packages are on sale.',
  suggested: 'Suggested',
  expired: 'Expired',
  sessionsUsed: '{used}/{total} used ({remaining} remaining)',
  sessionsUsedLabel: 'Sessions used',
  purchasedOn: 'Purchased {date}',
  expiresOn: 'Expires {date}',
  selectPackage: 'Select this package',
  price: 'Price',
  validityDays: 'Valid {days} days',
  serviceLine: '{service}: {sessions}, {clinic}',
  assignPackage: 'Assign & use package',
  packageAssigned: 'Package assigned: {name}.',
  sessionWillBeBooked: 'Session {number} of {total} will be booked.',
  sessionNumberByTime:
    'Session {first} to {last} of {total} will be booked: sessions are numbered in date order, so the time chosen decides.',
  changePackage: 'Choose another package',
  clinic: 'Clinic',
  chooseClinic: 'Choose a clinic',
  noClinicsLeft: 'No clinic offers a service with sessions left on this package.',
  provider: 'Provider',
  chooseProvider: 'Choose a provider',
  chooseClinicFirst: 'Choose a clinic first',
  noProviders: 'No provider works in this clinic.',
  durationMinutes: 'Duration (minutes)',
  time: 'Time',
  groupSessions: 'Group sessions',
  chooseProviderForSlots: 'Choose a provider to see the free times.',
  noFreeSlots: 'No free time on this day. Try another date.',
  noGroupSessions: 'No upcoming group session has a free seat.',
  seatsLeft: '{count} seats left',
  book: 'Book appointment',
  appointmentBooked: 'Appointment booked.',
  when: 'When',
  lastWeekWarning: 'This session falls in the last week of the package, which expires on {date}.',
  bookAnother: 'Book another',
  openAppointment: 'Open the appointment',
  appointment: 'Appointment',
  reason: 'Reason',
  cancellationReason: 'Reason for cancelling',
  cancelAppointment: 'Cancel appointment',
  patientPage: 'Patient page',
  markAs_CONFIRMED: 'Confirm',
  markAs_ARRIVED: 'Mark arrived',
  markAs_COMPLETED: 'Mark completed',
  markAs_NO_SHOW: 'Mark no-show',
  revertToBooked: 'Set back to booked',
  revertReason: 'Why it was a mistake',
  statusReverted: 'Set back to booked.',
  dayView: 'Day view',
  dayViewOf: 'Day view: {clinic}',
  date: 'Date',
  show: 'Show',
  previousDay: 'Previous day',
  nextDay: 'Next day',
  today: 'Today',
  dayNavigation: 'Other days',
  appointmentsByProvider: 'Appointments by provider',
  noAppointmentsForProvider: 'No appointments',
  noAppointmentsOnDay: 'No appointments in {clinic} on this day.',
  packageSessionOf: '{name}: session {number} of {total}',
  status_BOOKED: 'Booked',
  status_CONFIRMED: 'Confirmed',
  status_ARRIVED: 'Arrived',
  status_COMPLETED: 'Completed',
  status_CANCELLED: 'Cancelled',
  status_LATE_CANCELLED: 'Late cancellation',
  status_NO_SHOW: 'No-show',
  purchaseStatus_ACTIVE: 'Active',
  purchaseStatus_COMPLETED: 'Completed',
  purchaseStatus_EXPIRED: 'Expired',
  purchaseStatus_CANCELLED: 'Cancelled',
  purchaseStatus_TRANSFERRED: 'Transferred',
  patientDetails: 'Patient details',
  nameEn: 'Name (English)',
  nameAr: 'Name (Arabic)',
  mrn: 'MRN',
  phone: 'Phone',
  dateOfBirth: 'Date of birth',
  notRecorded: 'Not recorded',
  packagesHeading: 'Packages ({count})',
  appointmentsHeading: 'Appointments ({count})',
  packageName: 'Package',
  status: 'Status',
  used: 'Used',
  remaining: 'Remaining',
  purchaseDate: 'Purchased',
  expiryDate: 'Expires',
  noPurchases: 'This patient has no packages.',
  noAppointments: 'This patient has no appointments.',
  dateTime: 'Date and time',
  service: 'Service',
  packageSession: 'Package session',
  sessionOfTotal: 'Session {number} of {total}',
  role_ADMIN: 'Administrator',
  role_FRONT_DESK: 'Front desk',
  role_PROVIDER: 'Provider',
  role_FINANCE: 'Finance',
};

const coreAr: Record<keyof typeof coreEn, string> = {
  appName: 'رصيد',
  skipToContent: 'انتقل إلى المحتوى',
  signIn: 'تسجيل الدخول',
  signOut: 'تسجيل الخروج',
  email: 'البريد الإلكتروني',
  password: 'كلمة المرور',
  signInTitle: 'تسجيل الدخول إلى رصيد',
  signInIntro: 'مكتب الحجز لمركزك العلاجي.',
  badCredentials: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.',
  fieldRequired: 'يرجى تعبئة هذا الحقل.',
  emailInvalid: 'يرجى إدخال بريد إلكتروني صحيح.',
  language: 'اللغة',
  switchLanguage: 'English',
  home: 'الرئيسية',
  welcome: 'أهلاً، {name}',
  signedInAs: 'تم تسجيل الدخول باسم',
  role: 'الدور',
  centre: 'المركز',
  timezone: 'المنطقة الزمنية',
  currency: 'العملة',
  errorTitle: 'حدث خطأ',
  notFoundTitle: 'الصفحة غير موجودة',
  unavailableTitle: 'غير متاح مؤقتًا',
  backHome: 'العودة إلى الصفحة الرئيسية',
  tryAgain: 'حاول مرة أخرى',
  bookAppointment: 'حجز موعد',
  patient: 'المريض',
  patientSearchPlaceholder: 'الاسم أو الرقم الطبي أو الهاتف',
  patientSearchHelp: 'اكتب حرفين على الأقل؛ يمكن البحث بالاسم العربي أو الإنجليزي.',
  searchResults: 'المرضى المطابقون',
  noPatientsFound: 'لا يوجد مريض يطابق هذا البحث.',
  selectedPatient: 'المريض المختار',
  loading: 'جارٍ التحميل…',
  appointmentType: 'نوع الموعد',
  typeSingle: 'جلسة فردية',
  typePackage: 'استخدام باقة',
  typeGroup: 'الانضمام إلى جلسة جماعية',
  selectPatientFirst: 'يرجى اختيار المريض أولاً.',
  loadingPackages: 'جارٍ تحميل الباقات…',
  packagesFor: 'باقات {name}',
  close: 'إغلاق',
  assignedPackages: 'الباقات المخصصة ({count})',
  noAssignedPackages: 'لا توجد باقات لهذا المريض بعد. خصص واحدة أدناه.',
  availablePackages: 'الباقات المتاحة ({count})',
  noAvailablePackages: 'لا توجد باقات معروضة للبيع.',
  suggested: 'مقترحة',
  expired: 'منتهية',
  sessionsUsed: 'مستخدم {used} من {total} (متبقٍ {remaining})',
  sessionsUsedLabel: 'الجلسات المستخدمة',
  purchasedOn: 'تاريخ الشراء {date}',
  expiresOn: 'تنتهي في {date}',
  selectPackage: 'اختيار هذه الباقة',
  price: 'السعر',
  validityDays: 'صالحة {days} يوماً',
  serviceLine: '{service}: {sessions}، {clinic}',
  assignPackage: 'تخصيص الباقة واستخدامها',
  packageAssigned: 'تم تخصيص الباقة: {name}.',
  sessionWillBeBooked: 'سيتم حجز الجلسة {number} من {total}.',
  sessionNumberByTime:
    'سيتم حجز جلسة رقمها بين {first} و{last} من {total}: تُرقَّم الجلسات بترتيب مواعيدها، فالوقت المختار يحدد رقمها.',
  changePackage: 'اختيار باقة أخرى',
  clinic: 'العيادة',
  chooseClinic: 'اختر العيادة',
  noClinicsLeft: 'لا توجد عيادة تقدم خدمة متبقية في هذه الباقة.',
  provider: 'مقدم الخدمة',
  chooseProvider: 'اختر مقدم الخدمة',
  chooseClinicFirst: 'اختر العيادة أولاً',
  noProviders: 'لا يوجد مقدم خدمة في هذه العيادة.',
  durationMinutes: 'المدة (بالدقائق)',
  time: 'الوقت',
  groupSessions: 'الجلسات الجماعية',
  chooseProviderForSlots: 'اختر مقدم الخدمة لعرض الأوقات المتاحة.',
  noFreeSlots: 'لا يوجد وقت متاح في هذا اليوم. جرّب تاريخاً آخر.',
  noGroupSessions: 'لا توجد جلسة جماعية قادمة بها مقعد متاح.',
  seatsLeft: 'المقاعد المتبقية: {count}',
  book: 'حجز الموعد',
  appointmentBooked: 'تم حجز الموعد.',
  when: 'الموعد',
  lastWeekWarning: 'تقع هذه الجلسة في الأسبوع الأخير من الباقة التي تنتهي في {date}.',
  bookAnother: 'حجز موعد آخر',
  openAppointment: 'فتح الموعد',
  appointment: 'الموعد',
  reason: 'السبب',
  cancellationReason: 'سبب الإلغاء',
  cancelAppointment: 'إلغاء الموعد',
  patientPage: 'صفحة المريض',
  markAs_CONFIRMED: 'تأكيد',
  markAs_ARRIVED: 'تسجيل الحضور',
  markAs_COMPLETED: 'تسجيل الإتمام',
  markAs_NO_SHOW: 'تسجيل عدم الحضور',
  revertToBooked: 'إعادة إلى محجوز',
  revertReason: 'سبب التصحيح',
  statusReverted: 'أُعيد الموعد إلى محجوز.',
  dayView: 'عرض اليوم',
  dayViewOf: 'عرض اليوم: {clinic}',
  date: 'التاريخ',
  show: 'عرض',
  previousDay: 'اليوم السابق',
  nextDay: 'اليوم التالي',
  today: 'اليوم',
  dayNavigation: 'أيام أخرى',
  appointmentsByProvider: 'المواعيد حسب مقدم الخدمة',
  noAppointmentsForProvider: 'لا توجد مواعيد',
  noAppointmentsOnDay: 'لا توجد مواعيد في {clinic} في هذا اليوم.',
  packageSessionOf: '{name}: الجلسة {number} من {total}',
  status_BOOKED: 'محجوز',
  status_CONFIRMED: 'مؤكد',
  status_ARRIVED: 'حضر',
  status_COMPLETED: 'مكتمل',
  status_CANCELLED: 'ملغى',
  status_LATE_CANCELLED: 'إلغاء متأخر',
  status_NO_SHOW: 'لم يحضر',
  purchaseStatus_ACTIVE: 'نشطة',
  purchaseStatus_COMPLETED: 'مكتملة',
  purchaseStatus_EXPIRED: 'منتهية',
  purchaseStatus_CANCELLED: 'ملغاة',
  purchaseStatus_TRANSFERRED: 'محوّلة',
  patientDetails: 'بيانات المريض',
  nameEn: 'الاسم بالإنجليزية',
  nameAr: 'الاسم بالعربية',
  mrn: 'الرقم الطبي',
  phone: 'الهاتف',
  dateOfBirth: 'تاريخ الميلاد',
  notRecorded: 'غير مسجل',
  packagesHeading: 'الباقات ({count})',
  appointmentsHeading: 'المواعيد ({count})',
  packageName: 'الباقة',
  status: 'الحالة',
  used: 'المستخدم',
  remaining: 'المتبقي',
  purchaseDate: 'تاريخ الشراء',
  expiryDate: 'تاريخ الانتهاء',
  noPurchases: 'لا توجد باقات لهذا المريض.',
  noAppointments: 'لا توجد مواعيد لهذا المريض.',
  dateTime: 'التاريخ والوقت',
  service: 'الخدمة',
  packageSession: 'جلسة الباقة',
  sessionOfTotal: 'الجلسة {number} من {total}',
  role_ADMIN: 'مدير النظام',
  role_FRONT_DESK: 'الاستقبال',
  role_PROVIDER: 'مقدم الخدمة',
  role_FINANCE: 'المالية',
};

/*
 * Each area keeps its strings in a module of its own (English, and Arabic with the same keys)
 * and adds them here, so the dictionaries stay one typed whole.
 */
const en = {
  ...coreEn,
  ...packageOperationsEn,
  ...adminCatalogueEn,
  ...signInEn,
  ...auditEn,
  ...patientsEn,
  ...adminEn,
  ...feedbackEn,
  ...notificationsEn,
  ...moneyEn,
  ...reportsEn,
  ...calendarEn,
  ...coursesEn,
  ...groupSessionsEn,
  ...errorsEn,
};
const ar: Record<MessageKey, string> = {
  ...coreAr,
  ...packageOperationsAr,
  ...adminCatalogueAr,
  ...signInAr,
  ...auditAr,
  ...patientsAr,
  ...adminAr,
  ...feedbackAr,
  ...notificationsAr,
  ...moneyAr,
  ...reportsAr,
  ...calendarAr,
  ...coursesAr,
  ...groupSessionsAr,
  ...errorsAr,
};

export type MessageKey = keyof typeof en;

const messages: Record<Locale, Record<MessageKey, string>> = { en, ar };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, values) => fill(messages[locale][key], values);
}

/**
 * A page calls t() dozens of times (the package modal ~100): most messages have no
 * placeholder and are returned as they are; the others are split once into text and names
 * (odd places), not scanned by a regular expression on every call.
 */
function fill(message: string, values?: Record<string, string | number>): string {
  if (!message.includes('{')) return message;
  let parts = templates.get(message);
  if (parts === undefined) templates.set(message, (parts = message.split(/\{(\w+)\}/)));
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    text += String(values?.[parts[i]!] ?? '') + parts[i + 1]!;
  }
  return text;
}

/** By message text; the dictionaries are fixed, so this holds at most one entry per message. */
const templates = new Map<string, string[]>();

type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Arabic has six plural forms; English two. */
const sessionCounts: Record<Locale, PluralForms> = {
  en: { one: '{count} session', other: '{count} sessions' },
  ar: {
    zero: 'لا جلسات',
    one: 'جلسة واحدة',
    two: 'جلستان',
    few: '{count} جلسات',
    many: '{count} جلسة',
    other: '{count} جلسة',
  },
};

const pluralRules = memoize((locale: Locale) => new Intl.PluralRules(locale));

/**
 * Choosing the plural form is the dearest call of the modal's render (Intl.PluralRules), and
 * counts are package and service sizes, a few distinct numbers: each text is made once.
 */
export function sessionCount(locale: Locale, count: number): string {
  let text = sessionCountTexts[locale].get(count);
  if (text === undefined) {
    const forms = sessionCounts[locale];
    const form = forms[pluralRules(locale).select(count)] ?? forms.other;
    text = form.replace('{count}', String(count));
    sessionCountTexts[locale].set(count, text);
  }
  return text;
}

const sessionCountTexts: Record<Locale, Map<number, string>> = { en: new Map(), ar: new Map() };

/** Field errors carry message keys (routes/validation.ts, views/forms.tsx). */
export function isMessageKey(text: string): text is MessageKey {
  return Object.hasOwn(en, text);
}

export function roleKey(role: Role): MessageKey {
  return `role_${role}`;
}

export function otherLocale(locale: Locale): Locale {
  return locale === 'ar' ? 'en' : 'ar';
}
