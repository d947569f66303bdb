import type { Context } from 'hono';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import {
  findTenantSettings,
  isSupportedCurrency,
  isSupportedTimeZone,
  supportedTimeZones,
  type TenantSettings,
} from '../../db/tenants.js';
import {
  fractionToPercent,
  isCountryCode,
  PERCENT_PATTERN,
  percentToFraction,
  SAUDI_VAT_NUMBER,
  TIME_OF_DAY_PATTERN,
} from '../../domain/tenant-settings.js';
import type { AuthedEnv, RouteDeps } from '../../env.js';
import { updateTenantSettings } from '../../services/tenants.js';
import { SettingsPage } from '../../views/admin/settings.js';
import { submittedList, submittedValues, type FormState } from '../../views/forms.js';
import { translator } from '../../i18n/index.js';
import { text, validated, validatedForm } from '../validation.js';
import { adminRoutes, listField } from './admin.js';
import { authed, staffActorOf } from '../request.js';

const CHANNELS = ['log', 'email', 'sms', 'whatsapp'] as const;

const timeOfDay = z
  .string({ error: 'fieldRequired' })
  .trim()
  .min(1, 'fieldRequired')
  .regex(TIME_OF_DAY_PATTERN, 'timeInvalid')
  .transform((time) => time.slice(0, 5));

/** Field messages are message keys (views/forms.tsx shows them in the page's language). */
const settingsForm = z
  .object({
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
    channels: listField(z.enum(CHANNELS)),
    /** Empty: no reminders. */
    reminder_hours_before: z
      .string({ error: 'fieldRequired' })
      .trim()
      .regex(/^\d{0,3}$/, 'reminderHoursInvalid')
      .transform((hours) => (hours === '' ? null : Number(hours)))
      .pipe(z.number().min(1, 'reminderHoursInvalid').max(168, 'reminderHoursInvalid').nullable()),
    quiet_hours_start: timeOfDay,
    quiet_hours_end: timeOfDay,
    vat_percent: z
      .string({ error: 'fieldRequired' })
      .trim()
      .min(1, 'fieldRequired')
      .regex(PERCENT_PATTERN, 'vatPercentInvalid')
      .transform(percentToFraction),
    vat_number: text({ error: 'fieldRequired' })
      .trim()
      .max(20, 'vatNumberInvalid')
      .regex(/^[A-Za-z0-9]*$/, 'vatNumberInvalid')
      .transform((number) => number.toUpperCase() || null),
    country: text({ error: 'fieldRequired' })
      .trim()
      .toUpperCase()
      .refine((code) => code === '' || isCountryCode(code), 'countryInvalid')
      .transform((code) => code || null),
  })
  .superRefine((form, context) => {
    // What a receipt needs (SPEC §7): the number of a centre that charges VAT, in its form.
    if (Number(form.vat_percent) > 0 && !form.vat_number) {
      context.addIssue({ code: 'custom', path: ['vat_number'], message: 'vatNumberRequired' });
    } else if (
      form.country === 'SA' &&
      form.vat_number &&
      !SAUDI_VAT_NUMBER.test(form.vat_number)
    ) {
      context.addIssue({ code: 'custom', path: ['vat_number'], message: 'vatNumberSaudi' });
    }
  })
  .transform(({ channels, vat_percent, ...form }): TenantSettings => ({
    ...form,
    vat_rate: vat_percent,
    log_messages: channels.includes('log'),
    email_messages: channels.includes('email'),
    sms_messages: channels.includes('sms'),
    whatsapp_messages: channels.includes('whatsapp'),
  }));

function renderSettings(
  c: Context<AuthedEnv>,
  status: 200 | 422,
  form: FormState & { channels: string[] },
  saved = false,
) {
  const t = translator(c.get('locale'));
  c.status(status);
  return c.render(
    <SettingsPage
      form={form}
      channels={form.channels}
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
    name: settings.name,
    timezone: settings.timezone,
    currency: settings.currency,
    cancellation_window_hours: String(settings.cancellation_window_hours),
    reminder_hours_before: settings.reminder_hours_before?.toString() ?? '',
    quiet_hours_start: settings.quiet_hours_start.slice(0, 5),
    quiet_hours_end: settings.quiet_hours_end.slice(0, 5),
    vat_percent: fractionToPercent(settings.vat_rate),
    vat_number: settings.vat_number ?? '',
    country: settings.country ?? '',
  };
  const channels = CHANNELS.filter((channel) => settings[`${channel}_messages`]);
  return renderSettings(c, 200, { values, channels }, saved);
}

/**
 * The centre's name, time zone, currency, cancellation window, messages to patients (channels,
 * reminder lead, quiet hours) and tax (VAT rate as a percentage, VAT number, country); ADMIN only.
 */
export function settingsRoutes(deps: RouteDeps) {
  const { db } = deps;
  const routes = adminRoutes();

  routes.get('/', validated('query', z.object({ saved: z.literal('1').optional() })), (c) =>
    renderCurrentSettings(c, db, c.req.valid('query').saved === '1'),
  );

  routes.post(
    '/',
    validatedForm(settingsForm, (c, errors, submitted) =>
      renderSettings(authed(c), 422, {
        values: submittedValues(submitted),
        channels: submittedList(submitted, 'channels'),
        errors,
      }),
    ),
    async (c) => {
      await updateTenantSettings(deps, staffActorOf(c), c.req.valid('form'), deps.clock());
      return c.redirect('/admin/settings?saved=1', 303);
    },
  );

  return routes;
}
