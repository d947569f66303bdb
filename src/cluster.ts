import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { databaseSettingsFrom } from './env.js';

/**
 * The production start: one server process (src/server.ts) per core, sharing the port (the
 * primary hands each new connection to a worker in turn) and nothing else but PostgreSQL and
 * its LISTEN bus, so each worker is an instance like any other. The primary serves nothing: it
 * forks the workers, replaces one that dies, restarts them one at a time on SIGHUP (a new one
 * listens before an old one drains), and on SIGTERM or SIGINT lets every worker drain and exits.
 *
 * WEB_CONCURRENCY: how many workers, default the machine's cores. It needs DATABASE_URL: the
 * embedded PGlite is one process's files (`npm start` serves it).
 */
const workerCount = Number(process.env.WEB_CONCURRENCY ?? availableParallelism());
if (!Number.isInteger(workerCount) || workerCount < 1) {
  console.error(
    `WEB_CONCURRENCY must be a whole number ≥ 1, not "${process.env.WEB_CONCURRENCY}".`,
  );
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.error('The cluster start needs DATABASE_URL (PostgreSQL); `npm start` serves PGlite.');
  process.exit(1);
}
try {
  // Each worker reads them again; refused here, the error is printed once, not per worker.
  databaseSettingsFrom(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
cluster.setupPrimary({ exec: fileURLToPath(new URL('./server.ts', import.meta.url)) });

/** Workers that have listened: one of them that dies is replaced (one that never did, not). */
const serving = new WeakSet<Worker>();
/** Workers being stopped on purpose (a restart or the shutdown): their exit is expected. */
const retiring = new WeakSet<Worker>();
let stopping = false;

function fork(): Promise<Worker> {
  const worker = cluster.fork();
  return new Promise((resolve, reject) => {
    worker.once('listening', () => {
      serving.add(worker);
      console.log(`Worker ${worker.process.pid} is listening.`);
      resolve(worker);
    });
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
  });
}

cluster.on('exit', (worker, code, signal) => {
  if (stopping || retiring.has(worker) || !serving.has(worker)) return;
  console.error(`Worker ${worker.process.pid} died (${signal ?? code}); starting another.`);
  fork().catch((error: unknown) => console.error('The replacement did not start:', error));
});

/** Asks a worker to drain (src/server.ts stops on SIGTERM) and waits for it to exit. */
function retire(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    if (retiring.has(worker)) return;
    retiring.add(worker);
    worker.process.kill('SIGTERM');
  });
}

function workers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
}

async function restart() {
  console.log('SIGHUP: restarting the workers one at a time.');
  for (const old of workers().filter((worker) => !retiring.has(worker))) {
    if (stopping) return;
    try {
      await fork();
    } catch (error) {
      // The old workers keep serving: a restart that cannot start a worker stops there.
      console.error('Restart stopped, a new worker did not start:', error);
      return;
    }
    await retire(old);
  }
  console.log('Restart done.');
}

async function stop(signal: NodeJS.Signals, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: the workers finish their requests in flight, then stop.`);
  await Promise.all(workers().map(retire));
  process.exit(exitCode);
}

process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));
let restarting: Promise<void> = Promise.resolve();
process.on('SIGHUP', () => {
  restarting = restarting.then(restart);
});

try {
  await Promise.all(Array.from({ length: workerCount }, fork));
  console.log(`Raseed runs ${workerCount} worker(s) on port ${process.env.PORT ?? 3000}.`);
} catch (error) {
  console.error('A worker did not start:', error);
  await stop('SIGTERM', 1);
}
