import { fileURLToPath } from 'node:url';

/** Where the embedded database keeps its files when DATABASE_URL is not set. */
export const PGLITE_DIR = fileURLToPath(new URL('../../data/pglite', import.meta.url));
