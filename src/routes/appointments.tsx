import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES, REFUND_ROLES } from '../auth/roles.js';
import { findAppointmentRow } from '../db/appointment-rows.js';
import { bookAppointment } from '../services/appointments.js';
import { sellPackage } from '../services/package-sales.js';
import type { Database } from '../db/client.js';
import { clinicExists, findClinic, listClinics, type ClinicOption } from '../db/clinics.js';
import { listOpenGroupSessions, packagesForGroupSeat } from '../db/group-sessions.js';
import { loadPatientPackages } from '../db/patient-packages.js';
import { findPatient, searchPatients } from '../db/patients.js';
import { findPackage } from '../db/packages.js';
import {
  findBookablePurchase,
  findBookablePurchaseWithClinics,
  openPurchases,
  purchaseExists,
  type PurchaseSummary,
} from '../db/purchases.js';
import { listBookableServices, listClinicChoices, type ServiceOption } from '../db/services.js';
import { addDays, localDate } from '../domain/dates.js';
import { suggestedPurchaseId } from '../domain/purchases.js';
import { BadRequest, Conflict, Forbidden, NotFound, ValidationFailed } from '../domain/errors.js';
import { MAX_HALALAS, parseHalalas, toHalalas } from '../domain/money.js';
import { bookableRange, formatInstant } from '../domain/slots.js';
import { findNewSessionNumbers } from '../db/session-numbers.js';
import type { AppDeps, AuthedEnv, Clock, RouteDeps } from '../env.js';
import { renderFragment, renderMarkup } from '../views/renderer.js';
import { BookingConfirmation } from '../views/appointments/booking-confirmation.js';
import { GroupPayment } from '../views/appointments/group-payment.js';
import {
  BOOKING_ERROR_ID,
  BookingPage,
  type PrefilledPlace,
} from '../views/appointments/booking-page.js';
import { Announcement } from '../views/announcer.js';
import { ClinicField, ProviderField } from '../views/appointments/clinic-options.js';
import {
  CatalogueCards,
  PackageModalBody,
  PACKAGE_MODAL_BODY_ID,
  PACKAGE_MODAL_ERROR_ID,
} from '../views/appointments/package-modal.js';
import { SaleConfirmation } from '../views/appointments/sale-confirmation.js';
import type { MoneyFormState } from '../views/payments/money-fields.js';
import { NextSessionLine, PackageSection } from '../views/appointments/package-section.js';
import { PatientChoice, PatientResults } from '../views/appointments/patient-picker.js';
import { PATIENT_MODAL_BODY_ID, QuickAddPatient } from '../views/patients/patient-form.js';
import {
  ScheduleFields,
  SlotList,
  type ScheduleState,
  type SlotListProps,
} from '../views/appointments/schedule-fields.js';
import { formatDate, localName } from '../views/format.js';
import {
  submittedText,
  submittedValues,
  type FieldErrors,
  type Submitted,
} from '../views/forms.js';
import { translator } from '../i18n/index.js';
import { showErrorsIn } from './errors.js';
import { patientFormErrors, registerFromForm, registrationForm } from './patient-details.js';
import { actorOf, authed, clientIp, staffActorOf } from './request.js';
import { FREE_DAY_HORIZON_DAYS, findFirstFreeDay, findSlotsFor } from './slots.js';
import { lastProviderFor, purchaseExpiry } from '../db/provider-days.js';
import { providerClinicIds, type ProviderOption } from '../db/providers.js';
import {
  blankAsMissing,
  calendarDate,
  fieldErrorsOf,
  instant,
  moneyAmount,
  text,
  uuid,
  validated,
  validatedForm,
} from './validation.js';

/** Tells app.js to close the package modal once the chosen package is in the form. */
const CLOSE_MODAL_EVENT = 'raseed:close-package-modal';

/** A select's "choose…" option sends an empty string: no choice yet. */
const optionalId = blankAsMissing(uuid).transform((id) => id ?? null);

/** Until a service is known. */
const DEFAULT_DURATION_MINUTES = 45;

/** The booking form as its controls send it (hx-include), for the fragments it refreshes. */
const bookingFormQuery = z.object({
  patient_id: optionalId,
  appointment_type: z.enum(['single', 'package', 'group']).default('single'),
  package_purchase_id: optionalId,
  clinic_id: optionalId,
  provider_id: optionalId,
  service_id: optionalId,
  date: blankAsMissing(calendarDate),
  duration: blankAsMissing(z.coerce.number().int().min(5).max(480)),
  start: text().max(40).optional(),
  slot_context: text().max(200).optional(),
  group_session_id: optionalId,
  /** The time this list last said was taken: said again until another time is chosen. */
  taken_start: text().max(40).optional(),
});
type BookingFormQuery = z.infer<typeof bookingFormQuery>;

