import { gzipSync } from 'node:zlib';
import { accepts } from 'hono/accepts';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';
import { createMiddleware } from 'hono/factory';

/** Below this, gzip's header and trailer and the CPU cost more than the bytes saved. */
const THRESHOLD_BYTES = 1024;

/**
 * Gzip for the pages, fragments, JSON and CSV the app builds (whole bodies, in memory): done
 * at once with zlib, and only when the body is at least 1 KiB. Hono's compress() pipes every
 * body, a 150-byte error too, through a CompressionStream, which @hono/node-server then reads
 * back in pieces: a third of a small request's throughput (docs/performance.md, item 17).
 * Event streams are left alone (the regular expression excludes them: each frame must leave
 * at once); static files keep compress() (they are read from disk as streams, and cached).
 * `Vary: Accept-Encoding` is set with the other dynamic headers, before the handler.
 */
export const compressBodies = createMiddleware(async (c, next) => {
  await next();
  const encoding = accepts(c, {
    header: 'Accept-Encoding',
    supports: ['gzip'],
    default: 'identity',
  });
  if (encoding !== 'gzip') return;
  const response = c.res;
  const type = response.headers.get('Content-Type');
  if (!type || !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type)) return;
  if (response.headers.has('Content-Encoding') || response.status === 204) return;
  const body = new Uint8Array(await response.arrayBuffer());
  const compressed = body.byteLength >= THRESHOLD_BYTES;
  const headers = new Headers(response.headers);
  if (compressed) headers.set('Content-Encoding', 'gzip');
  // Assigning to c.res merges the old response's headers into the new one and turns its body
  // into a stream; cleared first, the new response is taken as it is.
  c.res = undefined;
  c.res = new Response(compressed ? gzipSync(body) : body, {
    status: response.status,
    headers,
  });
});
