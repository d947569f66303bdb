import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { listClinics } from '../../db/clinics.js';
import {
  addTimeOff,
  createProvider,
  findAdminProvider,
  listAdminProviders,
  listLinkableUsers,
  listTimeOff,
  removeTimeOff,
  replaceWeeklyHours,
  updateProvider,
  type AdminProvider,
} from '../../db/providers.js';
import { NotFound } from '../../domain/errors.js';
import {
  overlappingRanges,
  StrandedAppointments,
  type LiveAppointment,
} from '../../domain/provider-changes.js';
import type { WorkingHours } from '../../domain/slots.js';
import type { AppDeps, AuthedEnv } from '../../env.js';
import {
  submittedList,
  submittedText,
  type FieldErrors,
  type Submitted,
} from '../../views/forms.js';
import {
  ProviderFormPage,
  ProvidersPage,
  SchedulePage,
  TimeOffPage,
  type ProviderFormValues,
  type ScheduleFormValues,
  type TimeOffFormValues,
} from '../../views/admin/providers.js';
import { localName } from '../../views/format.js';
import { translator } from '../../views/i18n.js';
import { blankAsMissing, uuid, validated, validatedForm } from '../validation.js';
import {
  actorOf,
  adminRoutes,
  authed,
  fieldsOfRefusal,
  formTokenField,
  idParam,
  listField,
  nameField,
} from './admin.js';

const LIST = '/admin/providers';
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

const keepField = z
  .literal('on')
  .optional()
  .transform((value) => value === 'on');

const providerForm = z.object({
  name_en: nameField,
  name_ar: nameField,
  user_id: blankAsMissing(z.uuid('errChooseUser')).transform((value) => value ?? null),
  clinic_ids: listField(z.uuid('errChooseClinic')),
  keep_appointments: keepField,
});
const newProviderForm = providerForm
  .omit({ keep_appointments: true })
  .extend({ form_token: formTokenField });

function providerValuesFrom(submitted: Submitted): ProviderFormValues {
  return {
    name_en: submittedText(submitted, 'name_en'),
    name_ar: submittedText(submitted, 'name_ar'),
    user_id: submittedText(submitted, 'user_id'),
    clinic_ids: submittedList(submitted, 'clinic_ids'),
  };
}

/** 'HH:MM' (what a time input sends), or with seconds. */
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/** Weekly hours from `start_<weekday>[]` / `end_<weekday>[]`; empty rows are dropped. */
function parseWeeklyHours(submitted: Submitted): {
  values: ScheduleFormValues;
  hours: WorkingHours[];
  errors: FieldErrors;
} {
  const values: ScheduleFormValues = {};
  const hours: (WorkingHours & { id: string })[] = [];
  const errors: FieldErrors = {};
  for (const weekday of WEEKDAYS) {
    const starts = submittedList(submitted, `start_${weekday}[]`);
    const ends = submittedList(submitted, `end_${weekday}[]`);
    values[weekday] = [];
    for (let index = 0; index < Math.max(starts.length, ends.length); index++) {
      const start = starts[index]?.trim() ?? '';
      const end = ends[index]?.trim() ?? '';
      if (!start && !end) continue;
      const row = values[weekday].push({ start, end }) - 1;
      const startId = `start_${weekday}_${row}`;
      const endId = `end_${weekday}_${row}`;
      if (!TIME.test(start)) errors[startId] = 'errTime';
      if (!TIME.test(end)) errors[endId] = 'errTime';
      else if (TIME.test(start) && start >= end) errors[endId] = 'errTimeOrder';
      if (!errors[startId] && !errors[endId]) {
        hours.push({ weekday, start_time: start, end_time: end, id: startId });
      }
    }
  }
  for (const index of overlappingRanges(hours)) errors[hours[index]!.id] = 'errTimeOverlap';
  return {
    values,
    hours: hours.map(({ weekday, start_time, end_time }) => ({ weekday, start_time, end_time })),
    errors,
  };
}

const timeOffForm = z.object({
  form_token: formTokenField,
  starts_at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'errDateTime'),
  ends_at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'errDateTime'),
  reason: z.string().trim().max(200, 'errTooLong'),
  keep_appointments: keepField,
});

function timeOffValuesFrom(submitted: Submitted): TimeOffFormValues {
  return {
    starts_at: submittedText(submitted, 'starts_at'),
    ends_at: submittedText(submitted, 'ends_at'),
    reason: submittedText(submitted, 'reason'),
  };
}

/** A refused change: field errors to show, or the appointments it would strand. */
function refusalOf(error: unknown): { errors: FieldErrors; stranded?: LiveAppointment[] } {
  if (error instanceof StrandedAppointments) return { errors: {}, stranded: error.appointments };
  return { errors: fieldsOfRefusal(error) };
}

