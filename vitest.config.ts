import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.relance/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on PostgreSQL, child processes or local servers rather than on the CPU: three
    // forks on two cores overlap those waits (vitest's default here would be one).
    poolOptions: { forks: { minForks: 1, maxForks: 3 } },
  },
});
