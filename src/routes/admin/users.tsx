import type { Context } from 'hono';
import { z } from 'zod';
import { hashPassword } from '../../auth/password.js';
import { findUser, LastAdmin, listUsers, type UserSummary } from '../../db/users.js';
import { ValidationFailed } from '../../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import {
  createTenantUser,
  setUserActive,
  setUserPassword,
  updateTenantUser,
} from '../../services/users.js';
import {
  EditUserPage,
  NewUserPage,
  UserListPage,
  type UserNotice,
} from '../../views/admin/users.js';
import { submittedText, submittedValues, type FormState } from '../../views/forms.js';
import { translator } from '../../views/i18n.js';
import { clientIp } from '../request.js';
import { newPassword, uuid, validated, validatedForm } from '../validation.js';
import { adminRoutes, existingRow, formPage } from './admin.js';

const profileForm = z.object({
  name: z.string({ error: 'fieldRequired' }).trim().min(1, 'fieldRequired').max(100, 'nameTooLong'),
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
  form_token: z.string().min(16).max(100),
});

const userParam = validated('param', z.object({ id: uuid }));

const listQuery = z.object({
  done: z.enum(['created', 'updated', 'password', 'deactivated', 'reactivated']).optional(),
});

/** The centre's users (ADMIN only): create, edit role and language, reset, deactivate. */
export function userAdminRoutes({ db }: AppDeps) {
  const routes = adminRoutes();

  const view = (c: Context<AuthedEnv>) => ({ csrfToken: c.var.auth.session.csrfToken });
  const translate = (c: Context<AuthedEnv>) => translator(c.get('locale'));
  const actor = (c: Context<AuthedEnv>) => ({
    tenantId: c.var.auth.tenant.id,
    userId: c.var.auth.user.id,
    ip: clientIp(c),
  });
  const done = (notice: UserNotice) => `/admin/users?done=${notice}`;

  routes.get('/', validated('query', listQuery), async (c) => {
    const t = translate(c);
    const users = await listUsers(db, c.var.auth.tenant.id);
    return c.render(<UserListPage users={users} done={c.req.valid('query').done} />, {
      title: t('users'),
    });
  });

  const renderNew = (c: Context<AuthedEnv>, form: FormState, formToken?: string) => {
    const t = translate(c);
    const page = formPage(c, { action: '/admin/users', errors: form.errors ?? {}, formToken });
    return c.render(
      <NewUserPage form={form} csrfToken={page.csrfToken} formToken={page.formToken!} />,
      { title: t('newUser') },
    );
  };

  routes.get('/new', (c) =>
    renderNew(c, { values: { role: 'FRONT_DESK', locale: c.get('locale') } }),
  );

  routes.post(
    '/',
    validatedForm(newUserForm, (c, errors, submitted) =>
      renderNew(
        c as Context<AuthedEnv>,
        { values: submittedValues(submitted), errors },
        submittedText(submitted, 'form_token') || undefined,
      ),
    ),
    async (c) => {
      const { form_token, password, ...user } = c.req.valid('form');
      try {
        await createTenantUser(db, actor(c), form_token, {
          ...user,
          passwordHash: await hashPassword(password),
        });
      } catch (error) {
        if (!(error instanceof ValidationFailed && error.fields)) throw error;
        const values = submittedValues(await c.req.parseBody());
        return renderNew(c, { values, errors: error.fields }, form_token);
      }
      return c.redirect(done('created'), 303);
    },
  );

  const renderEdit = async (
    c: Context<AuthedEnv>,
    status: 200 | 409 | 422,
    forms: { profile?: FormState; password?: FormState; conflict?: 'lastAdmin' } = {},
  ) => {
    const user = await existingRow(c, db, findUser, 'userNotFound');
    const props = view(c);
    c.status(status);
    return c.render(
      <EditUserPage
        {...props}
        user={user}
        profile={forms.profile ?? { values: profileValues(user) }}
        password={forms.password ?? { values: {} }}
        conflict={forms.conflict}
      />,
      { title: translate(c)('editUser') },
    );
  };

  /** The last active admin stays one: the page again, saying why (409). */
  const refusedIfLastAdmin = async (c: Context<AuthedEnv>, change: () => Promise<void>) => {
    try {
      await change();
      return null;
    } catch (error) {
      if (error instanceof LastAdmin) return renderEdit(c, 409, { conflict: 'lastAdmin' });
      throw error;
    }
  };

  routes.get('/:id', userParam, (c) => renderEdit(c, 200));

  routes.post(
    '/:id',
    userParam,
    validatedForm(profileForm, (c, errors, submitted) =>
      renderEdit(c as Context<AuthedEnv>, 422, {
        profile: { values: submittedValues(submitted), errors },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const refused = await refusedIfLastAdmin(c, () =>
        updateTenantUser(db, actor(c), id, c.req.valid('form')),
      );
      return refused ?? c.redirect(done('updated'), 303);
    },
  );

  routes.post(
    '/:id/password',
    userParam,
    validatedForm(z.object({ password: newPassword }), (c, errors) =>
      renderEdit(c as Context<AuthedEnv>, 422, { password: { values: {}, errors } }),
    ),
    async (c) => {
      const passwordHash = await hashPassword(c.req.valid('form').password);
      await setUserPassword(db, actor(c), c.req.valid('param').id, passwordHash);
      return c.redirect(done('password'), 303);
    },
  );

  routes.post(
    '/:id/active',
    userParam,
    validated('form', z.object({ active: z.enum(['true', 'false']) })),
    async (c) => {
      const active = c.req.valid('form').active === 'true';
      const refused = await refusedIfLastAdmin(c, () =>
        setUserActive(db, actor(c), c.req.valid('param').id, active),
      );
      return refused ?? c.redirect(done(active ? 'reactivated' : 'deactivated'), 303);
    },
  );

  return routes;
}

function profileValues(user: UserSummary): FormState['values'] {
  return { name: user.name, role: user.role, locale: user.locale };
}
