import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import {
  findTenantSettings,
  isSupportedCurrency,
  isSupportedTimeZone,
  supportedTimeZones,
} from '../../db/tenants.js';
import type { AuthedEnv, RouteDeps } from '../../env.js';
import { updateTenantSettings } from '../../services/tenants.js';
import { SettingsPage } from '../../views/admin/settings.js';
import { submittedValues, type FormState } from '../../views/forms.js';
import { translator } from '../../i18n/index.js';
import { text, validated, validatedForm } from '../validation.js';
import { adminRoutes } from './admin.js';
import { authed, staffActorOf } from '../request.js';

const settingsForm = z.object({
  name: text({ error: 'fieldRequired' }).trim().min(1, 'fieldRequired').max(100, 'nameTooLong'),
  timezone: z.string({ error: 'timezoneInvalid' }).refine(isSupportedTimeZone, 'timezoneInvalid'),
  currency: z
    .string({ error: 'fieldRequired' })
    .trim()
    .toUpperCase()
    .min(1, 'fieldRequired')
    .refine(isSupportedCurrency, 'currencyInvalid'),
  cancellation_window_hours: z
    .string({ error: 'fieldRequired' })
    .trim()
    .min(1, 'fieldRequired')
    .regex(/^\d{1,3}$/, 'hoursInvalid')
    .transform(Number)
    .pipe(z.number().max(168, 'hoursInvalid')),
});

function renderSettings(c: Context<AuthedEnv>, status: 200 | 422, form: FormState, saved = false) {
  const t = translator(c.get('locale'));
  c.status(status);
  return c.render(
    <SettingsPage
      form={form}
      timeZones={supportedTimeZones()}
      csrfToken={c.var.auth.session.csrfToken}
      saved={saved}
    />,
    { title: t('centreSettings') },
  );
}

async function renderCurrentSettings(c: Context<AuthedEnv>, db: Database, saved: boolean) {
  const settings = await findTenantSettings(db, c.var.auth.tenant.id);
  const values = {
    ...settings,
    cancellation_window_hours: String(settings.cancellation_window_hours),
  };
  return renderSettings(c, 200, { values }, saved);
}

/** The centre's name, time zone, currency and cancellation window (ADMIN only). */
export function settingsRoutes(deps: RouteDeps) {
  const { db } = deps;
  const routes = adminRoutes();

  routes.get('/', validated('query', z.object({ saved: z.literal('1').optional() })), (c) =>
    renderCurrentSettings(c, db, c.req.valid('query').saved === '1'),
  );

  routes.post(
    '/',
    validatedForm(settingsForm, (c, errors, submitted) =>
      renderSettings(authed(c), 422, { values: submittedValues(submitted), errors }),
    ),
    async (c) => {
      await updateTenantSettings(deps, staffActorOf(c), c.req.valid('form'));
      return c.redirect('/admin/settings?saved=1', 303);
    },
  );

  return routes;
}
