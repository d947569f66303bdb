/**
 * The body of one Server-Sent Events response: whole frames, already encoded, queued in order.
 *
 * A plain ReadableStream the server reads straight to the socket (@hono/node-server reads the
 * next chunk as soon as the socket takes the last one). Sending is `enqueue`: it never waits,
 * so a fan-out to thousands of streams does not wait on any one of them, and costs each stream
 * one queued chunk and one socket write, with no promise of its own. (Hono's streamSSE put a
 * TransformStream and a second ReadableStream between a frame and the socket, with a promise
 * per write: several times the work per stream, all of it on the event loop.)
 */
export class FrameStream {
  readonly body: ReadableStream<Uint8Array>;
  /** Aborted once nothing more can be sent: closed, dropped, or cancelled by the client. */
  readonly ended: AbortSignal;
  private readonly ending = new AbortController();
  private controller!: ReadableStreamDefaultController<Uint8Array>;

  /** `maxUnread`: frames waiting for a client that stopped reading, before it is dropped. */
  constructor(private readonly maxUnread: number) {
    this.ended = this.ending.signal;
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        // The client went away (the server cancels the body when its socket closes).
        cancel: () => this.ending.abort(),
      },
      // Nothing is read ahead: every frame waiting counts as unread.
      { highWaterMark: 0 },
    );
  }

  /**
   * Queues `frame` (the same bytes may go to many streams: they are never changed). A client
   * that has left `maxUnread` frames unread is not queued for any more: its stream ends, and
   * its browser, if it ever reads again, reads what was queued, reconnects and re-fetches.
   */
  send(frame: Uint8Array): void {
    if (this.ended.aborted) return;
    if (-(this.controller.desiredSize ?? 0) >= this.maxUnread) {
      this.close();
      return;
    }
    this.controller.enqueue(frame);
  }

  /** Ends the stream after the frames already sent (the client reads them first). */
  close(): void {
    if (this.ended.aborted) return;
    this.ending.abort();
    this.controller.close();
  }
}