const bookingForm = z
  .object({
    patient_id: uuid.optional(),
    appointment_type: z.enum(['single', 'package', 'group']),
    package_purchase_id: optionalId,
    clinic_id: uuid.optional(),
    provider_id: optionalId,
    service_id: optionalId,
    group_session_id: optionalId,
    /** A group seat paid with this purchase (none: a single paid seat). */
    group_purchase_id: optionalId,
    start: blankAsMissing(instant),
    duration: z.coerce.number().int().min(5).max(480),
    idempotency_key: text().min(8).max(100),
  })
  .superRefine((form, ctx) => {
    const missing = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (!form.patient_id) missing('patient_id', 'patientRequired');
    if (!form.clinic_id) missing('clinic_id', 'clinicRequired');
    if (form.appointment_type === 'group') {
      if (!form.group_session_id) missing('group_session_id', 'groupSessionRequired');
      return;
    }
    if (!form.provider_id) missing('provider_id', 'providerRequired');
    if (!form.start) missing('start', 'timeRequired');
  });

function view(c: Context<AuthedEnv>) {
  return { locale: c.get('locale') };
}

function today(c: Context<AuthedEnv>, clock: Clock) {
  return localDate(c.var.auth.tenant.timezone, clock());
}

/** Errors of the modal's buttons show inside the modal, not behind it. */
const errorsInModal = showErrorsIn(`#${PACKAGE_MODAL_ERROR_ID}`);

/** An amount a form may leave blank (a discount): 0 then; else at most 2 decimals. */
const optionalAmount = text()
  .trim()
  .max(20)
  .optional()
  .transform((value, context) => {
    if (!value) return 0;
    const halalas = parseHalalas(value);
    if (halalas === null || halalas > MAX_HALALAS) {
      context.addIssue({ code: 'custom', message: 'amountInvalid' });
      return z.NEVER;
    }
    return halalas;
  });

/** The sale confirmed in the modal: the package, a discount, and pay now or later. */
const saleForm = z
  .object({
    patient_id: uuid,
    package_id: uuid,
    idempotency_key: text().min(8).max(100),
    discount: optionalAmount,
    discount_reason: text().trim().max(500).optional(),
    payment: z.enum(['now', 'later']),
    amount: text().max(40).optional(),
    method: blankAsMissing(z.enum(['CASH', 'CARD', 'BANK_TRANSFER'])),
    reference: text().trim().max(100).optional(),
  })
  .transform((form, context) => {
    if (form.discount > 0 && !form.discount_reason) {
      context.addIssue({
        code: 'custom',
        path: ['discount_reason'],
        message: 'discountReasonRequired',
      });
    }
    if (form.payment === 'later') return { ...form, pay: null };
    const amount = moneyAmount.safeParse(form.amount ?? '');
    if (!amount.success) {
      const message = form.amount?.trim() ? amount.error.issues[0]!.message : 'fieldRequired';
      context.addIssue({ code: 'custom', path: ['amount'], message });
    }
    if (!form.method) {
      context.addIssue({ code: 'custom', path: ['method'], message: 'fieldRequired' });
    }
    if (!amount.success || !form.method) return z.NEVER;
    return {
      ...form,
      pay: { amount: amount.data, method: form.method, reference: form.reference || null },
    };
  });

/** Clinic, provider and schedule as they are before any package or clinic is chosen. */
async function freshChoices(c: Context<AuthedEnv>, db: Database) {
  const { locale } = view(c);
  const clinics = await listClinics(db, c.var.auth.tenant.id);
  return (
    <>
      <PackageSection locale={locale} oob />
      <ClinicField locale={locale} clinics={clinics} oob />
      <ProviderField locale={locale} providers={null} oob />
      <ScheduleFields locale={locale} state={null} slots={null} oob />
    </>
  );
}

/** The clinic's services (with sessions left, for a package), date and duration. */
function scheduleState(
  c: Context<AuthedEnv>,
  clock: Clock,
  services: ServiceOption[],
  choice: { serviceId?: string | null; date?: string },
): ScheduleState {
  const service = services.find((s) => s.id === choice.serviceId) ?? services[0];
  return {
    services,
    serviceId: service?.id ?? null,
    date: choice.date ?? today(c, clock),
    minDate: today(c, clock),
    duration: service?.default_duration_minutes ?? DEFAULT_DURATION_MINUTES,
  };
}

/**
 * The clinic and purchase the form narrows by must be the tenant's: another tenant's id
 * answers 404 rather than an empty list.
 */
async function checkNarrowingIds(
  c: Context<AuthedEnv>,
  db: Database,
  form: { clinic_id: string | null; package_purchase_id?: string | null },
) {
  const tenantId = c.var.auth.tenant.id;
  if (form.clinic_id && !(await clinicExists(db, tenantId, form.clinic_id))) {
    throw new NotFound('clinicNotFound');
  }
  if (form.package_purchase_id && !(await purchaseExists(db, tenantId, form.package_purchase_id))) {
    throw new NotFound('purchaseNotFound');
  }
}

