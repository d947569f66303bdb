import type { Locale, Role } from '../db/schema.js';

const en = {
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
  backHome: 'Back to the home page',
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
  changePackage: 'Choose another package',
  clinic: 'Clinic',
  chooseClinic: 'Choose a clinic',
  noClinicsLeft: 'No clinic offers a service with sessions left on this package.',
  provider: 'Provider',
  chooseProvider: 'Choose a provider',
  chooseClinicFirst: 'Choose a clinic first',
  noProviders: 'No provider works in this clinic.',
  role_ADMIN: 'Administrator',
  role_FRONT_DESK: 'Front desk',
  role_PROVIDER: 'Provider',
  role_FINANCE: 'Finance',
};

export type MessageKey = keyof typeof en;

const ar: Record<MessageKey, string> = {
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
  backHome: 'العودة إلى الصفحة الرئيسية',
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
  changePackage: 'اختيار باقة أخرى',
  clinic: 'العيادة',
  chooseClinic: 'اختر العيادة',
  noClinicsLeft: 'لا توجد عيادة تقدم خدمة متبقية في هذه الباقة.',
  provider: 'مقدم الخدمة',
  chooseProvider: 'اختر مقدم الخدمة',
  chooseClinicFirst: 'اختر العيادة أولاً',
  noProviders: 'لا يوجد مقدم خدمة في هذه العيادة.',
  role_ADMIN: 'مدير النظام',
  role_FRONT_DESK: 'الاستقبال',
  role_PROVIDER: 'مقدم الخدمة',
  role_FINANCE: 'المالية',
};

const messages: Record<Locale, Record<MessageKey, string>> = { en, ar };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, values) =>
    messages[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? ''));
}

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

export function sessionCount(locale: Locale, count: number): string {
  const forms = sessionCounts[locale];
  const form = forms[new Intl.PluralRules(locale).select(count)] ?? forms.other;
  return form.replace('{count}', String(count));
}

export function roleKey(role: Role): MessageKey {
  return `role_${role}`;
}

export function otherLocale(locale: Locale): Locale {
  return locale === 'ar' ? 'en' : 'ar';
}
