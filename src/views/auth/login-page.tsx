import { Form, PasswordField, TextField, type FieldErrors } from '../forms.js';
import { useT } from '../request-context.js';

export interface LoginFormState {
  email: string;
  next: string;
  /** Shown above the form; never says whether the email exists. */
  error?: string;
  fieldErrors?: FieldErrors;
}

/** Signing in comes before any session, so its form carries no CSRF token. */
export function LoginPage({ form }: { form: LoginFormState }) {
  const t = useT();
  return (
    <section class="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('signInTitle')}</h1>
      <p class="muted">{t('signInIntro')}</p>
      {form.error && (
        <p class="alert alert-error" role="alert" id="login-error">
          {form.error}
        </p>
      )}
      <Form action="/login" id="login-form">
        <input type="hidden" name="next" value={form.next} />
        <TextField
          name="email"
          type="email"
          label={t('email')}
          value={form.email}
          errors={form.fieldErrors}
          autocomplete="username"
          required
          dir="ltr"
          autofocus
        />
        <PasswordField
          name="password"
          label={t('password')}
          errors={form.fieldErrors}
          autocomplete="current-password"
        />
        <button type="submit" class="button primary">
          {t('signIn')}
        </button>
      </Form>
    </section>
  );
}
