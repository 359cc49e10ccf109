// vitest 5's reporter calls Map.groupBy (Node ≥ 21) when it prints failures; on Node 20 the report itself crashes
// and hides the failure. The config runs in the reporter's process, so both vitest configs import this
// polyfill.
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

export {};
