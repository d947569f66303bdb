import { fileURLToPath } from 'node:url';

/**
 * Where the embedded database keeps its files when DATABASE_URL is not set: `PGLITE_DIR`,
 * else ./data/pglite.
 */
export const PGLITE_DIR =
  process.env.PGLITE_DIR || fileURLToPath(new URL('../../data/pglite', import.meta.url));
