import { createApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { silentBus, type EventBus } from '../../src/events/bus.js';

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private current = new Date('2026-11-25T09:00:00Z')) {}
  now = (): Date => new Date(this.current);
  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
  set(instant: Date): void {
    this.current = new Date(instant);
  }
}

/**
 * For apps whose tests do not watch changes: GET /events opens and never hears anything.
 * To see changes, pass the TestDatabase's `bus`.
 */
export const unwiredBus: EventBus = silentBus;

/** A bus whose lost-and-resumed LISTEN the test sets off (`resume()`). */
export function resumableBus(bus: EventBus) {
  const listeners = new Set<() => void>();
  return {
    bus: {
      ...bus,
      onResumed(listener: () => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    } satisfies EventBus,
    resume: () => listeners.forEach((listener) => listener()),
  };
}

export function createTestApp(db: Database, clock = new TestClock(), bus = unwiredBus) {
  return { app: createApp({ db, clock: clock.now, bus }), clock };
}
