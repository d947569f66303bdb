import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/client.js';
import { publishChange, type ChangeEvent, type EventBus } from '../../src/events/bus.js';

type Match = (event: ChangeEvent) => boolean;

const MARKER = 'marker-';

/** An event of `tenant` with made-up ids; `purchase` doubles as a label the test can read. */
export function change(tenant: string, label: string): ChangeEvent {
  return {
    tenant,
    kind: 'package.assigned',
    provider: null,
    date: null,
    patient: null,
    purchase: label,
  };
}

/** Records what one tenant's subscriber hears on `bus`. */
export function listenTo(bus: EventBus, tenantId: string) {
  const heard: ChangeEvent[] = [];
  const waiters = new Set<{ match: Match; resolve: (event: ChangeEvent) => void }>();
  const unsubscribe = bus.subscribe(tenantId, (event) => {
    heard.push(event);
    for (const waiter of waiters) {
      if (waiter.match(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  });

  /** The first event heard (already, or within `timeoutMs`) that matches. */
  function waitFor(match: Match, timeoutMs = 30_000): Promise<ChangeEvent> {
    const earlier = heard.find(match);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(`no matching event within ${timeoutMs} ms; heard ${JSON.stringify(heard)}`),
        );
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (event: ChangeEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      waiters.add(waiter);
    });
  }

  /**
   * What was heard since the last drain, all of it: a marker is published now and awaited.
   * PostgreSQL delivers notifications in commit order, so whatever a finished request
   * committed before the marker has arrived by the time the marker does.
   */
  async function drain(db: Database): Promise<ChangeEvent[]> {
    const label = `${MARKER}${randomUUID()}`;
    await db.transaction().execute((trx) => publishChange(trx, change(tenantId, label)));
    await waitFor((event) => event.purchase === label);
    // Other subscribers' markers are heard too: they are nobody's changes.
    return heard.splice(0).filter((event) => !event.purchase?.startsWith(MARKER));
  }

  return { heard, waitFor, drain, stop: unsubscribe };
}
