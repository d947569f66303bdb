import type { ClinicOption } from '../../db/clinics.js';
import type { ProviderOption } from '../../db/providers.js';
import type { Locale } from '../../db/schema.js';
import { localName } from '../format.js';
import { refreshSlots } from './schedule-fields.js';
import { useT } from '../request-context.js';

export const CLINIC_FIELD_ID = 'clinic-field';
export const PROVIDER_FIELD_ID = 'provider-field';
export const PLACE_NOT_KEPT_ID = 'place-not-kept';

/**
 * The clinic list; choosing one loads its providers. With exactly one clinic it comes
 * selected, and the caller sends its providers along in the same response.
 */
export function ClinicField(props: {
  locale: Locale;
  clinics: ClinicOption[];
  /** Chosen already (the calendar's free time, a kept choice). */
  selected?: string | null;
  /** Why the clinic, provider or day chosen before the package were not kept. */
  notKept?: string | null;
  oob?: boolean;
}) {
  const t = useT();
  const { locale, clinics } = props;
  const only = clinics.length === 1 ? clinics[0] : undefined;
  const chosen = only ?? clinics.find((clinic) => clinic.id === props.selected);
  return (
    <div id={CLINIC_FIELD_ID} class="field" hx-swap-oob={props.oob ? 'true' : undefined}>
      <label for="clinic">
        {t('clinic')}{' '}
        <span id="providers-indicator" class="htmx-indicator spinner">
          {t('loading')}
        </span>
      </label>
      <select
        id="clinic"
        name="clinic_id"
        required
        hx-get="/appointments/new/providers"
        hx-trigger="change"
        hx-include="#booking-form"
        hx-target={`#${PROVIDER_FIELD_ID}`}
        hx-swap="outerHTML"
        hx-indicator="#providers-indicator"
        hx-disabled-elt="#provider, #book-button"
      >
        {!only && <option value="">{t('chooseClinic')}</option>}
        {clinics.map((clinic) => (
          <option value={clinic.id} selected={clinic === chosen}>
            {localName(clinic, locale)}
          </option>
        ))}
      </select>
      {clinics.length === 0 && <p class="field-error">{t('noClinicsLeft')}</p>}
      {props.notKept && (
        <p id={PLACE_NOT_KEPT_ID} class="help" role="status">
          {props.notKept}
        </p>
      )}
    </div>
  );
}

export function ProviderField(props: {
  locale: Locale;
  providers: ProviderOption[] | null;
  /** The likeliest provider (who saw the patient for this service last), chosen already. */
  selected?: string | null;
  oob?: boolean;
}) {
  const t = useT();
  const { locale, providers } = props;
  return (
    <div id={PROVIDER_FIELD_ID} class="field" hx-swap-oob={props.oob ? 'true' : undefined}>
      <label for="provider">{t('provider')}</label>
      <select id="provider" name="provider_id" disabled={providers === null} {...refreshSlots}>
        <option value="">
          {providers === null ? t('chooseClinicFirst') : t('chooseProvider')}
        </option>
        {(providers ?? []).map((provider) => (
          <option value={provider.id} selected={provider.id === props.selected}>
            {localName(provider, locale)}
          </option>
        ))}
      </select>
      {providers?.length === 0 && <p class="field-error">{t('noProviders')}</p>}
    </div>
  );
}
