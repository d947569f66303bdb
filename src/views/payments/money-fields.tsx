import type { Locale, PaymentMethod } from '../../db/schema.js';
import type { MessageParams } from '../../domain/errors.js';
import { balanceDue, fromHalalas } from '../../domain/money.js';
import { isMessageKey, type MessageKey } from '../../i18n/index.js';
import type { FieldErrors, FormValues } from '../forms.js';
import { formatMoney } from '../format.js';
import { useT } from '../request-context.js';

/**
 * Money forms' fields (the sale in the package modal, payments and refunds on the patient
 * page). Their errors may carry amounts ("more than the balance due (3,000 SAR)"), so each
 * field's message is translated with the form's params, which the form kit's fields do not take.
 */

export const PAYMENT_METHODS: readonly PaymentMethod[] = ['CASH', 'CARD', 'BANK_TRANSFER'];

/** A money form as submitted: its values and each refused field's message key. */
export interface MoneyFormState {
  values: FormValues;
  errors?: FieldErrors;
  params?: MessageParams;
}

export function useFieldError(state: MoneyFormState | undefined) {
  const t = useT();
  return (name: string): string | undefined => {
    const key = state?.errors?.[name];
    if (!key) return undefined;
    return isMessageKey(key) ? t(key, state?.params) : t('valueInvalid');
  };
}

/** A labelled input with its error tied to it for screen readers. */
export function MoneyInput(props: {
  id: string;
  name: string;
  label: MessageKey;
  value?: string;
  error?: string;
  /** Amounts: decimal keyboard, left to right in Arabic pages too. */
  amount?: boolean;
  required?: boolean;
  autofocus?: boolean;
  maxlength?: number;
  data?: Record<`data-${string}`, string>;
}) {
  const t = useT();
  const errorId = `${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{t(props.label)}</label>
      <input
        id={props.id}
        name={props.name}
        type="text"
        value={props.value ?? ''}
        inputmode={props.amount ? 'decimal' : undefined}
        dir={props.amount ? 'ltr' : undefined}
        autocomplete="off"
        required={props.required}
        autofocus={props.autofocus}
        maxlength={props.maxlength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
        {...props.data}
      />
      {props.error && (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** Cash, card or bank transfer. */
export function MethodSelect(props: { id: string; value?: string; error?: string }) {
  const t = useT();
  const errorId = `${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{t('paymentMethod')}</label>
      <select
        id={props.id}
        name="method"
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
      >
        {PAYMENT_METHODS.map((method) => (
          <option value={method} selected={method === (props.value ?? 'CASH')}>
            {t(`method_${method}`)}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** "Paid 2,000 SAR · Balance due 2,500 SAR", or "Paid in full". */
export function PurchaseBalance(props: {
  locale: Locale;
  currency: string;
  purchase: { price: string; discount: string; amount_paid: string };
  id?: string;
}) {
  const t = useT();
  const { locale, currency, purchase } = props;
  const due = balanceDue(purchase);
  const money = (amount: string) => formatMoney(amount, currency, locale);
  return (
    <p class={`balance${due > 0 ? ' balance-due' : ' balance-paid'}`} id={props.id}>
      {due > 0
        ? t('paidAndBalance', {
            paid: money(purchase.amount_paid),
            balance: money(fromHalalas(due)),
          })
        : t('paidInFull', { paid: money(purchase.amount_paid) })}
    </p>
  );
}
