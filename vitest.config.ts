import { configDefaults, defineConfig } from 'vitest/config';

/** Files that need a module graph of their own: `vi.mock` replaces a module of the app. */
const ISOLATED = ['tests/concurrency/login-races.test.ts'];

export default defineConfig({
  test: {
    // Migrates (and seeds the demo centre) once; each test file copies the result.
    globalSetup: ['tests/support/database-templates.ts'],
    // Tests wait for conditions, never for a time: these bounds only end a test that hangs,
    // and are generous for a loaded machine (speed is measured by `npm run bench`).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 30_000 } },
    // Vitest's default is one worker fewer than the cores: a single one on a 2-core machine,
    // where most of a file's time is PGlite (one thread) waiting on itself.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'app',
          include: ['tests/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, 'tests/browser/**', ...ISOLATED],
          // One module graph per worker, not per file: loading the app's modules again for
          // each of ~80 files was a third of the run. Each file still opens its own database.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'app-isolated', include: ISOLATED },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.{ts,tsx}'],
          // One file at a time: two Chromiums and two servers on two cores starved each
          // other (a live update or a booking answer lost under that load).
          fileParallelism: false,
        },
      },
    ],
  },
});
