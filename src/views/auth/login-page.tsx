import { useT } from '../request-context.js';

export interface LoginFormState {
  email: string;
  next: string;
  /** Shown above the form; never says whether the email exists. */
  error?: string;
  fieldErrors?: { email?: string; password?: string };
}

export function LoginPage({ form }: { form: LoginFormState }) {
  const t = useT();
  const { fieldErrors = {} } = form;
  return (
    <section class="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('signInTitle')}</h1>
      <p class="muted">{t('signInIntro')}</p>
      {form.error && (
        <p class="alert alert-error" role="alert" id="login-error">
          {form.error}
        </p>
      )}
      <form method="post" action="/login" class="stack" novalidate>
        <input type="hidden" name="next" value={form.next} />
        <div class="field">
          <label for="email">{t('email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={form.email}
            dir="ltr"
            aria-invalid={fieldErrors.email ? 'true' : undefined}
            aria-describedby={fieldErrors.email ? 'email-error' : undefined}
            autofocus
          />
          {fieldErrors.email && (
            <p class="field-error" id="email-error">
              {fieldErrors.email}
            </p>
          )}
        </div>
        <div class="field">
          <label for="password">{t('password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            dir="ltr"
            aria-invalid={fieldErrors.password ? 'true' : undefined}
            aria-describedby={fieldErrors.password ? 'password-error' : undefined}
          />
          {fieldErrors.password && (
            <p class="field-error" id="password-error">
              {fieldErrors.password}
            </p>
          )}
        </div>
        <button type="submit" class="button primary">
          {t('signIn')}
        </button>
      </form>
    </section>
  );
}
