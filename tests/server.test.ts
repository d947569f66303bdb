import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-db.js';

/**
 * `npm start` under a process manager: SIGTERM (or SIGINT) stops the server, and nothing
 * keeps answering on its port afterwards (under `tsx src/server.ts`, or a shell between npm
 * and node, a child process did). On PostgreSQL it serves a test database; on PGlite a data folder of its own
 * (PGLITE_DIR), never the developer's ./data.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

let database: TestDatabase | undefined;
let pgliteDir: string | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  if (!database.url) pgliteDir = mkdtempSync(join(tmpdir(), 'raseed-server-test-'));
});
afterAll(async () => {
  await database?.close();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe.each(['SIGTERM', 'SIGINT'] as const)(
  'the npm start command, stopped with %s',
  (signal) => {
    it('stops serving and exits', async () => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
      delete env.DATABASE_URL;
      if (database?.url) env.DATABASE_URL = database.url;
      else env.PGLITE_DIR = pgliteDir;
      // npm relays the signal to its script's shell, which `exec` has replaced by the server.
      const server = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = `http://127.0.0.1:${port}/login`;
      try {
        await expect
          .poll(() => (server.exitCode === null ? answers(url) : `exited:\n${output}`), {
            timeout: 90_000,
            interval: 250,
          })
          .toBe(true);

        server.kill(signal);
        const exit = await exited(server);
        expect(exit.code === 0 || exit.signal === signal, JSON.stringify(exit)).toBe(true);
        await expect.poll(() => answers(url)).toBe(false);
      } finally {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      }
    });
  },
);
