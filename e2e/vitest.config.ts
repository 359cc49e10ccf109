import { defineConfig } from 'vitest/config';
import '../vitest.node20-polyfill';

// Browser end-to-end tests against the built app (dist/). Each file launches its own Chromium; files run one at a
// time because the machine has two cores and a WebGPU (SwiftShader) generation already saturates them.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    maxWorkers: 1,
    environment: 'node',
  },
});
