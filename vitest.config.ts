import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The run's own TMPDIR, removed at the end; a temporary file a test leaves behind fails the run.
    globalSetup: ['test/helpers/temp-dir-guard.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