/** Free times of the chosen provider, or the open group sessions for a group booking. */
async function slotChoices(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  form: BookingFormQuery,
): Promise<SlotListProps['choices']> {
  const { tenant } = c.var.auth;
  if (form.appointment_type === 'group') {
    if (!form.clinic_id) return null;
    const sessions = await listOpenGroupSessions(
      db,
      tenant.id,
      { clinicId: form.clinic_id, serviceId: form.service_id },
      clock(),
    );
    return { kind: 'groups', sessions, timezone: tenant.timezone };
  }
  if (!form.provider_id) return null;
  const query = {
    provider_id: form.provider_id,
    duration: form.duration ?? DEFAULT_DURATION_MINUTES,
    patient_id: form.patient_id ?? undefined,
  };
  const date = form.date ?? today(c, clock);
  const slots = await findSlotsFor(db, tenant, { ...query, date }, clock());
  const context = `${query.provider_id} ${date} ${query.duration}`;
  // The same list as the desk chose from, without the chosen time: another desk took it.
  // Said again on each re-fetch (another desk's booking) until the desk chooses another time.
  const chosen = instantOf(form.start ?? form.taken_start);
  const taken =
    chosen &&
    form.slot_context === context &&
    !slots.some((s) => s.start.getTime() === chosen.getTime())
      ? chosen
      : null;
  const nextFreeDay =
    slots.length > 0
      ? undefined
      : ((
          await findFirstFreeDay(
            db,
            tenant,
            query,
            {
              from: addDays(date, 1),
              until: await searchUntil(c, db, form.package_purchase_id, date),
            },
            clock(),
          )
        )?.date ?? null);
  return { kind: 'slots', slots, timezone: tenant.timezone, context, taken, nextFreeDay };
}

