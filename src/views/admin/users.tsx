import type { UserSummary } from '../../db/users.js';
import type { Role } from '../../db/schema.js';
import {
  FormActions,
  FormErrorSummary,
  PasswordField,
  PostForm,
  SelectField,
  TextField,
  type FormState,
} from '../form-fields.js';
import { roleKey, type MessageKey, type Translate } from '../i18n.js';

export const USER_LIST_ID = 'user-list';
const ROLES: Role[] = ['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE'];

export type UserNotice = 'created' | 'updated' | 'password' | 'deactivated' | 'reactivated';
const NOTICES: Record<UserNotice, MessageKey> = {
  created: 'userCreated',
  updated: 'userUpdated',
  password: 'passwordWasReset',
  deactivated: 'userDeactivated',
  reactivated: 'userReactivated',
};

function roleOptions(t: Translate): [string, string][] {
  return ROLES.map((role) => [role, t(roleKey(role))]);
}

function localeOptions(t: Translate): [string, string][] {
  return [
    ['en', t('locale_en')],
    ['ar', t('locale_ar')],
  ];
}

export function UserListPage(props: { t: Translate; users: UserSummary[]; done?: UserNotice }) {
  const { t, users, done } = props;
  return (
    <section class="card stack" aria-labelledby="users-title">
      <div class="heading-row">
        <h1 id="users-title">{t('users')}</h1>
        <a class="button primary" href="/admin/users/new" id="new-user-link">
          {t('newUser')}
        </a>
      </div>
      {done && (
        <p class="alert alert-ok" role="status" id="user-notice">
          {t(NOTICES[done])}
        </p>
      )}
      <div class="table-scroll" role="region" aria-labelledby="users-title" tabindex={0}>
        <table class="data-table" id={USER_LIST_ID}>
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('role')}</th>
              <th scope="col">{t('accountStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr id={`user-${user.id}`} class={user.active ? undefined : 'history'}>
                <th scope="row">
                  <a href={`/admin/users/${user.id}`}>{user.name}</a>
                </th>
                <td dir="ltr">{user.email}</td>
                <td>{t(roleKey(user.role))}</td>
                <td>
                  <span class={`badge ${user.active ? 'badge-ok' : 'badge-muted'}`}>
                    {t(user.active ? 'active' : 'inactive')}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ProfileFields({ t, form }: { t: Translate; form: FormState }) {
  return (
    <>
      <TextField
        t={t}
        form={form}
        name="name"
        id="user-name"
        label={t('name')}
        required
        autofocus
      />
      <div class="field-row">
        <SelectField
          t={t}
          form={form}
          name="role"
          id="user-role"
          label={t('role')}
          options={roleOptions(t)}
        />
        <SelectField
          t={t}
          form={form}
          name="locale"
          id="user-locale"
          label={t('locale')}
          options={localeOptions(t)}
        />
      </div>
    </>
  );
}

export function NewUserPage(props: {
  t: Translate;
  form: FormState;
  formToken: string;
  csrfToken: string;
}) {
  const { t, form } = props;
  return (
    <section class="card" aria-labelledby="new-user-title">
      <h1 id="new-user-title">{t('newUser')}</h1>
      <PostForm action="/admin/users" csrfToken={props.csrfToken} id="user-form">
        <FormErrorSummary t={t} form={form} />
        <input type="hidden" name="form_token" value={props.formToken} />
        <ProfileFields t={t} form={form} />
        <TextField
          t={t}
          form={form}
          name="email"
          id="user-email"
          label={t('email')}
          type="email"
          required
          autocomplete="off"
          dir="ltr"
        />
        <PasswordField
          t={t}
          form={form}
          name="password"
          id="user-password"
          label={t('initialPassword')}
          help={t('initialPasswordHelp')}
          autocomplete="new-password"
        />
        <FormActions
          submitLabel={t('createUser')}
          cancelLabel={t('cancel')}
          cancelHref="/admin/users"
        />
      </PostForm>
    </section>
  );
}

/** One user: profile and role, a password reset, and (de)activation; each its own form. */
export function EditUserPage(props: {
  t: Translate;
  user: UserSummary;
  csrfToken: string;
  profile: FormState;
  password: FormState;
  /** Refused: the last active admin would be demoted or deactivated. */
  conflict?: MessageKey;
}) {
  const { t, user, csrfToken } = props;
  return (
    <div class="stack">
      {props.conflict && (
        <p class="alert alert-error" role="alert" id="user-conflict">
          {t(props.conflict)}
        </p>
      )}
      <section class="card" aria-labelledby="edit-user-title">
        <h1 id="edit-user-title">
          {t('editUser')}: {user.name}
        </h1>
        <p dir="ltr" class="muted">
          {user.email}
        </p>
        <PostForm action={`/admin/users/${user.id}`} csrfToken={csrfToken} id="user-form">
          <FormErrorSummary t={t} form={props.profile} />
          <ProfileFields t={t} form={props.profile} />
          <FormActions
            submitLabel={t('saveChanges')}
            cancelLabel={t('cancel')}
            cancelHref="/admin/users"
          />
        </PostForm>
      </section>
      <section class="card" aria-labelledby="reset-password-title">
        <h2 id="reset-password-title">{t('resetPassword')}</h2>
        <p class="help">{t('resetPasswordHelp')}</p>
        <PostForm
          action={`/admin/users/${user.id}/password`}
          csrfToken={csrfToken}
          id="reset-password-form"
        >
          <PasswordField
            t={t}
            form={props.password}
            name="password"
            id="reset-password"
            label={t('newTemporaryPassword')}
            autocomplete="new-password"
          />
          <button type="submit" class="button">
            {t('resetPassword')}
          </button>
        </PostForm>
      </section>
      <section class="card" aria-labelledby="account-status-title">
        <h2 id="account-status-title">
          {t('accountStatus')}:{' '}
          <span class={`badge ${user.active ? 'badge-ok' : 'badge-muted'}`}>
            {t(user.active ? 'active' : 'inactive')}
          </span>
        </h2>
        <p class="help">{t(user.active ? 'deactivateHelp' : 'reactivateHelp')}</p>
        <PostForm action={`/admin/users/${user.id}/active`} csrfToken={csrfToken} id="active-form">
          <input type="hidden" name="active" value={user.active ? 'false' : 'true'} />
          <button type="submit" class={user.active ? 'button danger' : 'button'}>
            {t(user.active ? 'deactivateUser' : 'reactivateUser')}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
