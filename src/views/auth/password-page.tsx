import { Form, PasswordField, type FormState } from '../forms.js';
import { useT } from '../request-context.js';

export function PasswordPage(props: { form: FormState; csrfToken: string; changed: boolean }) {
  const t = useT();
  const { form } = props;
  return (
    <section class="card narrow" aria-labelledby="password-title">
      <h1 id="password-title">{t('changePassword')}</h1>
      {props.changed && (
        <p class="alert alert-ok" role="status" id="password-notice">
          {t('passwordChanged')}
        </p>
      )}
      <Form
        action="/account/password"
        csrfToken={props.csrfToken}
        id="password-form"
        errors={form.errors}
      >
        <PasswordField
          errors={form.errors}
          name="current_password"
          id="current-password"
          label={t('currentPassword')}
          autocomplete="current-password"
          autofocus
        />
        <PasswordField
          errors={form.errors}
          name="new_password"
          id="new-password"
          label={t('newPassword')}
          help={t('newPasswordHelp')}
          autocomplete="new-password"
        />
        <PasswordField
          errors={form.errors}
          name="confirm_password"
          id="confirm-password"
          label={t('confirmPassword')}
          autocomplete="new-password"
        />
        <button type="submit" class="button primary">
          {t('changePassword')}
        </button>
      </Form>
    </section>
  );
}
