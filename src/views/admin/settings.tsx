import { Form, SelectField, TextField, type FormState } from '../forms.js';
import type { Translate } from '../i18n.js';

export function SettingsPage(props: {
  t: Translate;
  form: FormState;
  timeZones: string[];
  csrfToken: string;
  saved: boolean;
}) {
  const { t, form } = props;
  return (
    <section class="card" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('centreSettings')}</h1>
      {props.saved && (
        <p class="alert alert-ok" role="status" id="settings-notice">
          {t('settingsSaved')}
        </p>
      )}
      <Form
        t={t}
        action="/admin/settings"
        csrfToken={props.csrfToken}
        id="settings-form"
        errors={form.errors}
      >
        <TextField
          t={t}
          value={form.values.name}
          errors={form.errors}
          name="name"
          id="settings-name"
          label={t('centreName')}
          required
          autofocus
        />
        <div class="field-row">
          <SelectField
            t={t}
            value={form.values.timezone}
            errors={form.errors}
            name="timezone"
            id="settings-timezone"
            label={t('timezone')}
            dir="ltr"
            options={props.timeZones.map((zone) => ({ value: zone, label: zone }))}
          />
          <TextField
            t={t}
            value={form.values.currency}
            errors={form.errors}
            name="currency"
            id="settings-currency"
            label={t('currency')}
            help={t('currencyHelp')}
            required
            dir="ltr"
          />
          <TextField
            t={t}
            value={form.values.cancellation_window_hours}
            errors={form.errors}
            name="cancellation_window_hours"
            id="settings-cancellation-window"
            label={t('cancellationWindowHours')}
            help={t('cancellationWindowHelp')}
            type="number"
            min="0"
            max="168"
            required
            dir="ltr"
          />
        </div>
        <button type="submit" class="button primary">
          {t('save')}
        </button>
      </Form>
    </section>
  );
}
