import { afterAll, beforeAll, expect } from 'vitest';
import { addDays } from '../../src/domain/dates.js';
import { demoIds, freeSlots, type DemoIds } from '../support/booking.js';
import type { TestClient } from '../support/client.js';
import { openSignedInDemo, type DemoFixture } from '../support/demo.js';
import { onRealPostgres, type TestDatabase } from '../support/test-db.js';

/**
 * Simultaneous requests through the HTTP layer (the whole Hono app, middleware included) on
 * the real connection pool of the test database (20 connections, as in production). PGlite is
 * a single connection that serialises everything, so races only mean something on PostgreSQL.
 */
if (!onRealPostgres) {
  console.warn('Concurrency tests SKIPPED: they need real PostgreSQL (set TEST_DATABASE_URL).');
}
export const racesSkipped = !onRealPostgres;

/** Each race is run this many times, each round on fresh rows. */
export const ROUNDS = 20;

export interface RaceFixture {
  database: TestDatabase;
  demo: DemoFixture;
  desk: TestClient;
  ids: DemoIds;
  deskUserId: string;
}

/** For a describe block: the demo centre on a fresh database, and a front desk signed in. */
export function useRaceFixture(): RaceFixture {
  const fixture = {} as RaceFixture;
  beforeAll(async () => {
    Object.assign(fixture, await openSignedInDemo());
    fixture.ids = await demoIds(fixture.database.db, fixture.demo.demo);
    fixture.deskUserId = (
      await fixture.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'frontdesk@demo.test')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => fixture.database?.close());
  return fixture;
}

export interface Outcome {
  status: number;
  body: { success: boolean; error?: { code: string; message: string } } & Record<string, unknown>;
}

/** Fires every request at once and waits for all the answers, bodies read. */
export async function race(requests: (() => Promise<Response>)[]): Promise<Outcome[]> {
  const responses = await Promise.all(requests.map((send) => send()));
  return Promise.all(
    responses.map(async (response) => ({
      status: response.status,
      body: (await response.json()) as Outcome['body'],
    })),
  );
}

/** How many answers had each status, by class; a 5xx anywhere is a failure of its own. */
export function tally(outcomes: Outcome[]) {
  const count = (test: (status: number) => boolean) =>
    outcomes.filter((outcome) => test(outcome.status)).length;
  return {
    succeeded: count((s) => s >= 200 && s < 300),
    conflicts: count((s) => s === 409),
    serverErrors: count((s) => s >= 500),
  };
}

/** The messages of the refused answers, each with how often it came. */
export function conflictMessages(outcomes: Outcome[]): Record<string, number> {
  const messages: Record<string, number> = {};
  for (const { status, body } of outcomes) {
    if (status !== 409) continue;
    const message = body.error?.message ?? '(none)';
    messages[message] = (messages[message] ?? 0) + 1;
  }
  return messages;
}

/**
 * `count` free start times of a provider from `firstDate` on, none overlapping another (so one
 * patient could hold them all), through the slots API.
 */
export async function disjointSlots(
  client: TestClient,
  providerId: string,
  firstDate: string,
  count: number,
  duration = 45,
): Promise<string[]> {
  const starts: string[] = [];
  for (let date = firstDate; starts.length < count; date = addDays(date, 1)) {
    let freeFrom = 0;
    for (const slot of await freeSlots(client, { providerId, date, duration })) {
      if (Date.parse(slot.start) < freeFrom) continue;
      starts.push(slot.start);
      freeFrom = Date.parse(slot.end);
      if (starts.length === count) break;
    }
    expect(date < addDays(firstDate, 366), 'a year without enough free slots').toBe(true);
  }
  return starts;
}
