import { Form, SelectField, TextField, type FormState } from '../forms.js';
import { useT } from '../request-context.js';

export function SettingsPage(props: {
  form: FormState;
  timeZones: string[];
  csrfToken: string;
  saved: boolean;
}) {
  const t = useT();
  const { form } = props;
  return (
    <section class="card" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('centreSettings')}</h1>
      {props.saved && (
        <p class="alert alert-ok" role="status" id="settings-notice">
          {t('settingsSaved')}
        </p>
      )}
      <Form
        action="/admin/settings"
        csrfToken={props.csrfToken}
        id="settings-form"
        errors={form.errors}
      >
        <TextField
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
            value={form.values.timezone}
            errors={form.errors}
            name="timezone"
            id="settings-timezone"
            label={t('timezone')}
            dir="ltr"
            options={props.timeZones.map((zone) => ({ value: zone, label: zone }))}
          />
          <TextField
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
