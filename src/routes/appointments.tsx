import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/middleware.js';
import { BOOKING_ROLES } from '../auth/roles.js';
import { clinicExists, clinicsForPurchase, listClinics } from '../db/clinics.js';
import { loadPatientPackages } from '../db/patient-packages.js';
import { findPatient, searchPatients } from '../db/patients.js';
import { listProvidersForClinic } from '../db/providers.js';
import { assignPackage, findBookablePurchase, type PurchaseSummary } from '../db/purchases.js';
import { localDate } from '../domain/dates.js';
import { NotFound } from '../domain/errors.js';
import type { AppDeps, AuthedEnv } from '../env.js';
import { Announcement, BookingPage } from '../views/appointments/booking-page.js';
import { ClinicField, ProviderField } from '../views/appointments/clinic-options.js';
import { PackageModalBody, PACKAGE_MODAL_ERROR_ID } from '../views/appointments/package-modal.js';
import { PackageSection } from '../views/appointments/package-section.js';
import { PatientChoice, PatientResults } from '../views/appointments/patient-picker.js';
import { localName } from '../views/format.js';
import { translator } from '../views/i18n.js';
import { showErrorsIn } from './errors.js';
import { clientIp } from './request.js';
import { validated } from './validation.js';

/** Tells app.js to close the package modal once the chosen package is in the form. */
const CLOSE_MODAL_EVENT = 'raseed:close-package-modal';

const uuid = z.uuid({ version: 'v4' });

function view(c: Context<AuthedEnv>) {
  const locale = c.get('locale');
  return { t: translator(locale), locale };
}

/** The booking page and the fragments its controls fetch. Front desk and admins only. */
export function bookingRoutes({ db, clock }: AppDeps) {
  const routes = new Hono<AuthedEnv>();
  routes.use(requireAuth(), requireRole(...BOOKING_ROLES));

  routes.get('/', async (c) => {
    const { t, locale } = view(c);
    const clinics = await listClinics(db, c.var.auth.tenant.id);
    return c.render(<BookingPage t={t} locale={locale} clinics={clinics} />, {
      title: t('bookAppointment'),
    });
  });

  routes.get(
    '/patients',
    validated('query', z.object({ q: z.string().trim().max(100).default('') })),
    async (c) => {
      const { q } = c.req.valid('query');
      const patients = q.length >= 2 ? await searchPatients(db, c.var.auth.tenant.id, q) : null;
      return c.html(<PatientResults {...view(c)} patients={patients} />);
    },
  );

  routes.get('/patient', validated('query', z.object({ patient_id: uuid })), async (c) => {
    const patient = await findPatient(db, c.var.auth.tenant.id, c.req.valid('query').patient_id);
    if (!patient) throw new NotFound('Patient not found.');
    const { t, locale } = view(c);
    const clinics = await listClinics(db, c.var.auth.tenant.id);
    // A new patient starts a new booking: results, package and clinic choice reset.
    return c.html(
      <>
        <PatientChoice t={t} locale={locale} patient={patient} />
        <PatientResults t={t} locale={locale} patients={null} oob />
        <PackageSection t={t} locale={locale} oob />
        <ClinicField t={t} locale={locale} clinics={clinics} oob />
        <ProviderField t={t} locale={locale} providers={null} oob />
      </>,
    );
  });

  routes.get('/single', async (c) => {
    const { t, locale } = view(c);
    const clinics = await listClinics(db, c.var.auth.tenant.id);
    return c.html(
      <>
        <PackageSection t={t} locale={locale} oob />
        <ClinicField t={t} locale={locale} clinics={clinics} oob />
        <ProviderField t={t} locale={locale} providers={null} oob />
      </>,
    );
  });

  routes.get('/package-modal', validated('query', z.object({ patient_id: uuid })), async (c) => {
    const { tenant } = c.var.auth;
    const data = await loadPatientPackages(
      db,
      tenant.id,
      c.req.valid('query').patient_id,
      localDate(tenant.timezone, clock()),
    );
    return c.html(
      <PackageModalBody
        {...view(c)}
        currency={tenant.currency}
        data={data}
        newIdempotencyKey={() => crypto.randomUUID()}
      />,
    );
  });

  /** The package section, with the clinics (and, for one clinic, providers) it narrows to. */
  const chosenPackage = async (
    c: Context<AuthedEnv>,
    ids: { purchaseId: string; patientId: string },
    message?: (purchase: PurchaseSummary) => string,
  ) => {
    const { t, locale } = view(c);
    const { tenant } = c.var.auth;
    const { purchase, nextSession } = await findBookablePurchase(
      db,
      tenant.id,
      ids,
      localDate(tenant.timezone, clock()),
    );
    const clinics = await clinicsForPurchase(db, tenant.id, purchase.id);
    const only = clinics.length === 1 ? clinics[0] : undefined;
    const providers = only ? await listProvidersForClinic(db, tenant.id, only.id) : null;
    c.header('HX-Trigger', CLOSE_MODAL_EVENT);
    return c.html(
      <>
        <PackageSection t={t} locale={locale} chosen={{ purchase, nextSession }} />
        <ClinicField t={t} locale={locale} clinics={clinics} oob />
        <ProviderField t={t} locale={locale} providers={providers} oob />
        {message && <Announcement message={message(purchase)} />}
      </>,
    );
  };

  /** Errors of the modal's buttons show inside the modal, not behind it. */
  const errorsInModal = showErrorsIn(`#${PACKAGE_MODAL_ERROR_ID}`);

  routes.get(
    '/package',
    errorsInModal,
    validated('query', z.object({ patient_id: uuid, package_purchase_id: uuid })),
    async (c) => {
      const { patient_id, package_purchase_id } = c.req.valid('query');
      return chosenPackage(c, { purchaseId: package_purchase_id, patientId: patient_id });
    },
  );

  routes.post(
    '/assign',
    errorsInModal,
    validated(
      'form',
      z.object({ patient_id: uuid, package_id: uuid, idempotency_key: z.string().min(8).max(100) }),
    ),
    async (c) => {
      const { auth } = c.var;
      const form = c.req.valid('form');
      const { purchase } = await assignPackage(db, {
        tenantId: auth.tenant.id,
        patientId: form.patient_id,
        packageId: form.package_id,
        assignedBy: auth.user.id,
        today: localDate(auth.tenant.timezone, clock()),
        idempotencyKey: form.idempotency_key,
        ip: clientIp(c),
      });
      const { t, locale } = view(c);
      return chosenPackage(c, { purchaseId: purchase.id, patientId: purchase.patient_id }, (p) =>
        t('packageAssigned', { name: localName(p, locale) }),
      );
    },
  );

  routes.get(
    '/providers',
    validated('query', z.object({ clinic_id: uuid.or(z.literal('')) })),
    async (c) => {
      const { clinic_id } = c.req.valid('query');
      const { tenant } = c.var.auth;
      if (clinic_id && !(await clinicExists(db, tenant.id, clinic_id)))
        throw new NotFound('Clinic not found.');
      const providers = clinic_id ? await listProvidersForClinic(db, tenant.id, clinic_id) : null;
      return c.html(<ProviderField {...view(c)} providers={providers} />);
    },
  );

  return routes;
}
