import { randomUUID } from 'node:crypto';
import type { FeedOwners, LiveFeed } from '../../db/calendar-feeds.js';
import type { Locale } from '../../db/schema.js';
import { formatDateAt, localName } from '../format.js';
import { Form } from '../forms.js';
import { useT } from '../request-context.js';

export const CALENDAR_FEEDS_ID = 'calendar-feeds';
export const NEW_FEED_ID = 'new-feed';
export const NEW_FEED_URL_ID = 'new-feed-url';
export const FEEDS_NOTICE_ID = 'calendar-feeds-notice';

/** What the page says after a change: the new link (shown once), or what happened. */
export type FeedNotice =
  | { kind: 'created'; ownerId: string; url: string }
  | { kind: 'revoked' }
  | { kind: 'alreadyCreated' };

type Owner = FeedOwners['providers'][number];

function OwnerRows(props: {
  type: 'provider' | 'clinic';
  owners: Owner[];
  feeds: LiveFeed[];
  locale: Locale;
  timezone: string;
  csrfToken: string;
}) {
  const t = useT();
  const { locale } = props;
  return (
    <>
      {props.owners.map((owner) => {
        const name = localName(owner, locale);
        const feeds = props.feeds.filter(
          (feed) => (props.type === 'provider' ? feed.provider_id : feed.clinic_id) === owner.id,
        );
        return (
          <tr id={`feeds-${owner.id}`}>
            <td class="wrap">
              {name}
              {!owner.active && <span class="badge badge-muted">{t('inactive')}</span>}
            </td>
            <td class="wrap">
              {feeds.length === 0 ? (
                <span class="muted">{t('noCalendarFeed')}</span>
              ) : (
                <ul class="plain-list">
                  {feeds.map((feed) => (
                    <li id={`feed-${feed.id}`} class="feed-line">
                      <span>
                        {t('calendarFeedCreated', {
                          date: formatDateAt(feed.created_at, props.timezone, locale),
                          name: feed.created_by,
                        })}
                      </span>{' '}
                      <Form
                        id={`revoke-${feed.id}`}
                        action={`/admin/calendar-feeds/${feed.id}/revoke`}
                        csrfToken={props.csrfToken}
                        class="inline-form"
                      >
                        <button type="submit" class="button danger">
                          {t('revokeCalendarFeed')}
                          <span class="visually-hidden"> {name}</span>
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              <Form
                id={`create-feed-${owner.id}`}
                action="/admin/calendar-feeds"
                csrfToken={props.csrfToken}
                formToken={randomUUID()}
                class="inline-form"
              >
                <input type="hidden" name="owner_type" value={props.type} />
                <input type="hidden" name="owner_id" value={owner.id} />
                <button type="submit" class="button">
                  {t('createCalendarFeed')}
                  <span class="visually-hidden"> {name}</span>
                </button>
              </Form>
            </td>
          </tr>
        );
      })}
    </>
  );
}

function OwnerTable(props: Parameters<typeof OwnerRows>[0] & { title: string; id: string }) {
  const t = useT();
  return (
    <section aria-labelledby={`${props.id}-title`} class="stack">
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.owners.length === 0 ? (
        <p class="empty">{t('noCalendarOwners')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data-table" id={props.id}>
            <thead>
              <tr>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('calendarFeedLinks')}</th>
                <th scope="col">{t('adminActions')}</th>
              </tr>
            </thead>
            <tbody>
              <OwnerRows {...props} />
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Notice(props: { notice?: FeedNotice; owners: FeedOwners; locale: Locale }) {
  const t = useT();
  const { notice, owners } = props;
  if (!notice) return null;
  if (notice.kind === 'created') {
    const owner = [...owners.providers, ...owners.clinics].find((o) => o.id === notice.ownerId);
    return (
      <div class="alert alert-ok stack" role="status" id={NEW_FEED_ID}>
        <p>
          <strong>
            {t('calendarFeedReady', { name: owner ? localName(owner, props.locale) : '' })}
          </strong>
        </p>
        <p>{t('calendarFeedShownOnce')}</p>
        <label for={NEW_FEED_URL_ID}>{t('calendarFeedAddress')}</label>
        <input
          id={NEW_FEED_URL_ID}
          type="text"
          readonly
          value={notice.url}
          dir="ltr"
          class="feed-url"
          autofocus
        />
      </div>
    );
  }
  return (
    <p class="alert alert-ok" role="status" id={FEEDS_NOTICE_ID}>
      {t(notice.kind === 'revoked' ? 'calendarFeedRevoked' : 'calendarFeedAlreadyCreated')}
    </p>
  );
}

/**
 * Private calendar links of each provider and each clinic (ADMIN): create one (its address is
 * shown this once: only its hash is kept), revoke one (it stops working at once).
 */
export function CalendarFeedsPage(props: {
  owners: FeedOwners;
  locale: Locale;
  timezone: string;
  csrfToken: string;
  notice?: FeedNotice;
}) {
  const t = useT();
  const { owners } = props;
  const common = {
    feeds: owners.feeds,
    locale: props.locale,
    timezone: props.timezone,
    csrfToken: props.csrfToken,
  };
  return (
    <section class="card stack" id={CALENDAR_FEEDS_ID} aria-labelledby="calendar-feeds-title">
      <h1 id="calendar-feeds-title">{t('calendarFeedsTitle')}</h1>
      <Notice notice={props.notice} owners={owners} locale={props.locale} />
      <p>{t('calendarFeedsIntro')}</p>
      <p class="help">{t('calendarFeedsPrivacy')}</p>
      <OwnerTable
        {...common}
        type="provider"
        owners={owners.providers}
        title={t('adminProviders')}
        id="provider-feeds"
      />
      <OwnerTable
        {...common}
        type="clinic"
        owners={owners.clinics}
        title={t('adminClinics')}
        id="clinic-feeds"
      />
    </section>
  );
}
