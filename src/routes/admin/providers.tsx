import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
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
  submittedFormToken,
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
import { translator } from '../../i18n/index.js';
import {
  blankAsMissing,
  calendarDate,
  fieldErrorsOf,
  text,
  uuid,
  validated,
  validatedForm,
} from '../validation.js';
import {
  adminRoutes,
  existingRow,
  fieldsOfRefusal,
  formPage,
  formTokenField,
  idParam,
  listField,
  nameField,
} from './admin.js';
import { actorOf, authed } from '../request.js';

const LIST = '/admin/providers';
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

const keepField = z
  .literal('on')
  .optional()
  .transform((value) => value === 'on');

const providerForm = z.object({
  name_en: nameField,
  name_ar: nameField,
  user_id: blankAsMissing(z.uuid('providerUserInvalid')).transform((value) => value ?? null),
  clinic_ids: listField(z.uuid('clinicChoiceInvalid')),
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

/** An order between two fields is checked once both are well-formed (zod 4 would go on). */
const wellFormed =
  (...fields: string[]) =>
  (payload: z.core.ParsePayload) =>
    !payload.issues.some((issue) => fields.includes(String(issue.path?.[0])));

/** 'HH:MM' (what a time input sends), or with seconds. */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'timeInvalid');

/** One range of a day: both times well-formed, the end after the start. */
const hoursRange = z
  .object({ start: timeOfDay, end: timeOfDay })
  .refine((range) => range.start < range.end, {
    path: ['end'],
    message: 'timeOrderInvalid',
    when: wellFormed('start', 'end'),
  });

/**
 * The week as the form shows it (ranges by weekday) → weekly hours. A range that overlaps an
 * earlier well-formed one of its day is refused at its start, even when other ranges are wrong.
 */
const weeklyHoursForm = z
  .array(z.array(hoursRange))
  .superRefine(
    (week, ctx) => {
      const ranges = week.flatMap((ranges, weekday) =>
        ranges.flatMap((range, index) =>
          hoursRange.safeParse(range).success
            ? [{ weekday, start_time: range.start, end_time: range.end, index }]
            : [],
        ),
      );
      for (const overlapping of overlappingRanges(ranges)) {
        const { weekday, index } = ranges[overlapping]!;
        ctx.addIssue({
          code: 'custom',
          path: [weekday, index, 'start'],
          message: 'timeRangeOverlap',
        });
      }
    },
    { when: () => true },
  )
  .transform((week): WorkingHours[] =>
    week.flatMap((ranges, weekday) =>
      ranges.map((range) => ({ weekday, start_time: range.start, end_time: range.end })),
    ),
  );

/** The submitted `start_<weekday>[]` / `end_<weekday>[]` as ranges; empty rows are dropped. */
function scheduleValuesFrom(submitted: Submitted): { start: string; end: string }[][] {
  return WEEKDAYS.map((weekday) => {
    const starts = submittedList(submitted, `start_${weekday}[]`);
    const ends = submittedList(submitted, `end_${weekday}[]`);
    return Array.from({ length: Math.max(starts.length, ends.length) }, (_, index) => ({
      start: starts[index]?.trim() ?? '',
      end: ends[index]?.trim() ?? '',
    })).filter((range) => range.start || range.end);
  });
}

/** Errors at [weekday, row, 'start' | 'end'] are the inputs `start_<weekday>_<row>`, …. */
function scheduleErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const [weekday, row, field] = issue.path;
    errors[`${String(field)}_${String(weekday)}_${String(row)}`] ??= issue.message;
  }
  return errors;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** A `datetime-local` value as a moment in the centre's time zone, on a calendar day we serve. */
function localDateTime(timezone: string) {
  return z
    .string()
    .regex(LOCAL_DATE_TIME, 'dateTimeInvalid')
    .refine((local) => calendarDate.safeParse(local.slice(0, 10)).success, 'dateTimeInvalid')
    .transform((local) => DateTime.fromISO(local, { zone: timezone }))
    .refine((moment) => moment.isValid, 'dateTimeInvalid');
}

function timeOffForm(timezone: string) {
  return z
    .object({
      form_token: formTokenField,
      starts_at: localDateTime(timezone),
      ends_at: localDateTime(timezone),
      reason: text().trim().max(200, 'valueTooLong'),
      keep_appointments: keepField,
    })
    .refine((form) => form.ends_at > form.starts_at, {
      path: ['ends_at'],
      message: 'timeOrderInvalid',
      when: wellFormed('starts_at', 'ends_at'),
    });
}

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

function existingProvider(c: Context<AuthedEnv>, db: Database) {
  return existingRow(c, db, findAdminProvider, 'providerNotFound');
}

