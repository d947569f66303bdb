import { FormErrorSummary, PostForm, TextField, type FormState } from '../form-fields.js';
import type { Translate } from '../i18n.js';

export function PasswordPage(props: {
  t: Translate;
  form: FormState;
  csrfToken: string;
  changed: boolean;
}) {
  const { t, form } = props;
  const password = (name: string, id: string, label: string, autocomplete: string) => (
    <TextField
      t={t}
      form={form}
      name={name}
      id={id}
      label={label}
      type="password"
      required
      autocomplete={autocomplete}
      dir="ltr"
      help={name === 'new_password' ? t('newPasswordHelp') : undefined}
      autofocus={name === 'current_password'}
    />
  );
  return (
    <section class="card narrow" aria-labelledby="password-title">
      <h1 id="password-title">{t('changePassword')}</h1>
      {props.changed && (
        <p class="alert alert-ok" role="status" id="password-notice">
          {t('passwordChanged')}
        </p>
      )}
      <PostForm action="/account/password" csrfToken={props.csrfToken} id="password-form">
        <FormErrorSummary t={t} form={form} />
        {password('current_password', 'current-password', t('currentPassword'), 'current-password')}
        {password('new_password', 'new-password', t('newPassword'), 'new-password')}
        {password('confirm_password', 'confirm-password', t('confirmPassword'), 'new-password')}
        <button type="submit" class="button primary">
          {t('changePassword')}
        </button>
      </PostForm>
    </section>
  );
}
