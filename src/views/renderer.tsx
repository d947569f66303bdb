import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { jsxRenderer, RequestContext } from 'hono/jsx-renderer';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env.js';
import { Layout } from './layout.js';

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}

/** `c.render(page, { title })` wraps a page in the layout, in the request's language. */
export const pageRenderer = jsxRenderer(({ children, title }, c) => {
  // jsxRenderer types its context without the app's variables.
  const { locale, auth } = (c as Context<AppEnv>).var;
  return (
    <Layout title={title} locale={locale} auth={auth} path={c.req.path}>
      {children}
    </Layout>
  );
});

/**
 * An htmx fragment (no layout), rendered like a page inside the request's context, so its
 * components find the request's language (views/request-context.ts).
 */
export function renderFragment(c: Context, fragment: Child, status?: ContentfulStatusCode) {
  return c.html(<RequestContext value={c}>{fragment}</RequestContext>, status);
}

/**
 * Markup rendered ahead in the request's context, to be kept and sent again (the package
 * modal's catalogue cards).
 */
export async function renderMarkup(c: Context, fragment: Child): Promise<string> {
  return String(await (<RequestContext value={c}>{fragment}</RequestContext>));
}
