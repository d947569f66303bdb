/** Sign-in strings beyond the core ones: the throttle's answer. */
export const signInEn = {
  tooManyAttempts: 'Too many sign-in attempts. Please wait a few minutes and try again.',
};

export const signInAr: Record<keyof typeof signInEn, string> = {
  tooManyAttempts: 'محاولات تسجيل دخول كثيرة. يرجى الانتظار بضع دقائق ثم المحاولة مرة أخرى.',
};
