import { raw } from 'hono/html';
import { PACKAGE_PLACE_FIELDS } from './schedule-fields.js';
import type { CatalogueEntry } from '../../db/packages.js';
import type { PatientPackages } from '../../db/patient-packages.js';
import type { PurchaseSummary } from '../../db/purchases.js';
import type { Locale } from '../../db/schema.js';
import { totalSessions } from '../../db/packages.js';
import { isExpired, isUsable, sessionsRemaining } from '../../domain/purchases.js';
import { formatDate, formatMoney, localName } from '../format.js';
import { sessionCount } from '../../i18n/index.js';
import { PACKAGE_SECTION_ID } from './package-section.js';
import { ServiceSplit } from '../service-split.js';
import { useT } from '../request-context.js';
import { PurchaseBalance } from '../payments/money-fields.js';

export const PACKAGE_MODAL_ID = 'package-modal';
export const PACKAGE_MODAL_BODY_ID = 'package-modal-body';
export const PACKAGE_MODAL_ERROR_ID = 'package-modal-error';
export const PACKAGE_MODAL_LOADING_ID = 'package-modal-loading';

interface ModalProps {
  locale: Locale;
  currency: string;
  data: PatientPackages;
  /** CatalogueCards of data.catalogue, rendered once per catalogue version (routes/appointments.tsx). */
  catalogueCards: string;
}

/** The dialog's body: one fragment, filled by one request when "Use package" is chosen. */
export function PackageModalBody({ locale, currency, data, catalogueCards }: ModalProps) {
  const t = useT();
  const { patient, purchases, catalogue, suggestedId, today } = data;
  // Every button below replaces the booking form's package section: said once here (htmx
  // inherits hx-target and hx-swap), not on each of the catalogue's cards.
  return (
    <div class="modal-content" hx-target={`#${PACKAGE_SECTION_ID}`} hx-swap="outerHTML">
      <header class="modal-header">
        <h2 id="package-modal-title">{t('packagesFor', { name: localName(patient, locale) })}</h2>
        <button type="button" class="modal-close" data-close-dialog aria-label={t('close')}>
          ×
        </button>
      </header>
      <div id={PACKAGE_MODAL_ERROR_ID} aria-live="assertive"></div>
      <section aria-labelledby="assigned-heading" id="assigned-packages">
        <h3 id="assigned-heading">{t('assignedPackages', { count: purchases.length })}</h3>
        {purchases.length === 0 ? (
          <p class="empty">{t('noAssignedPackages')}</p>
        ) : (
          <ul class="package-list">
            {purchases.map((purchase) => (
              <PurchaseCard
                locale={locale}
                currency={currency}
                purchase={purchase}
                patientId={patient.id}
                today={today}
                suggested={purchase.id === suggestedId}
              />
            ))}
          </ul>
        )}
      </section>
      {/* The cards are the same for every patient: the patient's id goes with their buttons'
          requests from here (htmx adds an ancestor's hx-vals to a request's parameters). */}
      <section
        aria-labelledby="available-heading"
        id="available-packages"
        hx-vals={JSON.stringify({ patient_id: patient.id })}
      >
        <h3 id="available-heading">{t('availablePackages', { count: catalogue.length })}</h3>
        {raw(catalogueCards)}
      </section>
    </div>
  );
}

function PurchaseCard(props: {
  locale: Locale;
  currency: string;
  purchase: PurchaseSummary;
  patientId: string;
  today: string;
  suggested: boolean;
}) {
  const t = useT();
  const { locale, purchase, today, suggested } = props;
  const expired = isExpired(purchase, today);
  const titleId = `purchase-${purchase.id}-title`;
  return (
    <li
      id={`purchase-${purchase.id}`}
      class={`package-card${expired ? ' expired' : ''}${suggested ? ' suggested' : ''}`}
      aria-labelledby={titleId}
    >
      <h4 id={titleId}>
        {localName(purchase, locale)}
        {suggested && <span class="badge badge-ok">{t('suggested')}</span>}
        {expired && <span class="badge badge-muted">{t('expired')}</span>}
      </h4>
      <p class="usage">
        {t('sessionsUsed', {
          used: purchase.sessions_used,
          total: purchase.total_sessions,
          remaining: sessionsRemaining(purchase),
        })}{' '}
        <ServiceSplit locale={locale} split={purchase.split} />
      </p>
      <progress
        max={purchase.total_sessions}
        value={purchase.sessions_used}
        aria-label={t('sessionsUsedLabel')}
      ></progress>
      <p class="dates">
        {t('purchasedOn', { date: formatDate(purchase.purchase_date, locale) })} ·{' '}
        {t('expiresOn', { date: formatDate(purchase.expiry_date, locale) })}
      </p>
      <PurchaseBalance locale={locale} currency={props.currency} purchase={purchase} />
      {isUsable(purchase, today) && (
        <button
          type="button"
          class="button primary"
          hx-get={`/appointments/new/package?patient_id=${props.patientId}&package_purchase_id=${purchase.id}`}
          hx-include={PACKAGE_PLACE_FIELDS}
          hx-disabled-elt="this"
          aria-describedby={titleId}
        >
          {t('selectPackage')}
        </button>
      )}
    </li>
  );
}

/** The packages on sale, for any patient of the centre (their id comes from the section). */
export function CatalogueCards(props: {
  locale: Locale;
  currency: string;
  catalogue: CatalogueEntry[];
}) {
  const t = useT();
  if (props.catalogue.length === 0) return <p class="empty">{t('noAvailablePackages')}</p>;
  return (
    <ul class="package-list">
      {props.catalogue.map((entry) => (
        <CatalogueCard locale={props.locale} currency={props.currency} entry={entry} />
      ))}
    </ul>
  );
}

function CatalogueCard(props: { locale: Locale; currency: string; entry: CatalogueEntry }) {
  const t = useT();
  const { locale, entry } = props;
  const titleId = `package-${entry.id}-title`;
  return (
    <li id={`package-${entry.id}`} class="package-card" aria-labelledby={titleId}>
      <h4 id={titleId}>{localName(entry, locale)}</h4>
      <p>
        {t('price')}: <strong>{formatMoney(entry.price, props.currency, locale)}</strong> ·{' '}
        {t('validityDays', { days: entry.validity_days })} ·{' '}
        {sessionCount(locale, totalSessions(entry))}
      </p>
      <ul class="services">
        {entry.services.map((service) => (
          <li>
            {t('serviceLine', {
              service: locale === 'ar' ? service.name_ar : service.name_en,
              sessions: sessionCount(locale, service.sessions),
              clinic: locale === 'ar' ? service.clinic_ar : service.clinic_en,
            })}
          </li>
        ))}
      </ul>
      {/* The sale is confirmed first, in the modal: price, discount, payment (SPEC §7). */}
      <button
        type="button"
        class="button"
        hx-get={`/appointments/new/sale?package_id=${entry.id}`}
        hx-target={`#${PACKAGE_MODAL_BODY_ID}`}
        hx-swap="innerHTML"
        hx-disabled-elt="this"
        aria-describedby={titleId}
      >
        {t('assignPackage')}
      </button>
    </li>
  );
}
