/** The provider's day and week, and the desk's calendar (issue 19). */
export const calendarEn = {
  myDay: 'My day',
  myDayTitle: 'My day: {name}',
  myWeek: 'My week',
  myWeekTitle: 'My week: {name}',
  previousWeek: 'Previous week',
  nextWeek: 'Next week',
  thisWeek: 'This week',
  noProviderLinked:
    'Your account is not linked to a provider yet. An administrator can link it on the Providers page.',
  noAppointmentsForMe: 'No appointments on this day.',
  myAppointments: 'My appointments',
  nextFreeDay: 'Next free day: {date}',
  noFreeDayAhead: 'No free time in the days ahead either.',
  chosenTimeTaken: '{time} was just booked at another desk. Please choose another time.',
  useSuggestedPackage: 'Use {name} ({remaining} of {total} left)',
};

export const calendarAr: Record<keyof typeof calendarEn, string> = {
  myDay: 'يومي',
  myDayTitle: 'يومي: {name}',
  myWeek: 'أسبوعي',
  myWeekTitle: 'أسبوعي: {name}',
  previousWeek: 'الأسبوع السابق',
  nextWeek: 'الأسبوع التالي',
  thisWeek: 'هذا الأسبوع',
  noProviderLinked: 'حسابك غير مرتبط بمقدّم خدمة بعد. يمكن للمسؤول ربطه من صفحة مقدّمي الخدمة.',
  noAppointmentsForMe: 'لا توجد مواعيد في هذا اليوم.',
  myAppointments: 'مواعيدي',
  nextFreeDay: 'أقرب يوم متاح: {date}',
  noFreeDayAhead: 'لا يوجد وقت متاح في الأيام القادمة أيضاً.',
  chosenTimeTaken: 'حُجز الوقت {time} للتو من مكتب آخر. يرجى اختيار وقت آخر.',
  useSuggestedPackage: 'استخدام {name} (متبقٍ {remaining} من {total})',
};