/** A submitted time, or null when there is none or it is not a time. */
function instantOf(iso: string | undefined): Date | null {
  if (!iso) return null;
  const instant = new Date(iso);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** How far ahead to look for free time: the package's expiry, else a horizon of days. */
async function searchUntil(
  c: Context<AuthedEnv>,
  db: Database,
  purchaseId: string | null,
  from: string,
  known?: string,
): Promise<string> {
  const horizon = addDays(from, FREE_DAY_HORIZON_DAYS);
  const expiry =
    known ?? (purchaseId ? await purchaseExpiry(db, c.var.auth.tenant.id, purchaseId) : undefined);
  return expiry && expiry < horizon ? expiry : horizon;
}

/**
 * Once patient and service are known: the provider who saw this patient for it last (when
 * they work here), and the first day from today with free time for them, its slots listed.
 */
async function defaultProviderSchedule(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  choice: {
    patientId: string | null;
    purchaseId: string | null;
    /** The purchase's expiry when the caller has it (else it is looked up). */
    expiry?: string;
    providers: ProviderOption[];
    schedule: ScheduleState;
  },
): Promise<ProviderSchedule> {
  const { schedule } = choice;
  const none = { providerId: null, schedule, slots: null };
  if (!choice.patientId || !schedule.serviceId) return none;
  const last = await lastProviderFor(
    deps.db,
    c.var.auth.tenant.id,
    { patientId: choice.patientId, serviceId: schedule.serviceId },
    deps.clock(),
  );
  if (!last || !choice.providers.some((p) => p.id === last)) return none;
  return firstFreeSchedule(c, deps, { ...choice, patientId: choice.patientId, providerId: last });
}

interface ProviderSchedule {
  providerId: string | null;
  schedule: ScheduleState;
  slots: SlotListProps['choices'];
}

/** The provider's first day with free time from the schedule's day (within the package's validity). */
async function firstFreeSchedule(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  choice: {
    providerId: string;
    patientId: string;
    purchaseId: string | null;
    expiry?: string;
    schedule: ScheduleState;
  },
): Promise<ProviderSchedule> {
  const { schedule, providerId } = choice;
  const { tenant } = c.var.auth;
  const until = await searchUntil(c, deps.db, choice.purchaseId, schedule.date, choice.expiry);
  const free = await findFirstFreeDay(
    deps.db,
    tenant,
    { provider_id: providerId, duration: schedule.duration, patient_id: choice.patientId },
    { from: schedule.date, until },
    deps.clock(),
  );
  const date = free?.date ?? schedule.date;
  return {
    providerId,
    schedule: { ...schedule, date },
    slots: {
      kind: 'slots',
      slots: free?.slots ?? [],
      timezone: tenant.timezone,
      context: `${providerId} ${date} ${schedule.duration}`,
      nextFreeDay: free ? undefined : null,
    },
  };
}

/**
 * For a package booking, the session number on the form's day (today until one is chosen),
 * sent with the times out of band; nothing for other bookings.
 */
async function nextSessionLine(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  form: BookingFormQuery,
) {
  if (form.appointment_type !== 'package' || !form.package_purchase_id) return null;
  const { tenant } = c.var.auth;
  const now = clock();
  const date = form.date ?? localDate(tenant.timezone, now);
  const found = await findNewSessionNumbers(
    db,
    tenant.id,
    form.package_purchase_id,
    bookableRange(date, tenant.timezone, now),
    now,
  );
  if (!found) return null;
  const first = found.numbers.first;
  if (first === null) return null;
  return <NextSessionLine total={found.total} nextSession={first} numbers={found.numbers} oob />;
}

/**
 * A new patient starts a new booking: results, package and clinic choice reset. A single
 * session's place (clinic, provider, day, time: the calendar's free time) stays, its free
 * times asked again for this patient.
 */
async function patientChosen(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  patientId: string,
  place?: BookingFormQuery,
) {
  const { db, clock } = deps;
  const patient = await findPatient(db, c.var.auth.tenant.id, patientId);
  if (!patient) throw new NotFound('patientNotFound');
  const suggested = await suggestedPurchase(db, c.var.auth.tenant.id, patientId, today(c, clock));
  const keep = place?.appointment_type === 'single' && place.clinic_id !== null;
  const slots =
    keep && place.provider_id
      ? await slotChoices(c, deps, { ...place, patient_id: patientId, slot_context: undefined })
      : null;
  return renderFragment(
    c,
    <>
      <PatientChoice {...view(c)} patient={patient} suggested={suggested} />
      <PatientResults {...view(c)} patients={null} oob />
      {!keep && (await freshChoices(c, db))}
      {slots && <SlotList {...view(c)} choices={slots} selected={place?.start} oob />}
    </>,
  );
}

/** The place a patient choice may keep: the booking form's fields (PLACE_FIELDS) it sends. */
function placeOf(values: Record<string, unknown>): BookingFormQuery | undefined {
  const place = bookingFormQuery.safeParse(values);
  return place.success ? place.data : undefined;
}

/** The purchase the package modal would mark suggested, for the patient choice's shortcut. */
async function suggestedPurchase(db: Database, tenantId: string, patientId: string, day: string) {
  const purchases = await openPurchases(db, tenantId, patientId, day).execute();
  const id = suggestedPurchaseId(purchases, day);
  return purchases.find((purchase) => purchase.id === id) ?? null;
}

/** The quick-add dialog, filled with what the search was typed as (a phone or a name). */
function quickAddForm(c: Context<AuthedEnv>, q: string) {
  const field = /^[\d\s+()-]+$/.test(q)
    ? 'phone'
    : /\p{Script=Arabic}/u.test(q)
      ? 'name_ar'
      : 'name_en';
  return renderFragment(
    c,
    <QuickAddPatient
      {...view(c)}
      form={{ values: { [field]: q } }}
      formToken={crypto.randomUUID()}
    />,
  );
}

/** Invalid or possibly duplicate: the form again, in the dialog instead of the choice. */
function quickAddAgain(
  c: Context<AuthedEnv>,
  status: 409 | 422,
  props: Omit<Parameters<typeof QuickAddPatient>[0], 'locale'>,
) {
  c.header('HX-Retarget', `#${PATIENT_MODAL_BODY_ID}`);
  c.header('HX-Reswap', 'innerHTML');
  c.status(status);
  return renderFragment(c, <QuickAddPatient {...view(c)} {...props} />);
}

/** A patient registered from the quick-add dialog is the chosen one; else the dialog again. */
async function registerFromQuickAdd(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  form: z.infer<typeof registrationForm>,
) {
  const outcome = await registerFromForm(deps.db, staffActorOf(c), form, today(c, deps.clock));
  const body = await c.req.parseBody();
  if (outcome.ok) return patientChosen(c, deps, outcome.id, placeOf(body));
  const values = submittedValues(body);
  return outcome.status === 409
    ? quickAddAgain(c, 409, {
        form: { values },
        formToken: form.form_token,
        duplicates: outcome.duplicates,
      })
    : quickAddAgain(c, 422, {
        form: { values, errors: outcome.errors },
        formToken: form.form_token,
      });
}

/** The patient's packages and the catalogue, for the package modal (a view, audited). */
async function packageModal(
  c: Context<AuthedEnv>,
  { db, clock, catalogues }: RouteDeps,
  patientId: string,
) {
  const { tenant, user } = c.var.auth;
  const data = await loadPatientPackages(
    db,
    catalogues,
    tenant.id,
    patientId,
    localDate(tenant.timezone, clock()),
    { actorId: user.id, ip: clientIp(c), screen: 'package_modal' },
  );
  const { locale } = view(c);
  const catalogueCards = await catalogues.rendered(
    tenant.id,
    data.catalogueVersion,
    `${locale} ${tenant.currency}`,
    () =>
      renderMarkup(
        c,
        <CatalogueCards locale={locale} currency={tenant.currency} catalogue={data.catalogue} />,
      ),
  );
  return renderFragment(
    c,
    <PackageModalBody
      locale={locale}
      currency={tenant.currency}
      data={data}
      catalogueCards={catalogueCards}
    />,
  );
}

/** What the booking form shows below a chosen package. */
interface PackagePlace extends Partial<ProviderSchedule> {
  clinicId: string | null;
  providers: ProviderOption[] | null;
  /** The time chosen before the package, still free for it. */
  selected?: string | null;
  /** Why the clinic or day chosen before the package was not kept. */
  notKept: string | null;
}

/**
 * The clinic, provider, day and time chosen before the package (`asked`: the calendar's free
 * time, or the desk's own choice), kept when the package covers them: the clinic is one of
 * its clinics, the day within its validity. Otherwise, as without a choice: with one clinic,
 * the provider who saw the patient last on their first free day; and a line saying why.
 */
async function packagePlace(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  chosen: {
    purchase: PurchaseSummary;
    clinics: ClinicOption[];
    patientId: string;
    asked: BookingFormQuery | null;
  },
): Promise<PackagePlace> {
  const { db, clock } = deps;
  const { tenant } = c.var.auth;
  const { locale } = view(c);
  const t = translator(locale);
  const { purchase, clinics, asked } = chosen;
  const pkg = localName(purchase, locale);
  const askedClinic = clinics.find((clinic) => clinic.id === asked?.clinic_id);
  let notKept: string | null = null;
  if (asked?.clinic_id && !askedClinic) {
    const elsewhere = await findClinic(db, tenant.id, asked.clinic_id);
    if (elsewhere) {
      notKept = t('packageNotAtClinic', { package: pkg, clinic: localName(elsewhere, locale) });
    }
  }
  const clinic = askedClinic ?? (clinics.length === 1 ? clinics[0] : undefined);
  if (!clinic) return { clinicId: null, providers: null, notKept };
  const { providers, services } = await listClinicChoices(db, tenant.id, clinic.id, purchase.id);
  const schedule = scheduleState(c, clock, services, {});
  const place = { clinicId: clinic.id, providers, notKept };
  const choice = {
    patientId: chosen.patientId,
    purchaseId: purchase.id,
    expiry: purchase.expiry_date,
    schedule,
  };
  const providerId = askedClinic && providers.find((p) => p.id === asked?.provider_id)?.id;
  if (!providerId)
    return { ...place, ...(await defaultProviderSchedule(c, deps, { ...choice, providers })) };
  const day = asked?.date && asked.date > schedule.date ? asked.date : schedule.date;
  if (day > purchase.expiry_date) {
    const expires = formatDate(purchase.expiry_date, locale);
    return {
      ...place,
      notKept: t('packageEndsBeforeDay', { package: pkg, date: expires }),
      ...(await firstFreeSchedule(c, deps, { ...choice, providerId })),
    };
  }
  const slots = await slotChoices(c, deps, {
    patient_id: chosen.patientId,
    appointment_type: 'package',
    package_purchase_id: purchase.id,
    group_session_id: null,
    clinic_id: clinic.id,
    provider_id: providerId,
    service_id: schedule.serviceId,
    date: day,
    duration: schedule.duration,
  });
  return {
    ...place,
    providerId,
    schedule: { ...schedule, date: day },
    slots,
    selected: asked?.start ?? null,
  };
}

/**
 * The package section, with the clinics (and, for one clinic, providers) it narrows to; the
 * place chosen before (`asked`) kept when the package covers it. "Session N of M" is the
 * number on the day shown (any day while none is).
 */
async function chosenPackage(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  ids: { purchaseId: string; patientId: string },
  options: { asked?: BookingFormQuery; message?: (purchase: PurchaseSummary) => string } = {},
) {
  const { db, clock } = deps;
  const { locale } = view(c);
  const { tenant } = c.var.auth;
  const now = clock();
  const date = localDate(tenant.timezone, now);
  const asked = options.asked?.clinic_id ? options.asked : null;
  const askedDay = asked?.date && asked.date > date ? asked.date : date;
  const { purchase, nextSession, numbers, clinics } = await findBookablePurchaseWithClinics(
    db,
    tenant.id,
    ids,
    date,
    { range: bookableRange(askedDay, tenant.timezone, now), now },
  );
  const place = await packagePlace(c, deps, {
    purchase,
    clinics,
    patientId: ids.patientId,
    asked,
  });
  const day = place.schedule?.date ?? null;
  const numbersOfDay =
    day === askedDay
      ? numbers
      : ((
          await findNewSessionNumbers(
            db,
            tenant.id,
            purchase.id,
            bookableRange(day, tenant.timezone, now),
            now,
          )
        )?.numbers ?? numbers);
  c.header('HX-Trigger', CLOSE_MODAL_EVENT);
  return renderFragment(
    c,
    <>
      <PackageSection
        locale={locale}
        currency={tenant.currency}
        chosen={{ purchase, nextSession, numbers: numbersOfDay }}
      />
      <ClinicField
        locale={locale}
        clinics={clinics}
        selected={place.clinicId}
        notKept={place.notKept}
        oob
      />
      <ProviderField locale={locale} providers={place.providers} selected={place.providerId} oob />
      <ScheduleFields
        locale={locale}
        state={place.schedule ?? null}
        slots={place.slots ?? null}
        selected={place.selected}
        oob
      />
      {options.message && <Announcement message={options.message(purchase)} />}
    </>,
  );
}

/**
 * The sale's confirmation in the modal (SPEC §7), for "Assign & use package"; again, with its
 * field errors (422), when the sale was refused.
 */
async function saleConfirmation(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  ids: { patientId: string; packageId: string },
  form?: MoneyFormState & { idempotencyKey?: string },
) {
  const { tenant, user } = c.var.auth;
  const [patient, entry] = await Promise.all([
    findPatient(db, tenant.id, ids.patientId),
    findPackage(db, tenant.id, ids.packageId),
  ]);
  if (!patient) throw new NotFound('patientNotFound');
  if (!entry) throw new NotFound('packageNotFound');
  if (!entry.active) throw new Conflict('packageNotSold');
  if (form) {
    c.header('HX-Retarget', `#${PACKAGE_MODAL_BODY_ID}`);
    c.header('HX-Reswap', 'innerHTML');
    c.status(422);
  }
  return renderFragment(
    c,
    <SaleConfirmation
      {...view(c)}
      currency={tenant.currency}
      patient={patient}
      entry={entry}
      today={today(c, clock)}
      canDiscount={REFUND_ROLES.includes(user.role)}
      idempotencyKey={form?.idempotencyKey ?? crypto.randomUUID()}
      form={form}
    />,
  );
}

/** The sale refused by its schema: the confirmation again, every field's error at once. */
async function saleRefused(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  errors: FieldErrors,
  submitted: Submitted,
) {
  const ids = z
    .object({ patient_id: uuid, package_id: uuid })
    .safeParse({ patient_id: submitted.patient_id, package_id: submitted.package_id });
  if (!ids.success) throw new ValidationFailed(fieldErrorsOf(ids.error));
  const values = submittedValues(submitted);
  // The discount against the price is checked here too, so no error waits for the next try.
  const entry = await findPackage(deps.db, c.var.auth.tenant.id, ids.data.package_id);
  const discount = parseHalalas(values.discount?.trim() ?? '');
  if (entry && discount !== null && discount > toHalalas(entry.price)) {
    errors = { ...errors, discount: 'discountOverPrice' };
  }
  return saleConfirmation(
    c,
    deps,
    { patientId: ids.data.patient_id, packageId: ids.data.package_id },
    { values, errors, idempotencyKey: submittedText(submitted, 'idempotency_key') || undefined },
  );
}

/** A package sold from the modal becomes the chosen one, with a message saying so. */
async function sellFromModal(c: Context<AuthedEnv>, deps: AppDeps, form: z.infer<typeof saleForm>) {
  const { auth } = c.var;
  // A discount is a money operation beyond the desk's (SPEC §7).
  if (form.discount > 0 && !REFUND_ROLES.includes(auth.user.role)) throw new Forbidden();
  let sale;
  try {
    sale = await sellPackage(deps.db, {
      tenantId: auth.tenant.id,
      patientId: form.patient_id,
      packageId: form.package_id,
      actor: actorOf(c),
      today: localDate(auth.tenant.timezone, deps.clock()),
      idempotencyKey: form.idempotency_key,
      discount: form.discount,
      discountReason: form.discount_reason || null,
      payment: form.pay,
    });
  } catch (error) {
    if (!(error instanceof ValidationFailed) || !error.fields) throw error;
    const values = submittedValues(await c.req.parseBody());
    return saleConfirmation(
      c,
      deps,
      { patientId: form.patient_id, packageId: form.package_id },
      { values, errors: error.fields, params: error.params, idempotencyKey: form.idempotency_key },
    );
  }
  const { purchase, payment } = sale;
  const { locale } = view(c);
  const t = translator(locale);
  return chosenPackage(
    c,
    deps,
    { purchaseId: purchase.id, patientId: purchase.patient_id },
    {
      asked: placeOf(await c.req.parseBody()),
      message: (p) =>
        payment
          ? t('packageSoldPaid', { name: localName(p, locale), number: payment.invoice_number })
          : t('packageAssigned', { name: localName(p, locale) }),
    },
  );
}

/** The clinic's providers and its schedule fields (with the open sessions, for a group). */
async function clinicProviders(c: Context<AuthedEnv>, deps: AppDeps, form: BookingFormQuery) {
  const { tenant } = c.var.auth;
  const { locale } = view(c);
  if (!form.clinic_id) {
    return renderFragment(
      c,
      <>
        <ProviderField locale={locale} providers={null} />
        <ScheduleFields locale={locale} state={null} slots={null} oob />
      </>,
    );
  }
  await checkNarrowingIds(c, deps.db, form);
  const { providers, services } = await listClinicChoices(
    deps.db,
    tenant.id,
    form.clinic_id,
    form.package_purchase_id,
  );
  const schedule = scheduleState(c, deps.clock, services, {});
  const defaults =
    form.appointment_type === 'group'
      ? { providerId: null, schedule, slots: await slotChoices(c, deps, form) }
      : await defaultProviderSchedule(c, deps, {
          patientId: form.patient_id,
          purchaseId: form.package_purchase_id,
          providers,
          schedule,
        });
  const line = await nextSessionLine(c, deps, { ...form, date: defaults.schedule.date });
  return renderFragment(
    c,
    <>
      <ProviderField locale={locale} providers={providers} selected={defaults.providerId} />
      <ScheduleFields locale={locale} state={defaults.schedule} slots={defaults.slots} oob />
      {line}
    </>,
  );
}

/** The service changed: its default duration, and the slots again. */
async function serviceSchedule(c: Context<AuthedEnv>, deps: AppDeps, form: BookingFormQuery) {
  if (!form.clinic_id) throw new BadRequest('clinicFirst');
  await checkNarrowingIds(c, deps.db, form);
  const services = await listBookableServices(
    deps.db,
    c.var.auth.tenant.id,
    form.clinic_id,
    form.package_purchase_id,
  );
  const schedule = scheduleState(c, deps.clock, services, {
    serviceId: form.service_id,
    date: form.date,
  });
  const slots = await slotChoices(c, deps, { ...form, duration: schedule.duration });
  const line = await nextSessionLine(c, deps, { ...form, date: schedule.date });
  return renderFragment(
    c,
    <>
      <ScheduleFields {...view(c)} state={schedule} slots={slots} />
      {line}
    </>,
  );
}

/** The package a booking uses: the chosen one, or the one paying for a group seat. */
function purchaseToBookOn(form: z.infer<typeof bookingForm>): string | null {
  if (form.appointment_type === 'package') return form.package_purchase_id;
  if (form.appointment_type === 'group') return form.group_purchase_id;
  return null;
}

/** How the chosen group session's seat can be paid: the patient's packages covering it. */
async function groupPayment(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  ids: { patientId: string | null; groupSessionId: string },
) {
  const { tenant } = c.var.auth;
  if (ids.patientId && !(await findPatient(db, tenant.id, ids.patientId))) {
    throw new NotFound('patientNotFound');
  }
  const packages = ids.patientId
    ? await packagesForGroupSeat(
        db,
        tenant,
        { patientId: ids.patientId, groupSessionId: ids.groupSessionId },
        clock(),
      )
    : null;
  return renderFragment(c, <GroupPayment {...view(c)} packages={packages} />);
}

/** Books what the form holds and answers with the confirmation. */
async function bookFromForm(
  c: Context<AuthedEnv>,
  { db, clock }: AppDeps,
  form: z.infer<typeof bookingForm>,
) {
  const { auth } = c.var;
  const booking = await bookAppointment(
    db,
    auth.tenant,
    actorOf(c),
    {
      patientId: form.patient_id!,
      type: form.appointment_type,
      clinicId: form.clinic_id!,
      providerId: form.provider_id,
      serviceId: form.service_id,
      purchaseId: purchaseToBookOn(form),
      groupSessionId: form.group_session_id,
      start: form.start ? new Date(form.start) : null,
      durationMinutes: form.duration,
      idempotencyKey: form.idempotency_key,
    },
    clock(),
  );
  const details = await findAppointmentRow(db, auth.tenant.id, booking.appointment.id);
  const { locale } = view(c);
  const t = translator(locale);
  return renderFragment(
    c,
    <>
      <BookingConfirmation
        locale={locale}
        timezone={auth.tenant.timezone}
        details={details!}
        booking={booking}
      />
      <Announcement message={t('appointmentBooked')} />
    </>,
  );
}

/** The booking page's address: a patient ("Book another"), a place (the calendar's free time). */
const bookingPageQuery = z.object({
  patient_id: optionalId,
  clinic_id: optionalId,
  provider_id: optionalId,
  date: blankAsMissing(calendarDate),
  time: blankAsMissing(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/)),
});

