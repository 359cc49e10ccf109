/**
 * A two-method cache for pack files (transformers.js `utils/cache.js` style). In the browser it is Cache Storage,
 * so the app works offline after the first load; Node reads pack folders directly and needs no cache.
 */

export interface FileCache {
  match(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

const CACHE_NAME = 'foley-packs-v1';

/** Cache Storage (browser, service worker, web worker). */
export function cacheStorageCache(name: string = CACHE_NAME): FileCache {
  const open = () => caches.open(name);
  return {
    async match(key) {
      const response = await (await open()).match(key);
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async put(key, bytes) {
      const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
      await (await open()).put(key, new Response(body, { headers: { 'content-length': String(bytes.byteLength) } }));
    },
  };
}

/** An in-memory cache: tests, and runtimes without Cache Storage. */
export function memoryCache(): FileCache {
  const entries = new Map<string, Uint8Array>();
  return {
    match: async (key) => entries.get(key),
    put: async (key, bytes) => void entries.set(key, bytes),
  };
}
