import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 400_000,
    hookTimeout: 400_000,
    // one temporary directory per run, removed at its end (as every project: vitest.global-tmp.ts)
    globalSetup: [fileURLToPath(new URL('../vitest.global-tmp.ts', import.meta.url))],
  },
});