function statusFor(c: Context<AuthedEnv>, errors: FieldErrors, stranded?: unknown[]) {
  if (stranded?.length) c.status(409);
  else if (Object.keys(errors).length > 0) c.status(422);
}

async function renderProviderForm(
  c: Context<AuthedEnv>,
  db: Database,
  form: {
    provider?: AdminProvider;
    values: ProviderFormValues;
    errors: FieldErrors;
    formToken?: string;
    stranded?: LiveAppointment[];
  },
) {
  const { tenant } = c.var.auth;
  const locale = c.get('locale');
  const t = translator(locale);
  const { provider } = form;
  const title = provider
    ? t('editProvider', { name: localName(provider, locale) })
    : t('newProvider');
  const page = formPage(c, { action: LIST, id: provider?.id, ...form });
  statusFor(c, form.errors, form.stranded);
  return c.render(
    <ProviderFormPage
      locale={locale}
      timezone={tenant.timezone}
      title={title}
      {...page}
      providerId={provider?.id}
      clinics={await listClinics(db, tenant.id)}
      users={await listLinkableUsers(db, tenant.id, provider?.id ?? null)}
      values={form.values}
      stranded={form.stranded}
    />,
    { title },
  );
}

async function renderProviders(c: Context<AuthedEnv>, db: Database) {
  const locale = c.get('locale');
  const t = translator(locale);
  const providers = await listAdminProviders(db, c.var.auth.tenant.id);
  return c.render(<ProvidersPage locale={locale} providers={providers} />, {
    title: t('providersTitle'),
  });
}

async function createFromForm(
  c: Context<AuthedEnv>,
  db: Database,
  { form_token, ...values }: z.infer<typeof newProviderForm>,
) {
  try {
    await db
      .transaction()
      .execute((trx) => createProvider(trx, c.var.auth.tenant.id, actorOf(c), form_token, values));
  } catch (error) {
    return renderProviderForm(c, db, {
      values: { ...values, user_id: values.user_id ?? '' },
      errors: fieldsOfRefusal(error),
      formToken: form_token,
    });
  }
  return c.redirect(LIST, 303);
}

async function renderEditForm(c: Context<AuthedEnv>, db: Database) {
  const provider = await existingProvider(c, db);
  return renderProviderForm(c, db, {
    provider,
    values: {
      ...provider,
      user_id: provider.user_id ?? '',
      clinic_ids: provider.clinics.map((clinic) => clinic.id),
    },
    errors: {},
  });
}

async function updateFromForm(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  { keep_appointments, ...values }: z.infer<typeof providerForm>,
) {
  const { tenant } = c.var.auth;
  const provider = await existingProvider(c, db);
  try {
    await db.transaction().execute((trx) =>
      updateProvider(trx, tenant, actorOf(c), provider.id, values, {
        now: clock(),
        keepAppointments: keep_appointments,
      }),
    );
  } catch (error) {
    return renderProviderForm(c, db, {
      provider,
      values: { ...values, user_id: values.user_id ?? '' },
      ...refusalOf(error),
    });
  }
  return c.redirect(LIST, 303);
}

