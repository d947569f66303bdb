import {
  AUDIT_ACTIONS,
  AUDIT_ENTITIES,
  type AuditEntryRow,
  type AuditFilter,
} from '../../db/audit.js';
import type { Locale } from '../../db/schema.js';
import { formatDateAt, formatTime } from '../format.js';
import type { MessageKey, Translate } from '../../i18n/index.js';
import { auditEn } from '../../i18n/audit.js';
import { useT } from '../request-context.js';

export const AUDIT_TABLE_ID = 'audit-entries';
export const AUDIT_OLDER_ID = 'audit-older';

export interface AuditPageProps {
  locale: Locale;
  timezone: string;
  filter: AuditFilter;
  actors: { id: string; name: string; email: string }[];
  entries: AuditEntryRow[];
  /** The address of the next (older) page, or null on the last one. */
  olderUrl: string | null;
}

const actionLabel = (t: Translate, action: string) =>
  (AUDIT_ACTIONS as readonly string[]).includes(action)
    ? t(`auditAction_${action}` as MessageKey)
    : action;

const entityLabel = (t: Translate, entity: string) =>
  (AUDIT_ENTITIES as readonly string[]).includes(entity)
    ? t(`auditEntity_${entity}` as MessageKey)
    : entity;

/** Where a record of this kind is shown, if it has a page (a purchase: its patient's). */
function entityUrl(entry: AuditEntryRow): string | null {
  if (!entry.entity_id) return null;
  if (entry.entity === 'patient') return `/patients/${entry.entity_id}`;
  if (entry.entity === 'appointment') return `/appointments/${entry.entity_id}`;
  if (entry.entity === 'package_purchase' && entry.entity_patient_id) {
    return `/patients/${entry.entity_patient_id}`;
  }
  return null;
}

