/** What the desk is told after an action, in the toast and to screen readers. */
export const feedbackEn = {
  cancelledSessionReturned: 'Appointment cancelled. The session went back to the package.',
  booking: 'Booking…',
};

export const feedbackAr: Record<keyof typeof feedbackEn, string> = {
  cancelledSessionReturned: 'أُلغي الموعد، وأُعيدت الجلسة إلى الباقة.',
  booking: 'جارٍ الحجز…',
};