function renderSchedule(
  c: Context<AuthedEnv>,
  provider: AdminProvider,
  form: { values: ScheduleFormValues; errors: FieldErrors; stranded?: LiveAppointment[] },
) {
  const { tenant, session } = c.var.auth;
  const locale = c.get('locale');
  const t = translator(locale);
  const title = t('weeklyScheduleOf', { name: localName(provider, locale) });
  statusFor(c, form.errors, form.stranded);
  return c.render(
    <SchedulePage
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
}

async function renderCurrentSchedule(c: Context<AuthedEnv>, db: Database) {
  const provider = await existingProvider(c, db);
  const values: ScheduleFormValues = {};
  for (const range of provider.hours) {
    (values[range.weekday] ??= []).push({ start: range.start_time, end: range.end_time });
  }
  return renderSchedule(c, provider, { values, errors: {} });
}

async function saveSchedule(c: Context<AuthedEnv>, { db, clock }: AppDeps) {
  const provider = await existingProvider(c, db);
  const submitted = await c.req.parseBody({ all: true });
  const values = scheduleValuesFrom(submitted);
  const week = weeklyHoursForm.safeParse(values);
  if (!week.success) {
    return renderSchedule(c, provider, { values, errors: scheduleErrorsOf(week.error) });
  }
  try {
    await db.transaction().execute((trx) =>
      replaceWeeklyHours(trx, c.var.auth.tenant, actorOf(c), provider.id, week.data, {
        now: clock(),
        keepAppointments: submitted.keep_appointments === 'on',
      }),
    );
  } catch (error) {
    return renderSchedule(c, provider, { values, ...refusalOf(error) });
  }
  return c.redirect(LIST, 303);
}

async function renderTimeOff(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  provider: AdminProvider,
  form: {
    values: TimeOffFormValues;
    errors: FieldErrors;
    formToken?: string;
    stranded?: LiveAppointment[];
  },
) {
  const { tenant, session } = c.var.auth;
  const locale = c.get('locale');
  const t = translator(locale);
  const title = t('timeOffOf', { name: localName(provider, locale) });
  statusFor(c, form.errors, form.stranded);
  return c.render(
    <TimeOffPage
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
}

/** The form is read in the centre's time zone, so it is parsed here rather than by a middleware. */
async function addTimeOffFromForm(c: Context<AuthedEnv>, deps: AppDeps) {
  const { db, clock } = deps;
  const provider = await existingProvider(c, db);
  const { tenant } = c.var.auth;
  // every value as sent, so a field sent twice is refused rather than read as its last copy
  const submitted = await c.req.parseBody({ all: true });
  const values = timeOffValuesFrom(submitted);
  const parsed = timeOffForm(tenant.timezone).safeParse(submitted);
  if (!parsed.success) {
    return renderTimeOff(c, deps, provider, {
      values,
      errors: fieldErrorsOf(parsed.error),
      formToken: submittedFormToken(submitted),
    });
  }
  const form = parsed.data;
  try {
    await db.transaction().execute((trx) =>
      addTimeOff(
        trx,
        tenant.id,
        actorOf(c),
        form.form_token,
        provider.id,
        {
          starts_at: form.starts_at.toJSDate(),
          ends_at: form.ends_at.toJSDate(),
          reason: form.reason,
        },
        { now: clock(), keepAppointments: form.keep_appointments },
      ),
    );
  } catch (error) {
    return renderTimeOff(c, deps, provider, {
      values,
      formToken: form.form_token,
      ...refusalOf(error),
    });
  }
  return c.redirect(`${LIST}/${provider.id}/time-off`, 303);
}

/**
 * Providers (ADMIN): list, new, edit (names, clinics, linked user), weekly hours and time off.
 * A change that would strand live appointments is refused with their list (409) unless the
 * form is sent again with "keep these appointments" ticked.
 */
export function adminProviderRoutes(deps: AppDeps) {
  const { db } = deps;
  const routes = adminRoutes();

  routes.get('/', (c) => renderProviders(c, db));

  routes.get('/new', (c) =>
    renderProviderForm(c, db, {
      values: { name_en: '', name_ar: '', user_id: '', clinic_ids: [] },
      errors: {},
    }),
  );

  routes.post(
    '/',
    validatedForm(newProviderForm, (c, errors, submitted) =>
      renderProviderForm(authed(c), db, {
        values: providerValuesFrom(submitted),
        errors,
        formToken: submittedFormToken(submitted),
      }),
    ),
    (c) => createFromForm(c, db, c.req.valid('form')),
  );

  routes.get('/:id/edit', validated('param', idParam), (c) => renderEditForm(c, db));

  routes.post(
    '/:id',
    validated('param', idParam),
    validatedForm(providerForm, async (c, errors, submitted) =>
      renderProviderForm(authed(c), db, {
        provider: await existingProvider(authed(c), db),
        values: providerValuesFrom(submitted),
        errors,
      }),
    ),
    (c) => updateFromForm(c, deps, c.req.valid('form')),
  );

  routes.get('/:id/schedule', validated('param', idParam), (c) => renderCurrentSchedule(c, db));

  routes.post('/:id/schedule', validated('param', idParam), (c) => saveSchedule(c, deps));

  routes.get('/:id/time-off', validated('param', idParam), async (c) =>
    renderTimeOff(c, deps, await existingProvider(c, db), {
      values: { starts_at: '', ends_at: '', reason: '' },
      errors: {},
    }),
  );

  routes.post('/:id/time-off', validated('param', idParam), (c) => addTimeOffFromForm(c, deps));

  routes.post(
    '/:id/time-off/:timeOffId/remove',
    validated('param', z.object({ id: uuid, timeOffId: uuid })),
    async (c) => {
      const { id, timeOffId } = c.req.valid('param');
      await db
        .transaction()
        .execute((trx) => removeTimeOff(trx, c.var.auth.tenant.id, actorOf(c), id, timeOffId));
      return c.redirect(`${LIST}/${id}/time-off`, 303);
    },
  );

  return routes;
}
