import {
  FormErrorSummary,
  PostForm,
  SelectField,
  TextField,
  type FormState,
} from '../form-fields.js';
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
      <PostForm action="/admin/settings" csrfToken={props.csrfToken} id="settings-form">
        <FormErrorSummary t={t} form={form} />
        <TextField
          t={t}
          form={form}
          name="name"
          id="settings-name"
          label={t('centreName')}
          required
          autofocus
        />
        <div class="field-row">
          <SelectField
            t={t}
            form={form}
            name="timezone"
            id="settings-timezone"
            label={t('timezone')}
            dir="ltr"
            options={props.timeZones.map((zone) => [zone, zone])}
          />
          <TextField
            t={t}
            form={form}
            name="currency"
            id="settings-currency"
            label={t('currency')}
            help={t('currencyHelp')}
            required
            dir="ltr"
          />
          <TextField
            t={t}
            form={form}
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
      </PostForm>
    </section>
  );
}
