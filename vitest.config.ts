import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    // Migrates (and seeds the demo centre) once; each test file copies the result.
    globalSetup: ['tests/support/database-templates.ts'],
    // Vitest's default is one worker fewer than the cores: a single one on a 2-core machine,
    // where most of a file's time is PGlite (one thread) or Chromium waiting on the server.
    maxWorkers: 2,
    // Tests wait for conditions, never for a time: these bounds only end a test that hangs,
    // and are generous for a loaded machine (speed is measured by `npm run bench`).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 30_000 } },
  },
});