/**
 * Providers (ADMIN): list, new, edit (names, clinics, linked user), weekly hours and time off.
 * A change that would strand live appointments is refused with their list (409) unless the
 * form is sent again with "keep these appointments" ticked.
 */
export function adminProviderRoutes({ db, clock }: AppDeps) {
  const routes = adminRoutes();

  const existing = async (c: Context<AuthedEnv>): Promise<AdminProvider> => {
    const provider = await findAdminProvider(db, c.var.auth.tenant.id, c.req.param('id') ?? '');
    if (!provider) throw new NotFound('Provider not found.');
    return provider;
  };

  const statusFor = (c: Context<AuthedEnv>, errors: FieldErrors, stranded?: unknown[]) => {
    if (stranded?.length) c.status(409);
    else if (Object.keys(errors).length > 0) c.status(422);
  };

  const renderForm = async (
    c: Context<AuthedEnv>,
    form: {
      provider?: AdminProvider;
      values: ProviderFormValues;
      errors: FieldErrors;
      formToken?: string;
      stranded?: LiveAppointment[];
    },
  ) => {
    const { tenant, session } = c.var.auth;
    const locale = c.get('locale');
    const t = translator(locale);
    const { provider } = form;
    const title = provider
      ? t('editProvider', { name: localName(provider, locale) })
      : t('newProvider');
    statusFor(c, form.errors, form.stranded);
    return c.render(
      <ProviderFormPage
        t={t}
        locale={locale}
        timezone={tenant.timezone}
        title={title}
        action={provider ? `${LIST}/${provider.id}` : LIST}
        csrfToken={session.csrfToken}
        formToken={provider ? undefined : (form.formToken ?? randomUUID())}
        providerId={provider?.id}
        clinics={await listClinics(db, tenant.id)}
        users={await listLinkableUsers(db, tenant.id, provider?.id ?? null)}
        values={form.values}
        errors={form.errors}
        stranded={form.stranded}
      />,
      { title },
    );
  };

  routes.get('/', async (c) => {
    const locale = c.get('locale');
    const t = translator(locale);
    const providers = await listAdminProviders(db, c.var.auth.tenant.id);
    return c.render(<ProvidersPage t={t} locale={locale} providers={providers} />, {
      title: t('providersTitle'),
    });
  });

  routes.get('/new', (c) =>
    renderForm(c, {
      values: { name_en: '', name_ar: '', user_id: '', clinic_ids: [] },
      errors: {},
    }),
  );

  routes.post(
    '/',
    validatedForm(newProviderForm, (c, errors, submitted) =>
      renderForm(authed(c), {
        values: providerValuesFrom(submitted),
        errors,
        formToken: submittedText(submitted, 'form_token') || undefined,
      }),
    ),
    async (c) => {
      const { form_token, ...values } = c.req.valid('form');
      try {
        await createProvider(db, c.var.auth.tenant.id, actorOf(c), form_token, values);
      } catch (error) {
        return renderForm(c, {
          values: { ...values, user_id: values.user_id ?? '' },
          errors: fieldsOfRefusal(error),
          formToken: form_token,
        });
      }
      return c.redirect(LIST, 303);
    },
  );

  routes.get('/:id/edit', validated('param', idParam), async (c) => {
    const provider = await existing(c);
    return renderForm(c, {
      provider,
      values: {
        ...provider,
        user_id: provider.user_id ?? '',
        clinic_ids: provider.clinics.map((clinic) => clinic.id),
      },
      errors: {},
    });
  });

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(providerForm, async (c, errors, submitted) =>
      renderForm(authed(c), {
        provider: await existing(authed(c)),
        values: providerValuesFrom(submitted),
        errors,
      }),
    ),
    async (c) => {
      const { keep_appointments, ...values } = c.req.valid('form');
      const { tenant } = c.var.auth;
      const provider = await existing(c);
      try {
        await updateProvider(db, tenant, actorOf(c), provider.id, values, {
          now: clock(),
          keepAppointments: keep_appointments,
        });
      } catch (error) {
        return renderForm(c, {
          provider,
          values: { ...values, user_id: values.user_id ?? '' },
          ...refusalOf(error),
        });
      }
      return c.redirect(LIST, 303);
    },
  );

  const renderSchedule = async (
    c: Context<AuthedEnv>,
    provider: AdminProvider,
    form: { values: ScheduleFormValues; errors: FieldErrors; stranded?: LiveAppointment[] },
  ) => {
    const { tenant, session } = c.var.auth;
    const locale = c.get('locale');
    const t = translator(locale);
    const title = t('weeklyScheduleOf', { name: localName(provider, locale) });
    statusFor(c, form.errors, form.stranded);
    return c.render(
      <SchedulePage
        t={t}
        locale={locale}
        timezone={tenant.timezone}
        title={title}
        action={`${LIST}/${provider.id}/schedule`}
        csrfToken={session.csrfToken}
        values={form.values}
        errors={form.errors}
        stranded={form.stranded}
      />,
      { title },
    );
  };

  routes.get('/:id/schedule', validated('param', idParam), async (c) => {
    const provider = await existing(c);
    const values: ScheduleFormValues = {};
    for (const range of provider.hours) {
      (values[range.weekday] ??= []).push({ start: range.start_time, end: range.end_time });
    }
    return renderSchedule(c, provider, { values, errors: {} });
  });

  routes.post('/:id/schedule', validated('param', idParam), async (c) => {
    const provider = await existing(c);
    const submitted = await c.req.parseBody({ all: true });
    const { values, hours, errors } = parseWeeklyHours(submitted);
    if (Object.keys(errors).length > 0) return renderSchedule(c, provider, { values, errors });
    try {
      await replaceWeeklyHours(db, c.var.auth.tenant, actorOf(c), provider.id, hours, {
        now: clock(),
        keepAppointments: submitted.keep_appointments === 'on',
      });
    } catch (error) {
      return renderSchedule(c, provider, { values, ...refusalOf(error) });
    }
    return c.redirect(LIST, 303);
  });

  const renderTimeOff = async (
    c: Context<AuthedEnv>,
    provider: AdminProvider,
    form: {
      values: TimeOffFormValues;
      errors: FieldErrors;
      formToken?: string;
      stranded?: LiveAppointment[];
    },
  ) => {
    const { tenant, session } = c.var.auth;
    const locale = c.get('locale');
    const t = translator(locale);
    const title = t('timeOffOf', { name: localName(provider, locale) });
    statusFor(c, form.errors, form.stranded);
    return c.render(
      <TimeOffPage
        t={t}
        locale={locale}
        timezone={tenant.timezone}
        title={title}
        providerId={provider.id}
        csrfToken={session.csrfToken}
        formToken={form.formToken ?? randomUUID()}
        timeOff={await listTimeOff(db, tenant.id, provider.id, clock())}
        values={form.values}
        errors={form.errors}
        stranded={form.stranded}
      />,
      { title },
    );
  };

  routes.get('/:id/time-off', validated('param', idParam), async (c) =>
    renderTimeOff(c, await existing(c), {
      values: { starts_at: '', ends_at: '', reason: '' },
      errors: {},
    }),
  );

  routes.post(
    '/:id/time-off',
    validated('param', idParam),
    validatedForm(timeOffForm, async (c, errors, submitted) =>
      renderTimeOff(authed(c), await existing(authed(c)), {
        values: timeOffValuesFrom(submitted),
        errors,
        formToken: submittedText(submitted, 'form_token') || undefined,
      }),
    ),
    async (c) => {
      const provider = await existing(c);
      const { tenant } = c.var.auth;
      const form = c.req.valid('form');
      const values = { starts_at: form.starts_at, ends_at: form.ends_at, reason: form.reason };
      const inZone = (local: string) => DateTime.fromISO(local, { zone: tenant.timezone });
      const start = inZone(form.starts_at);
      const end = inZone(form.ends_at);
      const errors: FieldErrors = {};
      if (!start.isValid) errors.starts_at = 'errDateTime';
      if (!end.isValid) errors.ends_at = 'errDateTime';
      else if (start.isValid && end <= start) errors.ends_at = 'errTimeOrder';
      if (Object.keys(errors).length > 0) {
        return renderTimeOff(c, provider, { values, errors, formToken: form.form_token });
      }
      try {
        await addTimeOff(
          db,
          tenant.id,
          actorOf(c),
          form.form_token,
          provider.id,
          { starts_at: start.toJSDate(), ends_at: end.toJSDate(), reason: form.reason },
          { now: clock(), keepAppointments: form.keep_appointments },
        );
      } catch (error) {
        return renderTimeOff(c, provider, {
          values,
          formToken: form.form_token,
          ...refusalOf(error),
        });
      }
      return c.redirect(`${LIST}/${provider.id}/time-off`, 303);
    },
  );

  routes.post(
    '/:id/time-off/:timeOffId/remove',
    validated('param', z.object({ id: uuid, timeOffId: uuid })),
    async (c) => {
      const { id, timeOffId } = c.req.valid('param');
      await removeTimeOff(db, c.var.auth.tenant.id, actorOf(c), id, timeOffId);
      return c.redirect(`${LIST}/${id}/time-off`, 303);
    },
  );

  return routes;
}
