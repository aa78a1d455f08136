import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real model and real indexes are used: loading and embedding take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: running suites that each load the model in parallel only makes them slower.
    fileParallelism: false,
  },
});