/** 'starts_at' → 'Starts'; a field without a label keeps its name, spaced. */
function fieldLabel(t: Translate, key: string): string {
  const label = `auditField_${key}`;
  return label in auditEn ? t(label as MessageKey) : key.replace(/_/g, ' ');
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A value as staff read it: statuses in words, instants in the centre's time, ids short. */
function ReadableValue(props: {
  t: Translate;
  field: string;
  value: unknown;
  locale: Locale;
  timezone: string;
}) {
  const { t, field, value, locale, timezone } = props;
  if (value === null || value === undefined || value === '') return <bdi>—</bdi>;
  if (typeof value === 'string') {
    const status = `status_${value}`;
    if (field === 'status' && status in statusLabels) return <bdi>{t(status as MessageKey)}</bdi>;
    if (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) {
      return <Instant at={new Date(value)} timezone={timezone} locale={locale} />;
    }
    return <bdi dir={/\p{Script=Arabic}/u.test(value) ? undefined : 'ltr'}>{value}</bdi>;
  }
  return <bdi dir="ltr">{JSON.stringify(value)}</bdi>;
}

/**
 * A date and time as read in the page's language: the date in its own direction ('30 نوفمبر
 * 2026' keeps its order inside Arabic), the time a left-to-right island.
 */
function Instant(props: { at: Date; timezone: string; locale: Locale }) {
  const { at, timezone, locale } = props;
  return (
    <>
      <bdi>{formatDateAt(at, timezone, locale)}</bdi>{' '}
      <bdi dir="ltr">{formatTime(at, timezone, locale)}</bdi>
    </>
  );
}

const statusLabels: Record<string, true> = Object.fromEntries(
  ['BOOKED', 'CONFIRMED', 'ARRIVED', 'COMPLETED', 'CANCELLED', 'LATE_CANCELLED', 'NO_SHOW'].map(
    (status) => [`status_${status}`, true],
  ),
);

export function AuditPage(props: AuditPageProps) {
  const t = useT();
  const { filter, actors, entries, olderUrl } = props;
  return (
    <section class="card" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('auditLog')}</h1>
      <p class="muted">{t('auditIntro')}</p>
      <form
        method="get"
        action="/admin/audit"
        class="day-view-controls"
        id="audit-filters"
        aria-label={t('auditFilters')}
      >
        <div class="field">
          <label for="audit-action">{t('auditAction')}</label>
          <select id="audit-action" name="action">
            <option value="">{t('auditAny')}</option>
            {AUDIT_ACTIONS.map((action) => (
              <option value={action} selected={filter.action === action}>
                {actionLabel(t, action)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-entity">{t('auditEntity')}</label>
          <select id="audit-entity" name="entity">
            <option value="">{t('auditAny')}</option>
            {AUDIT_ENTITIES.map((entity) => (
              <option value={entity} selected={filter.entity === entity}>
                {entityLabel(t, entity)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-actor">{t('auditActor')}</label>
          <select id="audit-actor" name="actor">
            <option value="">{t('auditAny')}</option>
            {actors.map((actor) => (
              <option value={actor.id} selected={filter.actorId === actor.id}>
                {actor.name} ({actor.email})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-entity-id">{t('auditEntityId')}</label>
          <input
            id="audit-entity-id"
            name="entity_id"
            value={filter.entityId ?? ''}
            dir="ltr"
            size={36}
            autocomplete="off"
          />
        </div>
        <div class="field">
          <label for="audit-from">{t('auditFrom')}</label>
          <input id="audit-from" type="date" name="from" value={filter.from ?? ''} />
        </div>
        <div class="field">
          <label for="audit-to">{t('auditTo')}</label>
          <input id="audit-to" type="date" name="to" value={filter.to ?? ''} />
        </div>
        <button type="submit" class="button primary">
          {t('auditApply')}
        </button>
        <a href="/admin/audit">{t('auditClear')}</a>
      </form>
      {entries.length === 0 ? (
        <p class="empty" id="audit-empty">
          {t('auditNoEntries')}
        </p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby="audit-title" tabindex={0}>
          <table class="data-table audit-table" id={AUDIT_TABLE_ID}>
            <caption class="visually-hidden">
              {t('auditEntriesShown', { count: entries.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('auditWhen')}</th>
                <th scope="col">{t('auditActor')}</th>
                <th scope="col">{t('auditAction')}</th>
                <th scope="col">{t('auditEntity')}</th>
                <th scope="col">{t('auditChange')}</th>
                <th scope="col">{t('auditAddress')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow {...props} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {olderUrl && (
        <p>
          <a id={AUDIT_OLDER_ID} rel="next" href={olderUrl}>
            {t('auditOlder')}
          </a>
        </p>
      )}
    </section>
  );
}

function AuditRow({
  locale,
  timezone,
  entry,
}: Pick<AuditPageProps, 'locale' | 'timezone'> & { entry: AuditEntryRow }) {
  const t = useT();
  const url = entityUrl(entry);
  const name = (locale === 'ar' ? entry.entity_name_ar : null) ?? entry.entity_name_en;
  return (
    // On a phone each row is a card, each value after its column's name (data-label).
    <tr data-action={entry.action}>
      <td data-label={t('auditWhen')}>
        <time datetime={entry.at.toISOString()}>
          <Instant at={entry.at} timezone={timezone} locale={locale} />
        </time>
      </td>
      <td data-label={t('auditActor')}>
        {entry.actor_name ? <bdi>{entry.actor_name}</bdi> : t('auditSystem')}
      </td>
      <td data-label={t('auditAction')}>{actionLabel(t, entry.action)}</td>
      <td data-label={t('auditEntity')}>
        {entityLabel(t, entry.entity)}
        {entry.entity_id && (
          <>
            {': '}
            {url ? (
              <a href={url}>
                <bdi>{name ?? entry.entity_id.slice(0, 8)}</bdi>
              </a>
            ) : (
              <bdi>{name ?? entry.entity_id.slice(0, 8)}</bdi>
            )}{' '}
            <bdi dir="ltr" class="identifier muted" title={entry.entity_id}>
              {entry.entity_id.slice(0, 8)}
            </bdi>
          </>
        )}
      </td>
      <td class="audit-change" data-label={t('auditChange')}>
        <Changes entry={entry} locale={locale} timezone={timezone} />
      </td>
      <td data-label={t('auditAddress')}>{entry.ip && <bdi dir="ltr">{entry.ip}</bdi>}</td>
    </tr>
  );
}

function asRecord(values: unknown): Record<string, unknown> | null {
  if (values === null || values === undefined) return null;
  return typeof values === 'object' && !Array.isArray(values)
    ? (values as Record<string, unknown>)
    : { value: values };
}

/**
 * Before and after as a short list: with both, only the fields that changed ("Status: Booked →
 * Arrived"); with one, its fields. Ids and timestamps stay left to right inside Arabic.
 */
function Changes(props: { entry: AuditEntryRow; locale: Locale; timezone: string }) {
  const t = useT();
  const before = asRecord(props.entry.before);
  const after = asRecord(props.entry.after);
  const value = (field: string, v: unknown) => (
    <ReadableValue t={t} field={field} value={v} locale={props.locale} timezone={props.timezone} />
  );
  if (before && after) {
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
    );
    return (
      <ul class="audit-values">
        {fields.map((field) => (
          <li>
            <span class="audit-key">{fieldLabel(t, field)}:</span> {value(field, before[field])}{' '}
            {props.locale === 'ar' ? '←' : '→'} {value(field, after[field])}
          </li>
        ))}
      </ul>
    );
  }
  const only = after ?? before;
  if (!only) return null;
  return (
    <dl class="audit-values">
      <dt>{after ? t('auditAfter') : t('auditBefore')}</dt>
      {Object.entries(only).map(([field, v]) => (
        <dd>
          <span class="audit-key">{fieldLabel(t, field)}:</span> {value(field, v)}
        </dd>
      ))}
    </dl>
  );
}
