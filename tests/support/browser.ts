import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import type { Clock } from '../../src/env.js';
import type { EventBus } from '../../src/events/bus.js';
import { unwiredBus } from './app.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

const CHROMIUM = '/usr/bin/chromium';

/** Browser tests need Debian's chromium; CI installs it, so there a missing one is a failure. */
export const browserTestsSkipped = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserTestsSkipped) {
  console.warn(`Browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

export const ARTIFACTS_DIR = 'artifacts/screenshots';

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface TestServer {
  url: string;
  /** Cuts every open connection (event streams too) and keeps listening: a network blip. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * The real HTTP server on a free loopback port; pass the TestDatabase's bus for live updates,
 * and the clock of the sessions it will be shown (a desk signed in at DEMO_NOW has a session
 * that the real clock finds expired a day later).
 */
export async function startServer(
  db: Database,
  bus: EventBus = unwiredBus,
  clock: Clock = () => new Date(),
): Promise<TestServer> {
  const app = createApp({ db, clock, bus });
  // Without a `createServer` option, serve() makes a node:http server.
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(listening as Server),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropConnections: () => server.closeAllConnections(),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Open event streams (GET /events) and idle keep-alive sockets would hold close() up.
        server.closeAllConnections();
      }),
  };
}

export interface BrowserFixture {
  database: TestDatabase;
  server: TestServer;
  browser: Browser;
}

/**
 * For a browser test's describe block: a fresh database (filled by `prepare`), the real server
 * on it with live updates wired, and Chromium; all closed after the block.
 */
export function useBrowserFixture(prepare: (db: Database) => Promise<unknown>): BrowserFixture {
  const fixture = {} as BrowserFixture;
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    await prepare(fixture.database.db);
    fixture.server = await startServer(fixture.database.db, fixture.database.bus);
    fixture.browser = await launchChromium();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
    await fixture.database?.close();
  });
  return fixture;
}
