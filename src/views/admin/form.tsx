import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../../auth/csrf.js';
import type { FieldErrors } from '../../routes/validation.js';
import { isMessageKey, type Translate } from '../i18n.js';

/**
 * Building blocks of the administrator's forms. Field errors hold message keys (the zod
 * schemas name them), so one error reads well in English and in Arabic.
 */

export function errorText(t: Translate, message: string): string {
  return isMessageKey(message) ? t(message) : t('errInvalid');
}

/** Form fields as they were submitted (strings), for re-rendering a refused form. */
export type Submitted = Record<string, unknown>;

export function submittedText(submitted: Submitted, name: string): string {
  const value = submitted[name];
  return typeof value === 'string' ? value : '';
}

/** A repeated field (`name[]`, or a checkbox group) as a list of strings. */
export function submittedList(submitted: Submitted, name: string): string[] {
  const value = submitted[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

interface FieldProps {
  t: Translate;
  name: string;
  label: string;
  errors: FieldErrors;
  help?: string;
  /** The input's id; the field name by default. */
  id?: string;
}

function describedBy(id: string, error: string | undefined, help: string | undefined) {
  const ids = [help && `${id}-help`, error && `${id}-error`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldNotes({
  t,
  id,
  error,
  help,
}: {
  t: Translate;
  id: string;
  error?: string;
  help?: string;
}) {
  return (
    <>
      {help && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {errorText(t, error)}
        </p>
      )}
    </>
  );
}

export function TextField(
  props: FieldProps & {
    value: string;
    type?: 'text' | 'time' | 'datetime-local';
    inputmode?: 'decimal' | 'numeric';
    dir?: 'ltr' | 'rtl';
    lang?: string;
    autofocus?: boolean;
  },
) {
  const id = props.id ?? props.name;
  const error = props.errors[id];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        inputmode={props.inputmode}
        dir={props.dir}
        lang={props.lang}
        autofocus={props.autofocus}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.help)}
      />
      <FieldNotes t={props.t} id={id} error={error} help={props.help} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(
  props: FieldProps & { value: string; options: Option[]; placeholder: string },
) {
  const id = props.id ?? props.name;
  const error = props.errors[id];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.help)}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldNotes t={props.t} id={id} error={error} help={props.help} />
    </div>
  );
}

export function CheckboxGroup(props: FieldProps & { values: string[]; options: Option[] }) {
  const error = props.errors[props.name];
  const id = props.id ?? props.name;
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
      <FieldNotes t={props.t} id={id} error={error} help={props.help} />
    </fieldset>
  );
}

/** A POST form with the CSRF field, and the summary line when something was refused. */
export function AdminForm(props: {
  t: Translate;
  id: string;
  action: string;
  csrfToken: string;
  errors: FieldErrors;
  /** The "new …" forms' token: a double submit finds the row the first one made. */
  formToken?: string;
  children?: Child;
}) {
  const failed = Object.keys(props.errors).length > 0;
  return (
    <form method="post" action={props.action} class="stack" id={props.id} novalidate>
      <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
      {props.formToken && <input type="hidden" name="form_token" value={props.formToken} />}
      {failed && (
        <p class="alert alert-error" role="alert" id={`${props.id}-errors`}>
          {props.errors._ ? errorText(props.t, props.errors._) : props.t('adminFormInvalid')}
        </p>
      )}
      {props.children}
    </form>
  );
}

export function FormButtons({ t, listHref }: { t: Translate; listHref: string }) {
  return (
    <p class="actions">
      <button type="submit" class="button primary">
        {t('adminSave')}
      </button>
      <a class="button" href={listHref}>
        {t('adminCancel')}
      </a>
    </p>
  );
}

/** A list page's card: title, "new" link, then the table or the empty line. */
export function ListCard(props: {
  id: string;
  title: string;
  newHref: string;
  newLabel: string;
  children?: Child;
}) {
  return (
    <section class="card stack" id={props.id} aria-labelledby={`${props.id}-title`}>
      <div class="list-header">
        <h1 id={`${props.id}-title`}>{props.title}</h1>
        <a class="button primary" href={props.newHref} id={`${props.id}-new`}>
          {props.newLabel}
        </a>
      </div>
      {props.children}
    </section>
  );
}

/** Every catalogue row and provider has its name in both languages. */
export function NameFields(props: {
  t: Translate;
  values: { name_en: string; name_ar: string };
  errors: FieldErrors;
}) {
  const { t, values, errors } = props;
  return (
    <>
      <TextField
        t={t}
        name="name_en"
        label={t('nameEn')}
        value={values.name_en}
        errors={errors}
        lang="en"
        dir="ltr"
      />
      <TextField
        t={t}
        name="name_ar"
        label={t('nameAr')}
        value={values.name_ar}
        errors={errors}
        lang="ar"
        dir="rtl"
      />
    </>
  );
}

/** "Edit" in a list row; a screen reader hears which row. */
export function RowLink(props: { href: string; label: string; name: string }) {
  return (
    <a href={props.href}>
      {props.label}
      <span class="visually-hidden"> {props.name}</span>
    </a>
  );
}

/** What every form page gets from its route. */
export interface FormPageProps {
  t: Translate;
  title: string;
  action: string;
  csrfToken: string;
  formToken?: string;
  errors: FieldErrors;
}

/** A form page's card: its title, what comes before the form (links), then the form. */
export function FormCard(props: FormPageProps & { id: string; before?: Child; children?: Child }) {
  return (
    <section class="card narrow-form" aria-labelledby={`${props.id}-title`}>
      <h1 id={`${props.id}-title`}>{props.title}</h1>
      {props.before}
      <AdminForm
        t={props.t}
        id={props.id}
        action={props.action}
        csrfToken={props.csrfToken}
        formToken={props.formToken}
        errors={props.errors}
      >
        {props.children}
      </AdminForm>
    </section>
  );
}
