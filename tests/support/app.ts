import { createApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private current = new Date('2026-11-25T09:00:00Z')) {}
  now = (): Date => new Date(this.current);
  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}

export function createTestApp(db: Database, clock = new TestClock()) {
  return { app: createApp({ db, clock: clock.now }), clock };
}
