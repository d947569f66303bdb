import { z } from 'zod';
import type { ProviderOption } from '../db/providers.js';
import type { ServiceOption } from '../db/services.js';
import { addDays } from '../domain/dates.js';
import { MAX_COURSE_SESSIONS, weekdayOf, weeklyDates } from '../domain/series.js';
import { wallClockInstant } from '../domain/slots.js';
import type { CourseFormValues } from '../views/appointments/course-booking.js';
import { WEEKDAYS } from '../views/appointments/course-booking.js';
import type { FieldErrors } from '../views/forms.js';
import { calendarDate, fieldErrorsOf, instant, text, uuid } from './validation.js';

/**
 * The course form as submitted (a query or a body, every field a list), read into its pattern
 * and the sessions it proposes. A session is named by the day the pattern gave it
 * (`row_provider_<day>`, `moved_<day>`), so its own choices follow it while the pattern changes
 * around it, and are dropped with it.
 */

export type RawForm = Record<string, string[]>;

const pattern = z.object({
  service_id: uuid,
  days: z.array(z.coerce.number().int().min(0).max(6)).min(1, 'courseDaysRequired').max(7),
  time: text().regex(/^([01]\d|2[0-3]):[0-5]\d(:00)?$/, 'courseTimeInvalid'),
  start_date: calendarDate,
  count: z.coerce.number().int().min(1).max(MAX_COURSE_SESSIONS),
});

/** One proposed session, as the booking will be asked for it. */
export interface PlannedSession {
  patternDate: string;
  providerId: string;
  start: Date;
  moved: boolean;
}

export interface CoursePlan {
  service: ServiceOption;
  time: string;
  sessions: PlannedSession[];
}

export interface ReadCourse {
  values: CourseFormValues;
  errors: FieldErrors;
  /** null while the pattern has errors. */
  plan: CoursePlan | null;
}

/** What the form starts from, and what it must stay within. */
export interface CourseContext {
  services: ServiceOption[];
  providers: Record<string, ProviderOption[]>;
  remaining: number;
  today: string;
  /** The purchase's last day. */
  expiry: string;
  timezone: string;
  /** The provider a day starts with: who saw the patient last, else the clinic's first. */
  defaultProvider: (service: ServiceOption) => string | undefined;
}

const SINGLE_FIELDS = [
  'service_id',
  'time',
  'start_date',
  'count',
  'idempotency_key',
  'rendered_time',
  'take',
  ...WEEKDAYS.map((day) => `day_provider_${day}`),
];

const one = (raw: RawForm, name: string): string | undefined => raw[name]?.[0];

/**
 * A first visit: a weekly session from tomorrow at 09:00, as many as are left and fit before
 * the expiry.
 */
export function freshCourse(context: CourseContext, idempotencyKey: string): ReadCourse {
  const tomorrow = addDays(context.today, 1);
  const service = context.services[0]!;
  const days = [weekdayOf(tomorrow)];
  const fit = weeklyDates(tomorrow, days, context.remaining).filter(
    (date) => date <= context.expiry,
  ).length;
  const raw: RawForm = {
    service_id: [service.id],
    days: days.map(String),
    time: ['09:00'],
    start_date: [tomorrow],
    count: [String(Math.max(fit, 1))],
    idempotency_key: [idempotencyKey],
  };
  return readCourse(raw, context);
}

/** The form as submitted: its values, its errors, and (when the pattern holds) its sessions. */
export function readCourse(raw: RawForm, context: CourseContext): ReadCourse {
  const serviceId = one(raw, 'service_id') ?? '';
  const service = context.services.find((s) => s.id === serviceId) ?? context.services[0]!;
  const providers = context.providers[service.clinic_id] ?? [];
  const known = (id: string | undefined): id is string =>
    id !== undefined && providers.some((p) => p.id === id);
  const fallback = context.defaultProvider(service) ?? providers[0]?.id ?? '';
  // A day's provider from another clinic (the service changed) gives way to the default.
  const dayProviders: Record<number, string> = {};
  const malformed: FieldErrors = {};
  for (const day of WEEKDAYS) {
    const name = `day_provider_${day}`;
    const chosen = one(raw, name);
    dayProviders[day] = known(chosen) ? chosen : fallback;
    if (chosen !== undefined && !uuid.safeParse(chosen).success) malformed[name] = 'optionInvalid';
  }
  // A field sent twice is not one value to pick from.
  for (const name of SINGLE_FIELDS) {
    if ((raw[name]?.length ?? 0) > 1) malformed[name] = 'valueInvalid';
  }
  const key = one(raw, 'idempotency_key');
  const values: CourseFormValues = {
    serviceId: service.id,
    weekdays: (raw.days ?? []).map(Number).filter((day) => WEEKDAYS.some((d) => d === day)),
    dayProviders,
    time: (one(raw, 'time') ?? '').slice(0, 5),
    startDate: one(raw, 'start_date') ?? '',
    count: one(raw, 'count') ?? '',
    idempotencyKey:
      key && text().min(8).max(100).safeParse(key).success ? key : crypto.randomUUID(),
  };

  const parsed = pattern.safeParse({
    service_id: serviceId,
    days: raw.days ?? [],
    time: one(raw, 'time') ?? '',
    start_date: values.startDate,
    count: values.count,
  });
  const errors: FieldErrors = { ...malformed };
  for (const [name, error] of Object.entries(parsed.success ? {} : fieldErrorsOf(parsed.error))) {
    // A day that is not one ('days.0'): the days' own error.
    errors[name.startsWith('days.') ? 'days' : name] ??= error;
  }
  if (parsed.success && !context.services.some((s) => s.id === serviceId)) {
    errors.service_id = 'optionInvalid';
  }
  if (parsed.success && parsed.data.count > context.remaining) {
    errors.count = 'courseCountTooMany';
  }
  if (parsed.success && parsed.data.start_date < context.today) {
    errors.start_date = 'courseStartInPast';
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { values, errors, plan: null };

  const { days, start_date, count } = parsed.data;
  const time = values.time;
  const sameTime = one(raw, 'rendered_time') === time;
  const taken = one(raw, 'take')?.split('@');
  const sessions = weeklyDates(start_date, days, count).map((date): PlannedSession => {
    const weekday = weekdayOf(date);
    // A session keeps a provider chosen for it alone; one that showed its day's provider
    // follows a new choice for the day.
    const own = one(raw, `row_provider_${date}`);
    const providerId =
      known(own) && own !== one(raw, `rendered_day_provider_${weekday}`)
        ? own
        : dayProviders[weekday]!;
    // A free time taken instead of the pattern's holds until the pattern's time changes.
    const movedTo =
      taken?.[0] === date ? taken[1] : sameTime ? one(raw, `moved_${date}`) : undefined;
    const moved = movedTo !== undefined && instant.safeParse(movedTo).success;
    const start = moved ? new Date(movedTo) : wallClockInstant(date, time, context.timezone);
    return { patternDate: date, providerId, start, moved };
  });
  return { values, errors, plan: { service, time, sessions } };
}
