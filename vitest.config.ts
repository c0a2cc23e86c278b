import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.relance/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a page or a worker does next; its 1 s default is shorter than one
    // answer of a server sharing 2 cores with two other forks (CI), so it waits up to 10 s here.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Most tests wait on PostgreSQL, child processes or local servers rather than on the CPU: three
    // forks on two cores overlap those waits (vitest's default here would be one).
    poolOptions: { forks: { minForks: 1, maxForks: 3 } },
  },
});
