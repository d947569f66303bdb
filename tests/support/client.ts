import type { Hono } from 'hono';
import { parse, type HTMLElement } from 'node-html-parser';

export const ORIGIN = 'http://localhost';

type App = Pick<Hono<never>, 'request'>;

export interface RequestOptions {
  method?: string;
  form?: Record<string, string> | URLSearchParams;
  json?: unknown;
  headers?: Record<string, string>;
  /** Sends HX-Request like htmx does. */
  htmx?: boolean;
  /** Sends the session's CSRF token (as htmx and the JSON front-end do). Default: true. */
  csrf?: boolean;
  /** A body sent as is (with the content-type of `headers`), e.g. malformed JSON. */
  rawBody?: string | ReadableStream<Uint8Array>;
}

/** A browser stand-in for app.request(): keeps cookies and the CSRF token between requests. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;
  /** The client's address as the Node server would see it (app.request() has no socket). */
  remoteAddress: string | undefined;

  constructor(private readonly app: App) {}

  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? (options.form || options.json ? 'POST' : 'GET');
    const headers: Record<string, string> = { ...options.headers };
    if (method !== 'GET') headers.origin ??= ORIGIN;
    if (this.cookies.size) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (options.htmx) headers['hx-request'] = 'true';
    if (method !== 'GET' && options.csrf !== false && this.csrfToken) {
      headers['x-csrftoken'] ??= this.csrfToken;
    }
    let body: RequestInit['body'] = options.rawBody;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const socket = this.remoteAddress
      ? { incoming: { socket: { remoteAddress: this.remoteAddress } } }
      : undefined;
    // A stream body needs half duplex (fetch's rule), e.g. a chunked upload without a length.
    const duplex = body instanceof ReadableStream ? { duplex: 'half' } : {};
    const response = await this.app.request(path, { method, headers, body, ...duplex }, socket);
    this.storeCookies(response);
    return response;
  }

  /** Signs in through the real form, then reads the CSRF token from the home page. */
  async login(email: string, password: string): Promise<void> {
    const response = await this.request('/login', { form: { email, password } });
    if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
    // Where sign-in leads (a provider's home redirects on to My day): a page with the token.
    let landing = await this.request('/');
    const next = landing.status === 303 ? landing.headers.get('location') : null;
    if (next) landing = await this.request(next);
    const home = html(await landing.text());
    this.csrfToken = home.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  }

  private storeCookies(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', value = ''] = pair.trim().split('=');
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export function html(text: string): HTMLElement {
  return parse(text);
}
