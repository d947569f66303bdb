import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../auth/csrf.js';
import { isMessageKey, type Translate } from '../i18n/index.js';
import { useT } from './request-context.js';

/**
 * The form kit: every form posts through `Form` (CSRF field, the "new …" form's token, the
 * summary line when something was refused) and shows its fields with `TextField`,
 * `SelectField`, `CheckboxGroup` or `PasswordField`. Field errors hold message keys (the zod
 * schemas name them), so one error reads well in English and in Arabic.
 */

/** The message key of each refused field, by field name; `_` for the form as a whole. */
export type FieldErrors = Record<string, string>;

/** Form fields as they were submitted (a parsed body), for re-rendering a refused form. */
export type Submitted = Record<string, unknown>;

/** The text of each field a form shows: as submitted, or as stored. */
export type FormValues = Record<string, string | undefined>;

/** What a form shows: its values and the error of each bad field. */
export interface FormState {
  values: FormValues;
  errors?: FieldErrors;
}

/** One submitted field as text ('' when absent or repeated). */
export function submittedText(submitted: Submitted, name: string): string {
  const value = submitted[name];
  return typeof value === 'string' ? value : '';
}

/** The form token a refused form sends back, so its next submission is still recognised once. */
export function submittedFormToken(submitted: Submitted): string | undefined {
  return submittedText(submitted, 'form_token') || undefined;
}

/** A repeated field (`name[]`, or a checkbox group) as a list of strings. */
export function submittedList(submitted: Submitted, name: string): string[] {
  const value = submitted[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** The text of every field, for re-rendering a form as it was sent. */
export function submittedValues(submitted: Submitted): FormValues {
  return Object.fromEntries(
    Object.entries(submitted).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** A message key reads in the page's language; anything else (a library's text) does not show. */
export function errorText(t: Translate, error: string): string {
  return isMessageKey(error) ? t(error) : t('valueInvalid');
}

interface FieldProps {
  name: string;
  label: string;
  /** The form's errors; this field's is `errors[name]`. */
  errors?: FieldErrors;
  help?: string;
  /** The input's id; the field name by default. */
  id?: string;
  required?: boolean;
  autofocus?: boolean;
  /** Latin data (emails, phones, codes) reads left to right in Arabic pages too. */
  dir?: 'ltr' | 'rtl';
}

function describedBy(id: string, error: string | undefined, help: string | undefined) {
  const ids = [error && `${id}-error`, help && `${id}-help`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The field's help and its error, both tied to the input for screen readers. */
function FieldNotes(props: { id: string; error?: string; help?: string }) {
  const t = useT();
  return (
    <>
      {props.help && (
        <p class="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {errorText(t, props.error)}
        </p>
      )}
    </>
  );
}

/** A labelled input with its help and its error. */
export function TextField(
  props: FieldProps & {
    value?: string;
    type?: 'text' | 'tel' | 'email' | 'date' | 'number' | 'password' | 'time' | 'datetime-local';
    inputmode?: 'decimal' | 'numeric';
    autocomplete?: string;
    lang?: string;
    max?: string;
    min?: string;
    step?: string;
  },
) {
  const id = props.id ?? props.name;
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : (props.value ?? '')}
        required={props.required}
        autofocus={props.autofocus}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        dir={props.dir}
        lang={props.lang}
        max={props.max}
        min={props.min}
        step={props.step}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.help)}
      />
      <FieldNotes id={id} error={error} help={props.help} />
    </div>
  );
}

/** A password input: never filled back in, left to right in Arabic pages too. */
export function PasswordField(props: FieldProps & { autocomplete: string }) {
  return <TextField {...props} type="password" required dir="ltr" />;
}

export interface Option {
  value: string;
  label: string;
}

/** A select of `options`; `placeholder` is a first, empty choice. */
export function SelectField(
  props: FieldProps & {
    value?: string;
    options: Option[];
    placeholder?: string;
    /** htmx attributes of the select (a choice that refreshes another field). */
    hx?: Record<`hx-${string}`, string>;
  },
) {
  const id = props.id ?? props.name;
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        {...props.hx}
        id={id}
        name={props.name}
        required={props.required}
        autofocus={props.autofocus}
        dir={props.dir}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.help)}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldNotes id={id} error={error} help={props.help} />
    </div>
  );
}

/** Checkboxes sharing one name; `values` are the ticked ones. */
export function CheckboxGroup(props: FieldProps & { values: string[]; options: Option[] }) {
  const id = props.id ?? props.name;
  const error = props.errors?.[props.name];
  return (
    <fieldset
      class="checkbox-group"
      aria-invalid={error ? 'true' : undefined}
      aria-describedby={describedBy(id, error, props.help)}
    >
      <legend>{props.label}</legend>
      {props.options.map((option) => (
        <label class="check">
          <input
            type="checkbox"
            name={props.name}
            value={option.value}
            checked={props.values.includes(option.value)}
          />{' '}
          {option.label}
        </label>
      ))}
      <FieldNotes id={id} error={error} help={props.help} />
    </fieldset>
  );
}

/** One checkbox with its label (value '1' when ticked); `checked` from the form's values. */
export function CheckboxField(props: FieldProps & { checked: boolean }) {
  const id = props.id ?? props.name;
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label class="check" for={id}>
        <input
          type="checkbox"
          id={id}
          name={props.name}
          value="1"
          checked={props.checked}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, error, props.help)}
        />{' '}
        {props.label}
      </label>
      <FieldNotes id={id} error={error} help={props.help} />
    </div>
  );
}

/** The line above a form that came back with errors: the form's own error, or "correct…". */
export function ErrorSummary(props: { id?: string; errors?: FieldErrors }) {
  const t = useT();
  const { errors } = props;
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <p class="alert alert-error" role="alert" id={props.id}>
      {errors._ ? errorText(t, errors._) : t('formInvalid')}
    </p>
  );
}

/**
 * A form with what every form carries: the session's CSRF token (htmx forms send it as a
 * header instead), the "new …" form's token (a double submit finds the row the first one
 * made, see db/form-submissions.ts) and the summary when something was refused.
 * htmx attributes (`hx-post`, …) pass through.
 */
export function Form(
  props: {
    id: string;
    /** Plain POST to `action`; an htmx form gives `hx-post` instead. */
    action?: string;
    csrfToken?: string;
    formToken?: string;
    errors?: FieldErrors;
    class?: string;
    autocomplete?: 'off';
    children?: Child;
  } & { [hx: `hx-${string}`]: string },
) {
  const { id, action, csrfToken, formToken, errors, children, ...attributes } = props;
  return (
    <form
      {...attributes}
      method={action ? 'post' : undefined}
      action={action}
      id={id}
      class={props.class ?? 'stack'}
      novalidate
    >
      {csrfToken && <input type="hidden" name={CSRF_FIELD} value={csrfToken} />}
      {formToken && <input type="hidden" name="form_token" value={formToken} />}
      <ErrorSummary id={`${id}-errors`} errors={errors} />
      {children}
    </form>
  );
}

/** Submit, and a way back without saving. */
export function FormActions(props: {
  submitLabel: string;
  cancelLabel: string;
  cancelHref: string;
}) {
  return (
    <p class="actions">
      <button type="submit" class="button primary">
        {props.submitLabel}
      </button>
      <a class="button" href={props.cancelHref}>
        {props.cancelLabel}
      </a>
    </p>
  );
}
