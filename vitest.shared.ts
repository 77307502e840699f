// Shared vitest settings for every project in the workspace.
// The default `forks` pool is required: onnxruntime-node fails under the vm pools (a cross-realm
// "float32 tensor data must be Float32Array" error). Every project must have tests (no passWithNoTests).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export function projectConfig(opts: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      pool: 'forks',
      maxWorkers: 2,
      testTimeout: opts.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      reporters: ['default'],
      // one temporary directory per run, removed at its end (vitest.global-tmp.ts)
      globalSetup: [fileURLToPath(new URL('./vitest.global-tmp.ts', import.meta.url))],
    },
  });
}
