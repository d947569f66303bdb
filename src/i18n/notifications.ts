/**
 * Messages to patients (src/messages/templates.ts) and the pages that show them. Parameters
 * are the centre, patient, service, clinic and provider names, the local date and time, and
 * `{session}` (the package session sentence, or nothing).
 */
export const notificationsEn = {
  messageSubject_booked: 'Appointment booked – {centre}',
  messageSubject_cancelled: 'Appointment cancelled – {centre}',
  messageSubject_rescheduled: 'Appointment moved – {centre}',
  messageSubject_reminder: 'Appointment reminder – {centre}',
  messageBody_booked:
    'Hello {patient}, your {service} appointment at {clinic} with {provider} is booked for {date}, {time}.{session}',
  messageBody_cancelled:
    'Hello {patient}, your {service} appointment at {clinic} with {provider} on {date}, {time} is cancelled.',
  messageBody_rescheduled:
    'Hello {patient}, your {service} appointment at {clinic} with {provider} has moved to {date}, {time}.{session}',
  messageBody_reminder:
    'Reminder: {patient} has a {service} appointment at {clinic} with {provider} on {date}, {time}.{session}',
  messageSession: ' This is session {number} of {total}.',
  messageSignature: '{centre}',

  messagesTitle: 'Messages to the patient',
  noMessages: 'No messages for this appointment.',
  messageKind: 'Message',
  messageChannel: 'Channel',
  messageStatus: 'Status',
  messageWhen: 'When',
  messageKind_booked: 'Booking confirmation',
  messageKind_cancelled: 'Cancellation',
  messageKind_rescheduled: 'Moved',
  messageKind_reminder: 'Reminder',
  messageChannel_log: 'Log',
  messageChannel_email: 'Email',
  messageChannel_sms: 'SMS',
  messageChannel_whatsapp: 'WhatsApp',
  messageStatus_pending: 'Waiting',
  messageStatus_sending: 'Sending',
  messageStatus_sent: 'Delivered',
  messageStatus_dead: 'Failed',
  messageStatus_skipped: 'Not sent',
  messageDueAt: 'due {time}',
  messageSentAt: 'sent {time}',

  messageSkipped_superseded: 'replaced: the appointment moved',
  messageSkipped_appointmentCancelled: 'the appointment was cancelled',
  messageSkipped_appointmentChanged: 'the appointment changed before it was due',
  messageSkipped_remindersOff: 'reminders were switched off',
  messageSkipped_channelOff: 'this channel was switched off',
  messageSkipped_other: 'no longer needed',

  deadLettersTitle: 'Failed messages',
  deadLettersIntro:
    'Messages that could not be delivered after every retry. Fix the cause (an address, the provider settings), then send them again.',
  noDeadLetters: 'No failed messages.',
  messageAttempts: 'Attempts',
  messageError: 'Last error',
  messageAppointment: 'Appointment',
  retryMessage: 'Send again',
  messageRequeued: 'The message is back in the queue.',

  patientMessages: 'Messages to the patient',
  preferredLanguage: 'Language of messages',
  consentReminders: 'Reminders before appointments',
  consentEmail: 'By email',
  consentSms: 'By SMS',
  consentWhatsapp: 'By WhatsApp',
  consentHelp:
    'Untick what the patient or family does not want. Bookings, moves and cancellations go to the ticked channels; reminders only when reminders are ticked too.',

  messagesSettings: 'Messages to patients',
  messageChannels: 'Send through',
  messageChannelsHelp:
    'Patients get messages on the channels ticked here that they agreed to and have an address for. Log only writes to the server’s log (for trying things out). Messages still waiting on a channel switched off are not sent.',
  reminderHoursBefore: 'Reminder (hours before)',
  reminderHoursHelp:
    '1 to 168; empty: no reminders. Reminders already waiting move to the new time.',
  reminderHoursInvalid: 'Enter a whole number of hours from 1 to 168, or leave it empty.',
  quietHoursStart: 'Quiet from',
  quietHoursEnd: 'Quiet until',
  quietHoursHelp:
    'Nothing is sent between these times, in the centre’s time zone: messages wait until the quiet hours end. The same time twice: no quiet hours.',
  taxSettings: 'Tax and receipts',
  vatPercent: 'VAT rate (%)',
  vatPercentHelp: 'Prices include VAT. 0 when the centre charges none.',
  vatPercentInvalid: 'Enter a percentage from 0 to 99.99, e.g. 15.',
  vatNumber: 'VAT number',
  vatNumberHelp: 'On every receipt and in its QR code.',
  vatNumberInvalid: 'Use letters and digits only, at most 20.',
  vatNumberRequired: 'A centre that charges VAT needs its VAT number on its receipts.',
  vatNumberSaudi: 'A Saudi VAT number has 15 digits and starts and ends with 3.',
  country: 'Country',
  countryHelp: 'Two-letter code, e.g. SA, AE.',
  countryInvalid: 'Enter a two-letter country code, e.g. SA.',

  calendarFeedsTitle: 'Calendar links',
  calendarFeedsIntro:
    'Each provider and each clinic can have a private calendar link. Add it to a calendar app (Google Calendar, Apple Calendar, Outlook: "subscribe by URL") to see their appointments there; the app refreshes it every few hours.',
  calendarFeedsPrivacy:
    'Anyone who has a link sees those appointments, with patients by first name only. Give it only to the person it is for, and revoke it when a phone is lost or someone leaves: it stops working at once.',
  calendarFeedLinks: 'Live links',
  noCalendarFeed: 'No link',
  noCalendarOwners: 'None yet.',
  calendarFeedCreated: 'Created {date} by {name}',
  createCalendarFeed: 'Create link',
  revokeCalendarFeed: 'Revoke',
  calendarFeedReady: 'New calendar link for {name}.',
  calendarFeedShownOnce:
    'Copy it now: it is shown only this once. If it is lost, revoke it and create another.',
  calendarFeedAddress: 'Calendar address',
  calendarFeedRevoked: 'Link revoked: it no longer works.',
  calendarFeedAlreadyCreated:
    'That link was already created; its address is shown only once. If it was not copied, revoke it and create another.',
};

