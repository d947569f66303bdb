import { connect, type Socket } from 'node:net';

/**
 * The screens of `npm run bench:streams`, in a process of their own (as browsers would be):
 * many `GET /events` streams held open on raw sockets, each noting when it hears a booking.
 * Driven over the IPC channel by scripts/bench-streams.ts.
 */

export type ClientCommand =
  | { type: 'open'; port: number; tokens: string[]; timeoutMs: number }
  /** Reports once every stream has heard every purchase's booking, or at the timeout. */
  | { type: 'await'; purchases: string[]; timeoutMs: number }
  | { type: 'close' };

export type ClientReport =
  | { type: 'opened'; opened: number; failed: number; ms: number }
  /** For each purchase, when each stream heard its booking (epoch ms, fractional). */
  | { type: 'heard'; arrivals: Record<string, number[]>; ended: number };

/** Epoch milliseconds with sub-millisecond precision: comparable with the parent's clock. */
const now = () => performance.timeOrigin + performance.now();

const BOOKED_FRAME = /event: appointment\.booked\ndata: [^\n]*"purchase":"([0-9a-f-]{36})"/g;
/** Streams opened at once: enough to be quick, few enough for the server's accept queue. */
const OPENING_AT_ONCE = 100;

const sockets: Socket[] = [];
const arrivals = new Map<string, number[]>();
/** Streams that opened and have not ended since. */
let live = 0;
let ended = 0;

function send(report: ClientReport): void {
  process.send!(report);
}

/** One stream; resolves true once its opening frame (`retry:`) arrives, false if refused. */
function openStream(port: number, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let opened = false;
    let rest = '';
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(
        `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n` +
          `Cookie: raseed_session=${token}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      const at = now();
      const text = rest + chunk.toString('latin1');
      if (!opened) {
        if (!text.startsWith('HTTP/1.1 200')) {
          socket.destroy();
          resolve(false);
          return;
        }
        if (!text.includes('retry: ')) {
          rest = text;
          return;
        }
        opened = true;
        live += 1;
        resolve(true);
      }
      // Whole frames only (each ends with a blank line); the rest waits for the next chunk.
      const end = text.lastIndexOf('\n\n');
      rest = end === -1 ? text : text.slice(end + 2);
      for (const [, purchase] of text.slice(0, end + 2).matchAll(BOOKED_FRAME)) {
        let times = arrivals.get(purchase!);
        if (!times) arrivals.set(purchase!, (times = []));
        times.push(at);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!opened) return resolve(false);
      live -= 1;
      ended += 1;
    });
  });
}

async function open(port: number, tokens: string[], timeoutMs: number): Promise<void> {
  const started = now();
  const deadline = started + timeoutMs;
  let opened = 0;
  for (let i = 0; i < tokens.length && now() < deadline; i += OPENING_AT_ONCE) {
    const batch = tokens.slice(i, i + OPENING_AT_ONCE).map((token) => openStream(port, token));
    for (const ok of await Promise.all(batch)) if (ok) opened += 1;
  }
  send({ type: 'opened', opened, failed: tokens.length - opened, ms: now() - started });
}

async function heard(purchases: string[], timeoutMs: number): Promise<void> {
  const deadline = now() + timeoutMs;
  const complete = () =>
    purchases.every((purchase) => (arrivals.get(purchase)?.length ?? 0) >= live);
  while (!complete() && now() < deadline) await new Promise((done) => setTimeout(done, 50));
  const report: Record<string, number[]> = {};
  for (const purchase of purchases) report[purchase] = arrivals.get(purchase) ?? [];
  send({ type: 'heard', arrivals: report, ended });
}

process.on('message', (command: ClientCommand) => {
  if (command.type === 'open') void open(command.port, command.tokens, command.timeoutMs);
  else if (command.type === 'await') void heard(command.purchases, command.timeoutMs);
  else {
    for (const socket of sockets) socket.destroy();
    process.disconnect();
  }
});
