import type { Context } from 'hono';
import { jsxRenderer } from 'hono/jsx-renderer';
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
