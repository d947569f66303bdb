import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../src/auth/session.js';
import { DEMO_PASSWORD } from '../src/db/seed/demo.js';
import { answers, exited, freePort } from './support/processes.js';
import { createTestDatabase, type TestDatabase } from './support/test-db.js';

/**
 * `npm start` under a process manager: SIGTERM (or SIGINT) drains the server — a request in
 * flight still gets its answer, an open event stream is ended rather than cut or left to hold
 * the process — and it exits 0; nothing keeps answering on its port afterwards (under
 * `tsx src/server.ts`, or a shell between npm and node, a child process did). On PostgreSQL it
 * serves a test database with the demo centre; on PGlite a data folder of its own
 * (PGLITE_DIR), never the developer's ./data, where it loads the demo centre itself.
 */

/** Signs in through the form: the session cookie to send. */
async function signIn(origin: string): Promise<string> {
  const response = await fetch(`${origin}/login`, {
    method: 'POST',
    headers: { origin },
    body: new URLSearchParams({ email: 'frontdesk@demo.test', password: DEMO_PASSWORD }),
    redirect: 'manual',
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (response.status !== 303 || !cookie) throw new Error(`sign-in: ${response.status}`);
  return cookie.split(';')[0]!;
}

/**
 * A sign-in whose body is still on its way: the server has the request (it answered
 * `100 Continue`) and waits for the rest, sent by `finish()`.
 */
function slowSignIn(origin: string) {
  const body = new URLSearchParams({ email: 'nobody@demo.test', password: 'not the password' });
  const text = body.toString();
  const half = Math.floor(text.length / 2);
  const sent = request(`${origin}/login`, {
    method: 'POST',
    headers: {
      origin,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(text),
      expect: '100-continue',
    },
  });
  const answer = new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
    sent.once('error', reject);
    sent.once('response', (response) => {
      let received = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (received += chunk));
      response.once('end', () => resolve({ status: response.statusCode, text: received }));
    });
  });
  const started = new Promise<void>((resolve) =>
    sent.once('continue', () => {
      sent.write(text.slice(0, half));
      resolve();
    }),
  );
  sent.flushHeaders();
  return {
    started,
    finish() {
      sent.end(text.slice(half));
      return answer;
    },
  };
}

/** Reads an event stream to its end: 'ended' when the server closed it properly. */
async function readToEnd(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return 'ended';
  }
}

let database: TestDatabase | undefined;
let pgliteDir: string | undefined;

beforeAll(async () => {
  database = await createTestDatabase('demo');
  if (!database.url) pgliteDir = mkdtempSync(join(tmpdir(), 'raseed-server-test-'));
});
afterAll(async () => {
  await database?.close();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe.each(['SIGTERM', 'SIGINT'] as const)(
  'the npm start command, stopped with %s',
  (signal) => {
    it('drains: answers the request in flight, ends event streams, exits 0', async () => {
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

        const origin = `http://127.0.0.1:${port}`;
        const cookie = await signIn(origin);
        const events = await fetch(`${origin}/events`, { headers: { cookie } });
        expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const streamEnd = readToEnd(events.body!);
        const inFlight = slowSignIn(origin);
        await inFlight.started;

        server.kill(signal);
        // The stream ends while the request in flight is still held open…
        await expect(streamEnd).resolves.toBe('ended');
        await expect.poll(() => answers(url)).toBe(false);
        // …which then gets its answer from the draining server.
        const answer = await inFlight.finish();
        expect(answer.status).toBe(401);
        expect(answer.text).toContain('The email or password is incorrect.');
        const exit = await exited(server);
        expect(exit, output).toEqual({ code: 0, signal: null });
      } finally {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      }
    });
  },
);
