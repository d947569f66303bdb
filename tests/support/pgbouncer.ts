import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, freePort } from './processes.js';

/**
 * Debian's PgBouncer (`apt-get install pgbouncer`; 1.18 on Debian 12), started for a test run
 * as a deployment behind a pooler has it: transaction mode, `poolSize` server connections per
 * database, in front of the PostgreSQL server of `serverUrl`.
 */
export interface PgBouncer {
  /** The address of `database` through the pooler (as DATABASE_URL would name it). */
  urlOf(database: string): string;
  stop(): Promise<void>;
}

/** Whether the `pgbouncer` binary is installed. */
export function pgbouncerInstalled(): boolean {
  return spawnSync('pgbouncer', ['--version']).status === 0;
}

export async function startPgBouncer(
  serverUrl: string,
  { poolSize }: { poolSize: number },
): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username) || 'postgres';
  const password = decodeURIComponent(server.password);
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'raseed-pgbouncer-'));
  const ini = join(folder, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      // Any database name (each test file makes its own) reaches the same name on the server,
      // as the server URL's user: `auth_type = any` needs that user, and asks no password.
      `* = host=${server.hostname} port=${server.port || 5432} user=${user}` +
        (password ? ` password=${password}` : ''),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 1000',
      // A pool with named statements sends `-c plan_cache_mode=…`, which PgBouncer 1.18 would
      // refuse outright: ignored here, so such a pool connects and shows what goes wrong next.
      'ignore_startup_parameters = options',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; `-u` drops to another user once the ini is read.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
  const child = spawn('pgbouncer', [...asRoot, ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`pgbouncer exited (${code}):\n${output}`)));
    const ready = () => {
      if (output.includes('process up')) resolve();
    };
    child.stdout.on('data', ready);
    child.stderr.on('data', ready);
  });
  return {
    urlOf(database) {
      return `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
