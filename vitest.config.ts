import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          // At most two files at a time (--maxWorkers=2 in package.json): each starts real server
          // processes that mostly wait on timers and fsync, so two overlap well on the 2-core CI machine;
          // the tests wait on events with generous timeouts, never on fixed delays.
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
