/**
 * The application's error messages (thrown in English: the JSON API speaks English) and their
 * Arabic, for pages and fragments. `{x}` stands for a part of the message that varies.
 */
export const errorsEn = {
  err_malformed: 'The request is malformed.',
  err_badAddress: 'Invalid {fields} in the address.',
  err_signIn: 'Please sign in.',
  err_forbidden: 'You are not allowed to do this.',
  err_crossOrigin: 'Cross-origin request refused.',
  err_csrf: 'Missing or invalid CSRF token. Please reload the page.',
  err_notFound: 'Not found.',
  err_patientNotFound: 'Patient not found.',
  err_packageNotFound: 'Package not found.',
  err_appointmentNotFound: 'Appointment not found.',
  err_providerNotFound: 'Provider not found in this clinic.',
  err_serviceNotFound: 'Service not found.',
  err_groupNotFound: 'Group session not found.',
  err_correctFields: 'Please correct the highlighted fields.',
  err_choosePackage: 'Choose the package to book on.',
  err_singleOnPackage: 'A single session is not booked on a package.',
  err_chooseProvider: 'Choose a provider.',
  err_chooseTime: 'Choose a time.',
  err_chooseClinic: 'Choose a clinic first.',
  err_chooseService: 'Choose the service to book.',
  err_serviceNotHere: 'This service is not offered in this clinic.',
  err_chooseGroup: 'Choose the group session to join.',
  err_keyReusedBooking: 'This request key was already used for another booking.',
  err_keyReusedAssignment: 'This request key was already used for another assignment.',
  err_slotTaken: 'This time is not available any more. Please choose another slot.',
  err_groupCancelled: 'This group session was cancelled.',
  err_groupStarted: 'This group session has already started.',
  err_groupFull: 'This group session is full.',
  err_expiresBeforeSlot: 'This package expires on {date}, before this slot.',
  err_expiredOn: 'This package expired on {date}.',
  err_noServiceSessions: 'No sessions of this service are left on this package.',
  err_noSessions: 'No sessions are left on this package.',
  err_unusable: 'This package can no longer be used.',
  err_notSold: 'This package is no longer sold.',
  err_cannotCancel: 'A {status} appointment cannot be cancelled.',
  err_cannotBecome: 'A {status} appointment cannot become {next}.',
  err_overlap: 'That time overlaps another appointment. Please choose another slot.',
  err_duplicate: 'This was already recorded. Please refresh and try again.',
  err_packageRule: 'That would break a rule of the package (no sessions left?). Please refresh.',
  err_concurrent: 'Someone else changed this at the same moment. Please try again.',
  err_tooLarge: 'The request is too large.',
  err_internal: 'Something went wrong on our side.',
};

export const errorsAr: Record<keyof typeof errorsEn, string> = {
  err_malformed: 'الطلب غير سليم.',
  err_badAddress: 'قيمة غير صالحة في العنوان.',
  err_signIn: 'يرجى تسجيل الدخول.',
  err_forbidden: 'ليست لديك صلاحية لهذا الإجراء.',
  err_crossOrigin: 'رُفض طلب من موقع آخر.',
  err_csrf: 'رمز الحماية مفقود أو غير صالح. يرجى إعادة تحميل الصفحة.',
  err_notFound: 'غير موجود.',
  err_patientNotFound: 'المريض غير موجود.',
  err_packageNotFound: 'الباقة غير موجودة.',
  err_appointmentNotFound: 'الموعد غير موجود.',
  err_providerNotFound: 'مقدم الخدمة غير موجود في هذه العيادة.',
  err_serviceNotFound: 'الخدمة غير موجودة.',
  err_groupNotFound: 'الجلسة الجماعية غير موجودة.',
  err_correctFields: 'يرجى تصحيح الحقول المحددة.',
  err_choosePackage: 'اختر الباقة التي سيُحجز عليها.',
  err_singleOnPackage: 'الجلسة المفردة لا تُحجز على باقة.',
  err_chooseProvider: 'اختر مقدم الخدمة.',
  err_chooseTime: 'اختر الوقت.',
  err_chooseClinic: 'اختر العيادة أولاً.',
  err_chooseService: 'اختر الخدمة المراد حجزها.',
  err_serviceNotHere: 'هذه الخدمة غير متوفرة في هذه العيادة.',
  err_chooseGroup: 'اختر الجلسة الجماعية للانضمام إليها.',
  err_keyReusedBooking: 'استُخدم مفتاح هذا الطلب لحجز آخر.',
  err_keyReusedAssignment: 'استُخدم مفتاح هذا الطلب لتخصيص آخر.',
  err_slotTaken: 'هذا الوقت لم يعد متاحاً. يرجى اختيار وقت آخر.',
  err_groupCancelled: 'أُلغيت هذه الجلسة الجماعية.',
  err_groupStarted: 'بدأت هذه الجلسة الجماعية بالفعل.',
  err_groupFull: 'هذه الجلسة الجماعية مكتملة.',
  err_expiresBeforeSlot: 'تنتهي هذه الباقة في {date}، قبل هذا الموعد.',
  err_expiredOn: 'انتهت هذه الباقة في {date}.',
  err_noServiceSessions: 'لم تتبقَّ جلسات لهذه الخدمة في هذه الباقة.',
  err_noSessions: 'لم تتبقَّ جلسات في هذه الباقة.',
  err_unusable: 'لم يعد بالإمكان استخدام هذه الباقة.',
  err_notSold: 'لم تعد هذه الباقة معروضة للبيع.',
  err_cannotCancel: 'لا يمكن إلغاء موعد في هذه الحالة.',
  err_cannotBecome: 'لا يمكن نقل الموعد إلى هذه الحالة.',
  err_overlap: 'هذا الوقت يتداخل مع موعد آخر. يرجى اختيار وقت آخر.',
  err_duplicate: 'سُجّل هذا من قبل. يرجى تحديث الصفحة والمحاولة مجدداً.',
  err_packageRule: 'هذا يخالف قاعدة من قواعد الباقة (لا جلسات متبقية؟). يرجى تحديث الصفحة.',
  err_concurrent: 'غيّر شخص آخر هذا في اللحظة نفسها. يرجى المحاولة مجدداً.',
  err_tooLarge: 'الطلب كبير جداً.',
  err_internal: 'حدث خطأ من جهتنا.',
};

type ErrorKey = keyof typeof errorsEn;

const templates = (Object.entries(errorsEn) as [ErrorKey, string][]).map(([key, english]) => {
  const names: string[] = [];
  const source = english
    .split(/\{(\w+)\}/)
    .map((part, index) => {
      if (index % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part);
      return '(.+?)';
    })
    .join('');
  return { key, names, pattern: new RegExp(`^${source}$`) };
});

/** The key and values of a message thrown in English, or null for one not in the list. */
export function errorMessageKey(
  message: string,
): { key: ErrorKey; values: Record<string, string> } | null {
  for (const { key, names, pattern } of templates) {
    const match = pattern.exec(message);
    if (match) {
      return { key, values: Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) };
    }
  }
  return null;
}