/**
 * The clinic, provider, day and time the calendar's free quarter hour stands for, with the
 * provider's free times of that day (the time chosen when it is one of them). Without a clinic,
 * the provider's first; the provider must work there (404 otherwise, as for another tenant's).
 */
async function prefilledPlace(
  c: Context<AuthedEnv>,
  deps: AppDeps,
  clinics: ClinicOption[],
  query: z.infer<typeof bookingPageQuery>,
): Promise<PrefilledPlace | null> {
  const { db, clock } = deps;
  const { tenant } = c.var.auth;
  let clinicId = query.clinic_id;
  if (query.provider_id && !clinicId) {
    const ids = await providerClinicIds(db, tenant.id, query.provider_id);
    if (!ids) throw new NotFound('providerNotFound');
    clinicId = ids[0] ?? null;
  }
  if (!clinicId) return null;
  if (!clinics.some((clinic) => clinic.id === clinicId)) throw new NotFound('clinicNotFound');
  const { providers, services } = await listClinicChoices(db, tenant.id, clinicId, null);
  const providerId = query.provider_id;
  if (providerId && !providers.some((p) => p.id === providerId)) {
    throw new NotFound('providerNotInClinic');
  }
  const firstDay = today(c, clock);
  const date = query.date && query.date > firstDay ? query.date : firstDay;
  const schedule = scheduleState(c, clock, services, { date });
  const chosen =
    query.time && query.date === date
      ? formatInstant(
          DateTime.fromISO(`${date}T${query.time}`, { zone: tenant.timezone }).toJSDate(),
          tenant.timezone,
        )
      : null;
  const slots = providerId
    ? await slotChoices(c, deps, {
        patient_id: query.patient_id,
        appointment_type: 'single',
        package_purchase_id: null,
        group_session_id: null,
        clinic_id: clinicId,
        provider_id: providerId,
        service_id: schedule.serviceId,
        date,
        duration: schedule.duration,
      })
    : null;
  return { clinicId, providers, providerId, schedule, slots, selected: chosen };
}

