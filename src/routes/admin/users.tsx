import type { Context } from 'hono';
import { z } from 'zod';
import { hashPassword } from '../../auth/password.js';
import type { Database } from '../../db/client.js';
import { accountLockedUntil, lockedAccounts } from '../../db/login-throttles.js';
import { findUser, LastAdmin, listUsers, type UserSummary } from '../../db/users.js';
import { ValidationFailed } from '../../domain/errors.js';
import type { AppDeps, AuthedEnv, Clock, RouteDeps } from '../../env.js';
import {
  createTenantUser,
  setUserActive,
  setUserPassword,
  unlockSignIn,
  updateTenantUser,
} from '../../services/users.js';
import {
  EditUserPage,
  NewUserPage,
  UserListPage,
  type UserNotice,
} from '../../views/admin/users.js';
import { submittedValues, type FormState, submittedFormToken } from '../../views/forms.js';
import { translator } from '../../i18n/index.js';
import { newPassword, text, uuid, validated, validatedForm } from '../validation.js';
import { adminRoutes, existingRow, formPage } from './admin.js';
import { authed, staffActorOf } from '../request.js';

const profileForm = z.object({
  name: text({ error: 'fieldRequired' }).trim().min(1, 'fieldRequired').max(100, 'nameTooLong'),
  role: z.enum(['ADMIN', 'FRONT_DESK', 'PROVIDER', 'FINANCE'], { error: 'fieldRequired' }),
  locale: z.enum(['en', 'ar'], { error: 'fieldRequired' }),
});

const newUserForm = profileForm.extend({
  email: z
    .string({ error: 'fieldRequired' })
    .trim()
    .toLowerCase()
    .min(1, 'fieldRequired')
    .max(254, 'emailInvalid')
    .pipe(z.email('emailInvalid')),
  password: newPassword,
  form_token: text().min(16).max(100),
});

const userParam = validated('param', z.object({ id: uuid }));

const listQuery = z.object({
  done: z
    .enum(['created', 'updated', 'password', 'deactivated', 'reactivated', 'unlocked'])
    .optional(),
});

function donePath(notice: UserNotice) {
  return `/admin/users?done=${notice}`;
}

function renderNew(c: Context<AuthedEnv>, form: FormState, formToken?: string) {
  const t = translator(c.get('locale'));
  const page = formPage(c, { action: '/admin/users', errors: form.errors ?? {}, formToken });
  return c.render(
    <NewUserPage form={form} csrfToken={page.csrfToken} formToken={page.formToken!} />,
    { title: t('newUser') },
  );
}

async function createFromForm(
  c: Context<AuthedEnv>,
  db: Database,
  { form_token, password, ...user }: z.infer<typeof newUserForm>,
) {
  try {
    await createTenantUser(db, staffActorOf(c), form_token, {
      ...user,
      passwordHash: await hashPassword(password),
    });
  } catch (error) {
    if (!(error instanceof ValidationFailed && error.fields)) throw error;
    const values = submittedValues(await c.req.parseBody());
    return renderNew(c, { values, errors: error.fields }, form_token);
  }
  return c.redirect(donePath('created'), 303);
}

async function renderEdit(
  c: Context<AuthedEnv>,
  { db, clock }: { db: Database; clock: Clock },
  status: 200 | 409 | 422,
  forms: { profile?: FormState; password?: FormState; conflict?: 'lastAdmin' } = {},
) {
  const user = await existingRow(c, db, findUser, 'userNotFound');
  const lockedUntil = await accountLockedUntil(db, user.email, clock());
  c.status(status);
  return c.render(
    <EditUserPage
      csrfToken={c.var.auth.session.csrfToken}
      user={user}
      lockedUntil={lockedUntil}
      timezone={c.var.auth.tenant.timezone}
      profile={forms.profile ?? { values: profileValues(user) }}
      password={forms.password ?? { values: {} }}
      conflict={forms.conflict}
    />,
    { title: translator(c.get('locale'))('editUser') },
  );
}

/** The last active admin stays one: the page again, saying why (409). */
async function refusedIfLastAdmin(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  change: () => Promise<void>,
) {
  try {
    await change();
    return null;
  } catch (error) {
    if (error instanceof LastAdmin) return renderEdit(c, deps, 409, { conflict: 'lastAdmin' });
    throw error;
  }
}

/** The centre's users (ADMIN only): create, edit role and language, reset, deactivate. */
export function userAdminRoutes(deps: RouteDeps) {
  const { db, clock } = deps;
  const routes = adminRoutes();

  routes.get('/', validated('query', listQuery), async (c) => {
    const t = translator(c.get('locale'));
    const users = await listUsers(db, c.var.auth.tenant.id);
    const locked = await lockedAccounts(
      db,
      users.map((user) => user.email),
      clock(),
    );
    return c.render(
      <UserListPage users={users} locked={locked} done={c.req.valid('query').done} />,
      { title: t('users') },
    );
  });

  routes.get('/new', (c) =>
    renderNew(c, { values: { role: 'FRONT_DESK', locale: c.get('locale') } }),
  );

  routes.post(
    '/',
    validatedForm(newUserForm, (c, errors, submitted) =>
      renderNew(
        authed(c),
        { values: submittedValues(submitted), errors },
        submittedFormToken(submitted),
      ),
    ),
    (c) => createFromForm(c, db, c.req.valid('form')),
  );

  routes.get('/:id', userParam, (c) => renderEdit(c, deps, 200));

  routes.post(
    '/:id',
    userParam,
    validatedForm(profileForm, (c, errors, submitted) =>
      renderEdit(authed(c), deps, 422, {
        profile: { values: submittedValues(submitted), errors },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const refused = await refusedIfLastAdmin(c, deps, () =>
        updateTenantUser(deps, staffActorOf(c), id, c.req.valid('form')),
      );
      return refused ?? c.redirect(donePath('updated'), 303);
    },
  );

  routes.post(
    '/:id/password',
    userParam,
    validatedForm(z.object({ password: newPassword }), (c, errors) =>
      renderEdit(authed(c), deps, 422, { password: { values: {}, errors } }),
    ),
    async (c) => {
      const passwordHash = await hashPassword(c.req.valid('form').password);
      await setUserPassword(deps, staffActorOf(c), c.req.valid('param').id, passwordHash);
      return c.redirect(donePath('password'), 303);
    },
  );

  routes.post(
    '/:id/active',
    userParam,
    validated('form', z.object({ active: z.enum(['true', 'false']) })),
    async (c) => {
      const active = c.req.valid('form').active === 'true';
      const refused = await refusedIfLastAdmin(c, deps, () =>
        setUserActive(deps, staffActorOf(c), c.req.valid('param').id, active),
      );
      return refused ?? c.redirect(donePath(active ? 'reactivated' : 'deactivated'), 303);
    },
  );

  routes.post('/:id/unlock', userParam, async (c) => {
    await unlockSignIn(db, staffActorOf(c), c.req.valid('param').id);
    return c.redirect(donePath('unlocked'), 303);
  });

  return routes;
}

function profileValues(user: UserSummary): FormState['values'] {
  return { name: user.name, role: user.role, locale: user.locale };
}
