import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../auth/csrf.js';
import { isMessageKey, type Translate } from './i18n.js';

/** What a form shows: the submitted (or stored) values and the message of each bad field. */
export interface FormState {
  values: Record<string, string | undefined>;
  errors?: Record<string, string>;
}

/** Field errors hold message keys; a stray library message still shows, untranslated. */
export function errorText(t: Translate, error: string | undefined): string | undefined {
  if (!error) return undefined;
  return isMessageKey(error) ? t(error) : error;
}

interface FieldProps {
  t: Translate;
  form: FormState;
  name: string;
  id: string;
  label: string;
  help?: string;
  type?: string;
  required?: boolean;
  autofocus?: boolean;
  autocomplete?: string;
  /** Latin data (emails, phones, codes) reads left to right in Arabic pages too. */
  dir?: 'ltr' | 'rtl';
  lang?: string;
  max?: string;
  min?: string;
}

/** A labelled input with its help and its error, both tied to it for screen readers. */
export function TextField(props: FieldProps) {
  const error = errorText(props.t, props.form.errors?.[props.name]);
  const described =
    [error && `${props.id}-error`, props.help && `${props.id}-help`].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : (props.form.values[props.name] ?? '')}
        required={props.required}
        autofocus={props.autofocus}
        autocomplete={props.autocomplete}
        dir={props.dir}
        lang={props.lang}
        max={props.max}
        min={props.min}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
      />
      {props.help && (
        <p class="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${props.id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A select of `options` ([value, label]) with the same label, help and error as TextField. */
export function SelectField(
  props: Omit<FieldProps, 'type' | 'max' | 'min'> & { options: [string, string][] },
) {
  const error = errorText(props.t, props.form.errors?.[props.name]);
  const selected = props.form.values[props.name];
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.name}
        required={props.required}
        autofocus={props.autofocus}
        dir={props.dir}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${props.id}-error` : undefined}
      >
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === selected}>
            {label}
          </option>
        ))}
      </select>
      {error && (
        <p class="field-error" id={`${props.id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Shown above a form that came back with field errors. */
export function FormErrorSummary({ t, form }: { t: Translate; form: FormState }) {
  if (!form.errors || Object.keys(form.errors).length === 0) return null;
  return (
    <p class="alert alert-error" role="alert">
      {errorText(t, form.errors._) ?? t('formInvalid')}
    </p>
  );
}

/** A plain HTML form posting to `action` with the session's CSRF token. */
export function PostForm(props: {
  action: string;
  csrfToken: string;
  id?: string;
  class?: string;
  children?: Child;
}) {
  return (
    <form
      method="post"
      action={props.action}
      id={props.id}
      class={props.class ?? 'stack'}
      novalidate
    >
      <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
      {props.children}
    </form>
  );
}

/** A password input: never filled back in, left to right in Arabic pages too. */
export function PasswordField(
  props: Omit<FieldProps, 'type' | 'dir' | 'max' | 'min'> & { autocomplete: string },
) {
  return <TextField {...props} type="password" required dir="ltr" />;
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
