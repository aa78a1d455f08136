import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real model and real indexes are used: loading and embedding take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: running suites that each load the model in parallel only makes them slower.
    fileParallelism: false,
    // LanceDB's full-text index creation deadlocks on 2-core machines above ~30,000 rows with fewer
    // than 4 threads (lancedb issue 3568); the store sets it too, this makes the tests' choice explicit.
    env: { LANCE_CPU_THREADS: process.env.LANCE_CPU_THREADS ?? '4' },
  },
});
