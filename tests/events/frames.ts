import { expect } from 'vitest';
import type { TestClient } from '../support/client.js';

export interface Frame {
  event: string | undefined;
  data: string | undefined;
  comment: string | undefined;
  retry: string | undefined;
}

export interface EventStream extends ReturnType<typeof readFrames> {
  response: Response;
}

/**
 * GET /events read the way EventSource does, past its opening frame (the browser's
 * reconnection delay); close it with `cancel()`.
 */
export async function openEventStream(client: TestClient): Promise<EventStream> {
  // Accept-Encoding as browsers send it: compress() must still leave the stream alone.
  const response = await client.request('/events', {
    headers: { accept: 'text/event-stream', 'accept-encoding': 'gzip, deflate, br' },
  });
  expect(response.status).toBe(200);
  const stream: EventStream = { response, ...readFrames(response) };
  expect((await stream.nextFrame()).retry).toBe('3000');
  return stream;
}

/** One frame (blank-line separated) at a time. */
export function readFrames(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';

  async function nextFrame(timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (!buffer.includes('\n\n')) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no frame within ${timeoutMs} ms`)),
          deadline - Date.now(),
        );
      });
      const chunk = await Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('the stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
    const end = buffer.indexOf('\n\n');
    const lines = buffer.slice(0, end).split('\n');
    buffer = buffer.slice(end + 2);
    const field = (name: string) =>
      lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
    return {
      event: field('event'),
      data: field('data'),
      comment: field(''),
      retry: field('retry'),
    };
  }

  /** The next frame of `kind`, past heartbeats and other kinds. */
  async function nextOf(kind: string): Promise<Frame> {
    for (;;) {
      const frame = await nextFrame();
      if (frame.event === kind) return frame;
    }
  }

  /** The frames left until the server ends the stream (rejects if it is still open then). */
  async function untilEnd(timeoutMs = 10_000): Promise<Frame[]> {
    const frames: Frame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        frames.push(await nextFrame(Math.max(deadline - Date.now(), 1)));
      } catch (error) {
        if ((error as Error).message === 'the stream ended') return frames;
        throw error;
      }
    }
  }

  return { nextFrame, nextOf, untilEnd, cancel: () => reader.cancel() };
}
