import {
  AUDIT_ACTIONS,
  AUDIT_ENTITIES,
  type AuditEntryRow,
  type AuditFilter,
} from '../../db/audit.js';
import type { Locale } from '../../db/schema.js';
import { formatDateAt, formatTime } from '../format.js';
import type { MessageKey, Translate } from '../../i18n/index.js';
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

/** Where a record of this kind is shown, if it has a page. */
function entityUrl(entity: string, id: string): string | null {
  if (entity === 'patient') return `/patients/${id}`;
  if (entity === 'appointment') return `/appointments/${id}`;
  return null;
}

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
  const url = entry.entity_id ? entityUrl(entry.entity, entry.entity_id) : null;
  return (
    <tr data-action={entry.action}>
      <td>
        <time datetime={entry.at.toISOString()}>
          {formatDateAt(entry.at, timezone, locale)} {formatTime(entry.at, timezone, locale)}
        </time>
      </td>
      <td>{entry.actor_name ?? t('auditSystem')}</td>
      <td>{actionLabel(t, entry.action)}</td>
      <td>
        {entityLabel(t, entry.entity)}
        {entry.entity_id && (
          <>
            {' '}
            {url ? (
              <a href={url} dir="ltr">
                {entry.entity_id.slice(0, 8)}
              </a>
            ) : (
              <span dir="ltr">{entry.entity_id.slice(0, 8)}</span>
            )}
          </>
        )}
      </td>
      <td class="audit-change">
        <Values label={t('auditBefore')} values={entry.before} />
        <Values label={t('auditAfter')} values={entry.after} />
      </td>
      <td dir="ltr">{entry.ip ?? ''}</td>
    </tr>
  );
}

/** A JSON object as "key: value" lines; nested values as compact JSON. */
function Values({ label, values }: { label: string; values: unknown }) {
  if (values === null || values === undefined) return null;
  const pairs =
    typeof values === 'object' && !Array.isArray(values)
      ? Object.entries(values as Record<string, unknown>)
      : [['', values] as const];
  return (
    <dl class="audit-values">
      <dt>{label}</dt>
      {pairs.map(([key, value]) => (
        <dd>
          <bdi dir="ltr">
            {key && <span class="audit-key">{key}: </span>}
            {typeof value === 'string' ? value : JSON.stringify(value)}
          </bdi>
        </dd>
      ))}
    </dl>
  );
}
