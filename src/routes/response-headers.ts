import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

/*
 * Headers that never change are set before the handler runs: they go into the response as Hono
 * builds it. Set after `next()`, each `c.header()` makes Hono copy the finished response into a
 * new one whose body is a stream, which @hono/node-server then reads back and writes in pieces
 * (docs/performance.md, item 16). A handler's own value (the event stream's `Cache-Control`)
 * replaces these.
 */

/** What secureHeaders() of hono sent with our options, as constants. */
const SECURITY_HEADERS: readonly [string, string][] = [
  [
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join('; '),
  ],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'same-origin'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** Secure Headers' own HSTS value; sent over https only, where a browser heeds it. */
const HSTS = 'max-age=15552000; includeSubDomains';

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
  if (c.var.client.https) c.header('Strict-Transport-Security', HSTS);
  await next();
});

/**
 * Pages and fragments show patient data: never stored by browsers or proxies. They differ by
 * HX-Request (fragment or page) and, compressed or not, by Accept-Encoding.
 */
export const dynamicResponseHeaders = createMiddleware(async (c, next) => {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'HX-Request, Accept-Encoding');
  await next();
});
