import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answers, exited, freePort } from './support/processes.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from './support/test-db.js';

/**
 * `npm run start:cluster` (src/cluster.ts): one worker per WEB_CONCURRENCY on PostgreSQL, a
 * rolling restart on SIGHUP during which every request is answered, and a clean stop on
 * SIGTERM. It needs PostgreSQL: on PGlite (one process's files) it refuses to start.
 */

let database: TestDatabase | undefined;
beforeAll(async () => {
  if (onRealPostgres) database = await createTestDatabase('demo');
});
afterAll(() => database?.close());

/** The pids of the workers that said they listen, in the order they did. */
function listeningPids(output: string): number[] {
  return [...output.matchAll(/Worker (\d+) is listening\./g)].map((match) => Number(match[1]));
}

async function startCluster(workers: number) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    WEB_CONCURRENCY: String(workers),
  };
  env.DATABASE_URL = database!.url!;
  // node itself, as `npm run start:cluster` ends up (npm relays SIGTERM and SIGINT, not SIGHUP).
  const primary = spawn(process.execPath, ['--import', 'tsx', 'src/cluster.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { primary, output: '', url: `http://127.0.0.1:${port}/healthz` };
  primary.stdout.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  primary.stderr.on('data', (chunk: Buffer) => (run.output += chunk.toString()));
  await expect
    .poll(() => (primary.exitCode === null ? run.output : `exited:\n${run.output}`), {
      timeout: 90_000,
      interval: 250,
    })
    .toMatch(/Raseed runs \d+ worker\(s\)/);
  return run;
}

if (!onRealPostgres) {
  console.warn('Cluster restart test SKIPPED: it needs real PostgreSQL (set TEST_DATABASE_URL).');
}

function statusOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    }).once('error', reject);
  });
}

function stopped(primary: ChildProcess) {
  if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
}

describe('the cluster start', () => {
  it.skipIf(!onRealPostgres)(
    'runs the workers asked for, restarts them one at a time on SIGHUP, stops on SIGTERM',
    async () => {
      const wanted = 2;
      const run = await startCluster(wanted);
      try {
        expect(listeningPids(run.output)).toHaveLength(wanted);
        expect((await fetch(run.url)).status).toBe(200);

        // Requests keep coming during the restart, each on a connection of its own (browsers
        // retry a kept-alive one that a draining worker closes; a test client does not).
        const statuses: number[] = [];
        let restarting = true;
        const traffic = (async () => {
          while (restarting) statuses.push(await statusOnNewConnection(run.url));
        })();
        const before = listeningPids(run.output);
        run.primary.kill('SIGHUP');
        await expect.poll(() => run.output, { timeout: 90_000 }).toContain('Restart done.');
        restarting = false;
        await traffic;
        const after = listeningPids(run.output).slice(before.length);
        expect(after).toHaveLength(wanted);
        expect(after.some((pid) => before.includes(pid))).toBe(false);
        expect(statuses.length).toBeGreaterThan(0);
        expect(statuses.filter((status) => status !== 200)).toEqual([]);

        run.primary.kill('SIGTERM');
        expect(await exited(run.primary), run.output).toEqual({ code: 0, signal: null });
        expect(await answers(run.url)).toBe(false);
      } finally {
        stopped(run.primary);
      }
    },
  );

  it.skipIf(onRealPostgres)('refuses to start without DATABASE_URL', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const primary = spawn('npm', ['run', '--silent', 'start:cluster'], { env });
    let output = '';
    primary.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await exited(primary)).toEqual({ code: 1, signal: null });
    expect(output).toContain('The cluster start needs DATABASE_URL');
  });
});