export const notificationsAr: Record<keyof typeof notificationsEn, string> = {
  messageSubject_booked: 'تأكيد حجز موعد – {centre}',
  messageSubject_cancelled: 'إلغاء موعد – {centre}',
  messageSubject_rescheduled: 'تغيير موعد – {centre}',
  messageSubject_reminder: 'تذكير بموعد – {centre}',
  messageBody_booked:
    'مرحبًا {patient}، تم حجز موعد {service} في {clinic} مع {provider} يوم {date}، الساعة {time}.{session}',
  messageBody_cancelled:
    'مرحبًا {patient}، أُلغي موعد {service} في {clinic} مع {provider} يوم {date}، الساعة {time}.',
  messageBody_rescheduled:
    'مرحبًا {patient}، نُقل موعد {service} في {clinic} مع {provider} إلى يوم {date}، الساعة {time}.{session}',
  messageBody_reminder:
    'تذكير: لدى {patient} موعد {service} في {clinic} مع {provider} يوم {date}، الساعة {time}.{session}',
  messageSession: ' هذه الجلسة {number} من {total}.',
  messageSignature: '{centre}',

  messagesTitle: 'الرسائل إلى المريض',
  noMessages: 'لا رسائل لهذا الموعد.',
  messageKind: 'الرسالة',
  messageChannel: 'القناة',
  messageStatus: 'الحالة',
  messageWhen: 'الوقت',
  messageKind_booked: 'تأكيد الحجز',
  messageKind_cancelled: 'الإلغاء',
  messageKind_rescheduled: 'تغيير الموعد',
  messageKind_reminder: 'التذكير',
  messageChannel_log: 'السجل',
  messageChannel_email: 'البريد الإلكتروني',
  messageChannel_sms: 'رسالة نصية',
  messageChannel_whatsapp: 'واتساب',
  messageStatus_pending: 'في الانتظار',
  messageStatus_sending: 'قيد الإرسال',
  messageStatus_sent: 'تم التسليم',
  messageStatus_dead: 'فشل',
  messageStatus_skipped: 'لم تُرسل',
  messageDueAt: 'موعدها {time}',
  messageSentAt: 'أُرسلت {time}',

  messageSkipped_superseded: 'استُبدلت: نُقل الموعد',
  messageSkipped_appointmentCancelled: 'أُلغي الموعد',
  messageSkipped_appointmentChanged: 'تغيّر الموعد قبل وقت إرسالها',
  messageSkipped_remindersOff: 'أُوقف التذكير',
  messageSkipped_channelOff: 'أُوقفت هذه القناة',
  messageSkipped_other: 'لم تعد لازمة',

  deadLettersTitle: 'الرسائل التي فشل إرسالها',
  deadLettersIntro:
    'رسائل تعذّر تسليمها بعد كل المحاولات. أصلح السبب (عنوانًا أو إعدادات المزوّد) ثم أعد إرسالها.',
  noDeadLetters: 'لا رسائل فاشلة.',
  messageAttempts: 'المحاولات',
  messageError: 'آخر خطأ',
  messageAppointment: 'الموعد',
  retryMessage: 'إعادة الإرسال',
  messageRequeued: 'أُعيدت الرسالة إلى قائمة الانتظار.',

  patientMessages: 'الرسائل إلى المريض',
  preferredLanguage: 'لغة الرسائل',
  consentReminders: 'التذكير قبل المواعيد',
  consentEmail: 'بالبريد الإلكتروني',
  consentSms: 'برسالة نصية',
  consentWhatsapp: 'عبر واتساب',
  consentHelp:
    'ألغِ تحديد ما لا يريده المريض أو أسرته. الحجز وتغيير الموعد والإلغاء تُرسل عبر القنوات المحددة، والتذكير فقط إن حُدّد التذكير أيضًا.',

  messagesSettings: 'الرسائل إلى المرضى',
  messageChannels: 'الإرسال عبر',
  messageChannelsHelp:
    'تصل الرسائل إلى المرضى عبر القنوات المحددة هنا التي وافقوا عليها ولديهم عنوان لها. السجل يكتب في سجل الخادم فقط (للتجربة). الرسائل المنتظرة على قناة أُوقفت لا تُرسل.',
  reminderHoursBefore: 'التذكير (قبل الموعد بساعات)',
  reminderHoursHelp: 'من 1 إلى 168؛ فارغ: بلا تذكير. التذكيرات المنتظرة تنتقل إلى الوقت الجديد.',
  reminderHoursInvalid: 'أدخل عددًا صحيحًا من الساعات من 1 إلى 168 أو اتركه فارغًا.',
  quietHoursStart: 'الهدوء من',
  quietHoursEnd: 'الهدوء حتى',
  quietHoursHelp:
    'لا يُرسل شيء بين هذين الوقتين بتوقيت المركز: تنتظر الرسائل حتى انتهاء ساعات الهدوء. الوقت نفسه مرتين: بلا ساعات هدوء.',
  taxSettings: 'الضريبة والإيصالات',
  vatPercent: 'نسبة ضريبة القيمة المضافة (٪)',
  vatPercentHelp: 'الأسعار تشمل الضريبة. صفر إن كان المركز لا يفرضها.',
  vatPercentInvalid: 'أدخل نسبة من 0 إلى 99.99، مثل 15.',
  vatNumber: 'الرقم الضريبي',
  vatNumberHelp: 'يظهر في كل إيصال وفي رمز الاستجابة السريعة.',
  vatNumberInvalid: 'استخدم حروفًا وأرقامًا فقط، 20 على الأكثر.',
  vatNumberRequired: 'المركز الذي يفرض الضريبة يحتاج رقمه الضريبي في إيصالاته.',
  vatNumberSaudi: 'الرقم الضريبي السعودي 15 رقمًا يبدأ بـ 3 وينتهي بـ 3.',
  country: 'الدولة',
  countryHelp: 'رمز من حرفين لاتينيين، مثل SA أو AE.',
  countryInvalid: 'أدخل رمز دولة من حرفين لاتينيين، مثل SA.',

  calendarFeedsTitle: 'روابط التقويم',
  calendarFeedsIntro:
    'لكل مقدم خدمة ولكل عيادة رابط تقويم خاص. أضفه إلى تطبيق التقويم (الاشتراك برابط) لتظهر مواعيده فيه؛ ويحدّثه التطبيق كل بضع ساعات.',
  calendarFeedsPrivacy:
    'كل من لديه الرابط يرى تلك المواعيد، والمرضى بأسمائهم الأولى فقط. أعطه لصاحبه فقط، وألغِه عند فقد هاتف أو مغادرة أحد: يتوقف فورًا.',
  calendarFeedLinks: 'الروابط الفعّالة',
  noCalendarFeed: 'لا رابط',
  noCalendarOwners: 'لا شيء بعد.',
  calendarFeedCreated: 'أُنشئ في {date} بواسطة {name}',
  createCalendarFeed: 'إنشاء رابط',
  revokeCalendarFeed: 'إلغاء',
  calendarFeedReady: 'رابط تقويم جديد لـ {name}.',
  calendarFeedShownOnce: 'انسخه الآن: لن يظهر إلا هذه المرة. إن فُقد فألغِه وأنشئ غيره.',
  calendarFeedAddress: 'عنوان التقويم',
  calendarFeedRevoked: 'أُلغي الرابط: لم يعد يعمل.',
  calendarFeedAlreadyCreated:
    'أُنشئ هذا الرابط من قبل، ولا يظهر عنوانه إلا مرة واحدة. إن لم يُنسخ فألغِه وأنشئ غيره.',
};
