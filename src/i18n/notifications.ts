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

  deadLettersTitle: 'Failed messages',
  deadLettersIntro:
    'Messages that could not be delivered after every retry. Fix the cause (an address, the provider settings), then send them again.',
  noDeadLetters: 'No failed messages.',
  messageAttempts: 'Attempts',
  messageError: 'Last error',
  messageAppointment: 'Appointment',
  retryMessage: 'Send again',
  messageRequeued: 'The message is back in the queue.',
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

  deadLettersTitle: 'الرسائل التي فشل إرسالها',
  deadLettersIntro:
    'رسائل تعذّر تسليمها بعد كل المحاولات. أصلح السبب (عنوانًا أو إعدادات المزوّد) ثم أعد إرسالها.',
  noDeadLetters: 'لا رسائل فاشلة.',
  messageAttempts: 'المحاولات',
  messageError: 'آخر خطأ',
  messageAppointment: 'الموعد',
  retryMessage: 'إعادة الإرسال',
  messageRequeued: 'أُعيدت الرسالة إلى قائمة الانتظار.',
};