/** The booking page and the fragments its controls fetch. Front desk and admins only. */
export function bookingRoutes(deps: RouteDeps) {
  const { db, clock } = deps;
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole(...BOOKING_ROLES));

  routes.get('/', validated('query', bookingPageQuery), async (c) => {
    const { locale } = view(c);
    const t = translator(locale);
    const tenantId = c.var.auth.tenant.id;
    const query = c.req.valid('query');
    const clinics = await listClinics(db, tenantId);
    // "Book another" keeps the patient.
    const patientId = query.patient_id;
    const patient = patientId ? await findPatient(db, tenantId, patientId) : null;
    if (patientId && !patient) throw new NotFound('patientNotFound');
    const suggested = patientId
      ? await suggestedPurchase(db, tenantId, patientId, today(c, clock))
      : null;
    const page = (
      <BookingPage
        locale={locale}
        clinics={clinics}
        idempotencyKey={crypto.randomUUID()}
        patient={patient ?? null}
        suggested={suggested}
        place={await prefilledPlace(c, deps, clinics, query)}
      />
    );
    return c.render(page, {
      title: t('bookAppointment'),
    });
  });

  routes.get(
    '/patients',
    validated('query', z.object({ q: text().trim().max(100).default('') })),
    async (c) => {
      const { q } = c.req.valid('query');
      const patients = q.length >= 2 ? await searchPatients(db, c.var.auth.tenant.id, q) : null;
      return renderFragment(c, <PatientResults {...view(c)} patients={patients} />);
    },
  );

  routes.get('/patient', validated('query', z.object({ patient_id: uuid })), (c) =>
    patientChosen(c, deps, c.req.valid('query').patient_id, placeOf(c.req.query())),
  );

  routes.get(
    '/patient-form',
    validated('query', z.object({ q: text().trim().max(100).default('') })),
    (c) => quickAddForm(c, c.req.valid('query').q),
  );

  routes.post(
    '/register',
    validatedForm(registrationForm, (c, errors, submitted) =>
      quickAddAgain(authed(c), 422, {
        form: {
          values: submittedValues(submitted),
          errors: patientFormErrors(errors, submitted, today(authed(c), clock)),
        },
        formToken: submittedText(submitted, 'form_token') || crypto.randomUUID(),
      }),
    ),
    (c) => registerFromQuickAdd(c, deps, c.req.valid('form')),
  );

  /** Single session or group: no package, every clinic. */
  routes.get('/reset', async (c) => renderFragment(c, await freshChoices(c, db)));

  routes.get('/package-modal', validated('query', z.object({ patient_id: uuid })), (c) =>
    packageModal(c, deps, c.req.valid('query').patient_id),
  );

  routes.get(
    '/package',
    errorsInModal,
    validated('query', z.object({ patient_id: uuid, package_purchase_id: uuid })),
    async (c) => {
      const { patient_id, package_purchase_id } = c.req.valid('query');
      return chosenPackage(
        c,
        deps,
        { purchaseId: package_purchase_id, patientId: patient_id },
        { asked: placeOf(c.req.query()) },
      );
    },
  );

  /** The package section alone, re-fetched when another desk books or cancels. */
  routes.get(
    '/package-section',
    validated(
      'query',
      z.object({
        patient_id: uuid,
        package_purchase_id: uuid,
        date: blankAsMissing(calendarDate),
      }),
    ),
    async (c) => {
      const { patient_id, package_purchase_id, date } = c.req.valid('query');
      const { tenant } = c.var.auth;
      const now = clock();
      const chosen = await findBookablePurchase(
        db,
        tenant.id,
        { purchaseId: package_purchase_id, patientId: patient_id },
        today(c, clock),
        { range: bookableRange(date ?? null, tenant.timezone, now), now },
      );
      return renderFragment(
        c,
        <PackageSection {...view(c)} currency={c.var.auth.tenant.currency} chosen={chosen} />,
      );
    },
  );

  routes.get(
    '/sale',
    errorsInModal,
    validated('query', z.object({ patient_id: uuid, package_id: uuid })),
    (c) => {
      const { patient_id, package_id } = c.req.valid('query');
      return saleConfirmation(c, deps, { patientId: patient_id, packageId: package_id });
    },
  );

  routes.post(
    '/assign',
    errorsInModal,
    validatedForm(saleForm, (c, errors, submitted) =>
      saleRefused(authed(c), deps, errors, submitted),
    ),
    (c) => sellFromModal(c, deps, c.req.valid('form')),
  );

  routes.get('/providers', validated('query', bookingFormQuery), (c) =>
    clinicProviders(c, deps, c.req.valid('query')),
  );

  routes.get('/schedule', validated('query', bookingFormQuery), (c) =>
    serviceSchedule(c, deps, c.req.valid('query')),
  );

  routes.get('/slots', validated('query', bookingFormQuery), async (c) => {
    const form = c.req.valid('query');
    // A provider's slots check their ids themselves (findSlotsFor); group sessions, the clinic.
    if (form.appointment_type === 'group')
      await checkNarrowingIds(c, db, { clinic_id: form.clinic_id });
    const slots = await slotChoices(c, deps, form);
    const line = await nextSessionLine(c, deps, form);
    return renderFragment(
      c,
      <>
        <SlotList
          {...view(c)}
          choices={slots}
          selected={form.appointment_type === 'group' ? form.group_session_id : form.start}
        />
        {line}
      </>,
    );
  });

  routes.get(
    '/group-payment',
    validated('query', z.object({ patient_id: optionalId, group_session_id: uuid })),
    (c) => {
      const { patient_id, group_session_id } = c.req.valid('query');
      return groupPayment(c, deps, { patientId: patient_id, groupSessionId: group_session_id });
    },
  );

  routes.post('/book', showErrorsIn(`#${BOOKING_ERROR_ID}`), validated('form', bookingForm), (c) =>
    bookFromForm(c, deps, c.req.valid('form')),
  );

  return routes;
}
