import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Server tests bind loopback ports and spawn node processes: keep the two cores from thrashing.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
