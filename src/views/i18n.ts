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

export function roleKey(role: Role): MessageKey {
  return `role_${role}`;
}

export function otherLocale(locale: Locale): Locale {
  return locale === 'ar' ? 'en' : 'ar';
}
