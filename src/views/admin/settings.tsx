import type { MessageChannel } from '../../db/schema.js';
import { CheckboxGroup, Form, SelectField, TextField, type FormState } from '../forms.js';
import { useT } from '../request-context.js';

const CHANNELS: MessageChannel[] = ['log', 'email', 'sms', 'whatsapp'];

export const SETTINGS_FORM_ID = 'settings-form';

export function SettingsPage(props: {
  form: FormState;
  /** The channels ticked. */
  channels: string[];
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
        id={SETTINGS_FORM_ID}
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
        <fieldset class="stack" id="settings-messages">
          <legend>{t('messagesSettings')}</legend>
          <CheckboxGroup
            name="channels"
            id="settings-channels"
            label={t('messageChannels')}
            help={t('messageChannelsHelp')}
            values={props.channels}
            errors={form.errors}
            options={CHANNELS.map((channel) => ({
              value: channel,
              label: t(`messageChannel_${channel}`),
            }))}
          />
          <div class="field-row">
            <TextField
              value={form.values.reminder_hours_before}
              errors={form.errors}
              name="reminder_hours_before"
              id="settings-reminder-hours"
              label={t('reminderHoursBefore')}
              help={t('reminderHoursHelp')}
              type="number"
              min="1"
              max="168"
              dir="ltr"
            />
            <TextField
              value={form.values.quiet_hours_start}
              errors={form.errors}
              name="quiet_hours_start"
              id="settings-quiet-start"
              label={t('quietHoursStart')}
              type="time"
              required
              dir="ltr"
            />
            <TextField
              value={form.values.quiet_hours_end}
              errors={form.errors}
              name="quiet_hours_end"
              id="settings-quiet-end"
              label={t('quietHoursEnd')}
              type="time"
              required
              dir="ltr"
            />
          </div>
          <p class="help" id="settings-quiet-help">
            {t('quietHoursHelp')}
          </p>
        </fieldset>
        <fieldset class="stack" id="settings-tax">
          <legend>{t('taxSettings')}</legend>
          <div class="field-row">
            <TextField
              value={form.values.vat_percent}
              errors={form.errors}
              name="vat_percent"
              id="settings-vat-percent"
              label={t('vatPercent')}
              help={t('vatPercentHelp')}
              inputmode="decimal"
              required
              dir="ltr"
            />
            <TextField
              value={form.values.vat_number}
              errors={form.errors}
              name="vat_number"
              id="settings-vat-number"
              label={t('vatNumber')}
              help={t('vatNumberHelp')}
              autocomplete="off"
              dir="ltr"
            />
            <TextField
              value={form.values.country}
              errors={form.errors}
              name="country"
              id="settings-country"
              label={t('country')}
              help={t('countryHelp')}
              autocomplete="off"
              dir="ltr"
            />
          </div>
        </fieldset>
        <button type="submit" class="button primary">
          {t('save')}
        </button>
      </Form>
    </section>
  );
}
