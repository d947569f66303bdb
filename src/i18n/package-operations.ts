/** The patient page's package operations (ADMIN). */

export const packageOperationsEn = {
  packageActions: 'Actions',
  extendExpiry: 'Extend expiry',
  currentExpiry: 'Expires now on {date}.',
  newExpiryDate: 'New expiry date',
  extendByDays: 'Or extend by (days)',
  extensionReason: 'Reason for the extension',
  extendChooseOne: 'Give either a new expiry date or a number of days.',
  extendDateInvalid: 'Enter a valid date.',
  extendDateNotLater: 'Choose a date after the current expiry, {date}.',
  extendDateTooFar: 'Choose a date at most 10 years after the current expiry, {date}.',
  extendDaysInvalid: 'Enter a whole number of days from 1 to 3650.',
};

export const packageOperationsAr: Record<keyof typeof packageOperationsEn, string> = {
  packageActions: 'الإجراءات',
  extendExpiry: 'تمديد الصلاحية',
  currentExpiry: 'تنتهي حالياً في {date}.',
  newExpiryDate: 'تاريخ الانتهاء الجديد',
  extendByDays: 'أو التمديد بعدد الأيام',
  extensionReason: 'سبب التمديد',
  extendChooseOne: 'أدخل تاريخ انتهاء جديداً أو عدد أيام.',
  extendDateInvalid: 'أدخل تاريخاً صحيحاً.',
  extendDateNotLater: 'اختر تاريخاً بعد تاريخ الانتهاء الحالي {date}.',
  extendDateTooFar: 'اختر تاريخاً لا يتجاوز عشر سنوات بعد تاريخ الانتهاء الحالي {date}.',
  extendDaysInvalid: 'أدخل عدداً صحيحاً من الأيام من 1 إلى 3650.',
};
