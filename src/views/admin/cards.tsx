import type { Child } from 'hono/jsx';
import { Form, TextField, type FieldErrors } from '../forms.js';
import { useT } from '../request-context.js';

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

/** "Edit" in a list row; a screen reader hears which row. */
export function RowLink(props: { href: string; label: string; name: string }) {
  return (
    <a href={props.href}>
      {props.label}
      <span class="visually-hidden"> {props.name}</span>
    </a>
  );
}

/** What every administration form page gets from its route. */
export interface FormPageProps {
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
      <Form
        id={props.id}
        action={props.action}
        csrfToken={props.csrfToken}
        formToken={props.formToken}
        errors={props.errors}
      >
        {props.children}
      </Form>
    </section>
  );
}

/** Every catalogue row and provider has its name in both languages. */
export function NameFields(props: {
  values: { name_en: string; name_ar: string };
  errors: FieldErrors;
}) {
  const t = useT();
  const { values, errors } = props;
  return (
    <>
      <TextField
        name="name_en"
        label={t('nameEn')}
        value={values.name_en}
        errors={errors}
        lang="en"
        dir="ltr"
      />
      <TextField
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
