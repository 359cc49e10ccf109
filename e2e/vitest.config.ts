import { defineConfig } from 'vitest/config';

// vitest 5's reporter calls Map.groupBy (Node ≥ 21) when it prints failures; on Node 20 the report itself crashes
// and hides the failure. The config runs in the reporter's process, so the polyfill goes here.
if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    value: <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> => {
      const groups = new Map<K, V[]>();
      let index = 0;
      for (const item of items) {
        const k = key(item, index++);
        groups.set(k, [...(groups.get(k) ?? []), item]);
      }
      return groups;
    },
  });
}

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
