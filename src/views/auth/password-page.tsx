import { Form, PasswordField, type FormState } from '../forms.js';
import type { Translate } from '../i18n.js';

export function PasswordPage(props: {
  t: Translate;
  form: FormState;
  csrfToken: string;
  changed: boolean;
}) {
  const { t, form } = props;
  return (
    <section class="card narrow" aria-labelledby="password-title">
      <h1 id="password-title">{t('changePassword')}</h1>
      {props.changed && (
        <p class="alert alert-ok" role="status" id="password-notice">
          {t('passwordChanged')}
        </p>
      )}
      <Form
        t={t}
        action="/account/password"
        csrfToken={props.csrfToken}
        id="password-form"
        errors={form.errors}
      >
        <PasswordField
          t={t}
          errors={form.errors}
          name="current_password"
          id="current-password"
          label={t('currentPassword')}
          autocomplete="current-password"
          autofocus
        />
        <PasswordField
          t={t}
          errors={form.errors}
          name="new_password"
          id="new-password"
          label={t('newPassword')}
          help={t('newPasswordHelp')}
          autocomplete="new-password"
        />
        <PasswordField
          t={t}
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
