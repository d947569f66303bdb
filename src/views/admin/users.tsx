import type { UserSummary } from '../../db/users.js';
import type { Role } from '../../db/schema.js';
import {
  Form,
  FormActions,
  PasswordField,
  SelectField,
  TextField,
  type FormState,
  type Option,
} from '../forms.js';
import { roleKey, type MessageKey, type Translate } from '../../i18n/index.js';
import { formatTime } from '../format.js';
import { useLocale, useT } from '../request-context.js';

export const USER_LIST_ID = 'user-list';
const ROLES: Role[] = ['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE'];

export type UserNotice =
  'created' | 'updated' | 'password' | 'deactivated' | 'reactivated' | 'unlocked';
const NOTICES: Record<UserNotice, MessageKey> = {
  created: 'userCreated',
  updated: 'userUpdated',
  password: 'passwordWasReset',
  deactivated: 'userDeactivated',
  reactivated: 'userReactivated',
  unlocked: 'signInUnlocked',
};

function roleOptions(t: Translate): Option[] {
  return ROLES.map((role) => ({ value: role, label: t(roleKey(role)) }));
}

function localeOptions(t: Translate): Option[] {
  return [
    { value: 'en', label: t('locale_en') },
    { value: 'ar', label: t('locale_ar') },
  ];
}

export function UserListPage(props: {
  users: UserSummary[];
  /** Emails some address cannot sign in to now. */
  locked: Set<string>;
  done?: UserNotice;
}) {
  const t = useT();
  const { users, locked, done } = props;
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
                  </span>{' '}
                  {locked.has(user.email) && (
                    <span class="badge badge-warn">{t('signInLocked')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ProfileFields({ form }: { form: FormState }) {
  const t = useT();
  return (
    <>
      <TextField
        value={form.values.name}
        errors={form.errors}
        name="name"
        id="user-name"
        label={t('name')}
        required
        autofocus
      />
      <div class="field-row">
        <SelectField
          value={form.values.role}
          errors={form.errors}
          name="role"
          id="user-role"
          label={t('role')}
          options={roleOptions(t)}
        />
        <SelectField
          value={form.values.locale}
          errors={form.errors}
          name="locale"
          id="user-locale"
          label={t('locale')}
          options={localeOptions(t)}
        />
      </div>
    </>
  );
}

export function NewUserPage(props: { form: FormState; formToken: string; csrfToken: string }) {
  const t = useT();
  const { form } = props;
  return (
    <section class="card" aria-labelledby="new-user-title">
      <h1 id="new-user-title">{t('newUser')}</h1>
      <Form
        action="/admin/users"
        csrfToken={props.csrfToken}
        formToken={props.formToken}
        id="user-form"
        errors={form.errors}
      >
        <ProfileFields form={form} />
        <TextField
          value={form.values.email}
          errors={form.errors}
          name="email"
          id="user-email"
          label={t('email')}
          type="email"
          required
          autocomplete="off"
          dir="ltr"
        />
        <PasswordField
          errors={form.errors}
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
      </Form>
    </section>
  );
}

/** One user: profile and role, a password reset, and (de)activation; each its own form. */
export function EditUserPage(props: {
  user: UserSummary;
  /** Until when some address cannot sign in to the account; null when none is locked out. */
  lockedUntil: Date | null;
  /** The centre's, for the lock's time. */
  timezone: string;
  csrfToken: string;
  profile: FormState;
  password: FormState;
  /** Refused: the last active admin would be demoted or deactivated. */
  conflict?: MessageKey;
}) {
  const t = useT();
  const { user, csrfToken } = props;
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
        <Form
          action={`/admin/users/${user.id}`}
          csrfToken={csrfToken}
          id="user-form"
          errors={props.profile.errors}
        >
          <ProfileFields form={props.profile} />
          <FormActions
            submitLabel={t('saveChanges')}
            cancelLabel={t('cancel')}
            cancelHref="/admin/users"
          />
        </Form>
      </section>
      <section class="card" aria-labelledby="reset-password-title">
        <h2 id="reset-password-title">{t('resetPassword')}</h2>
        <p class="help">{t('resetPasswordHelp')}</p>
        <Form
          action={`/admin/users/${user.id}/password`}
          csrfToken={csrfToken}
          id="reset-password-form"
        >
          <PasswordField
            errors={props.password.errors}
            name="password"
            id="reset-password"
            label={t('newTemporaryPassword')}
            autocomplete="new-password"
          />
          <button type="submit" class="button">
            {t('resetPassword')}
          </button>
        </Form>
      </section>
      <SignInLock
        userId={user.id}
        lockedUntil={props.lockedUntil}
        timezone={props.timezone}
        csrfToken={csrfToken}
      />
      <section class="card" aria-labelledby="account-status-title">
        <h2 id="account-status-title">
          {t('accountStatus')}:{' '}
          <span class={`badge ${user.active ? 'badge-ok' : 'badge-muted'}`}>
            {t(user.active ? 'active' : 'inactive')}
          </span>
        </h2>
        <p class="help">{t(user.active ? 'deactivateHelp' : 'reactivateHelp')}</p>
        <Form action={`/admin/users/${user.id}/active`} csrfToken={csrfToken} id="active-form">
          <input type="hidden" name="active" value={user.active ? 'false' : 'true'} />
          <button type="submit" class={user.active ? 'button danger' : 'button'}>
            {t(user.active ? 'deactivateUser' : 'reactivateUser')}
          </button>
        </Form>
      </section>
    </div>
  );
}

function SignInLock(props: {
  userId: string;
  lockedUntil: Date | null;
  timezone: string;
  csrfToken: string;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <section class="card" aria-labelledby="sign-in-lock-title" id="sign-in-lock">
      <h2 id="sign-in-lock-title">{t('signInLock')}</h2>
      {props.lockedUntil ? (
        <>
          <p>
            <span class="badge badge-warn">{t('signInLocked')}</span>{' '}
            {t('signInLockedUntil', {
              time: formatTime(props.lockedUntil, props.timezone, locale),
            })}
          </p>
          <p class="help">{t('unlockSignInHelp')}</p>
          <Form
            action={`/admin/users/${props.userId}/unlock`}
            csrfToken={props.csrfToken}
            id="unlock-form"
          >
            <button type="submit" class="button">
              {t('unlockSignIn')}
            </button>
          </Form>
        </>
      ) : (
        <p class="help">{t('signInNotLocked')}</p>
      )}
    </section>
  );
}
