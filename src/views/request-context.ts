import { useRequestContext } from 'hono/jsx-renderer';
import type { Locale } from '../db/schema.js';
import type { AppEnv } from '../env.js';
import { translator, type Translate } from '../i18n/index.js';

/**
 * The request's language for the views, instead of a `t` prop passed down every component:
 * pages are rendered by `c.render` (views/renderer.tsx) and fragments by `renderFragment`,
 * both inside hono's RequestContext, so a component looks its translator up once.
 */

const translators: Record<Locale, Translate> = { en: translator('en'), ar: translator('ar') };

export function useLocale(): Locale {
  // `get`, not `var`: hono builds a new object of all variables for each `c.var`. Unset only
  // when a request failed before its session was read (an error page).
  return useRequestContext<AppEnv>().get('locale') ?? 'en';
}

export function useT(): Translate {
  return translators[useLocale()];
}
