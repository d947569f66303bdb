import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Migrates (and seeds the demo centre) once; each test file copies the result.
    globalSetup: ['tests/support/database-templates.ts'],
    // Tests wait for conditions, never for a time: these bounds only end a test that hangs,
    // and are generous for a loaded machine (speed is measured by `npm run bench`).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 30_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'app',
          include: ['tests/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, 'tests/browser/**'],
          // Vitest's default is one worker fewer than the cores: a single one on a 2-core
          // machine, where most of a file's time is PGlite (one thread) waiting on itself.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.{ts,tsx}'],
          // After the rest, one file at a time: two Chromiums and two servers on two cores
          // starved each other (a live update or a booking answer lost under that load).
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
