/**
 * A two-method cache for pack files (transformers.js `utils/cache.js` style). In the browser it is Cache Storage,
 * the one place pack files are kept (the service worker precaches the app, not packs), so the app works offline
 * after the first load; Node reads pack folders directly and needs no cache.
 */

import type { PackStorage } from '../host/protocol';

export interface FileCache {
  match(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

const CACHE_NAME = 'foley-packs-v1';
const SHA256_PARAM = 'sha256';

/**
 * The cache key of a pack file: its URL, content-addressed by a query parameter. Not a `#fragment`: Cache Storage
 * matches URLs without their fragment, so `dit.onnx#sha256=new` found the old version's bytes after a pack update
 * and the load failed as "corrupted".
 */
export function packFileKey(url: string, sha256: string): string {
  const key = new URL(url);
  key.searchParams.set(SHA256_PARAM, sha256);
  return key.href;
}

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

/** Every sha256 a manifest names, wherever its schema puts them (components, their reference tensors, any later file). */
export function manifestHashes(manifest: unknown): Set<string> {
  const hashes = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'sha256' && typeof child === 'string') hashes.add(child);
        else visit(child);
      }
    }
  };
  visit(manifest);
  return hashes;
}

/**
 * Deletes the cached files of the pack at `packUrl` whose sha256 its current manifest no longer names: the
 * previous versions' weights after an update, and entries keyed the old `#sha256=` way. The manifest stays.
 * Other packs are left alone: their current manifest is known only when they are loaded.
 */
export async function evictStalePackFiles(packUrl: string, currentHashes: Set<string>, name: string = CACHE_NAME): Promise<void> {
  const cache = await caches.open(name);
  const manifestUrl = new URL('manifest.json', packUrl).href;
  for (const request of await cache.keys()) {
    if (!request.url.startsWith(packUrl) || request.url === manifestUrl) continue;
    const sha256 = new URL(request.url).searchParams.get(SHA256_PARAM);
    if (sha256 === null || !currentHashes.has(sha256)) await cache.delete(request);
  }
}

/** Bytes per pack folder (a folder is a pack once its manifest is cached) and the origin's storage estimate. */
export async function packStorage(packUrl: string, name: string = CACHE_NAME): Promise<PackStorage> {
  const cache = await caches.open(name);
  const sizes: { url: string; bytes: number }[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    // A cached body is a blob on disk: its size is known without reading it.
    if (response) sizes.push({ url: request.url, bytes: (await response.blob()).size });
  }
  const folders = sizes.filter((s) => s.url.endsWith('/manifest.json')).map((s) => s.url.slice(0, -'manifest.json'.length));
  if (!folders.includes(packUrl)) folders.push(packUrl);
  const bytesIn = (folder: string) => sizes.filter((s) => folderOf(s.url, folders) === folder).reduce((sum, s) => sum + s.bytes, 0);
  const packs = folders.map((location) => ({ location, bytes: bytesIn(location) }));
  const estimate = await (globalThis.navigator?.storage?.estimate?.() ?? Promise.resolve(undefined));
  return {
    packBytes: bytesIn(packUrl),
    packs,
    usageBytes: estimate?.usage ?? null,
    quotaBytes: estimate?.quota ?? null,
  };
}

/** The deepest pack folder holding `url` (a pack may sit inside another's folder). */
function folderOf(url: string, folders: string[]): string | undefined {
  return folders.filter((f) => url.startsWith(f)).sort((a, b) => b.length - a.length)[0];
}

/** An in-memory cache: tests, and runtimes without Cache Storage. */
export function memoryCache(): FileCache {
  const entries = new Map<string, Uint8Array>();
  return {
    match: async (key) => entries.get(key),
    put: async (key, bytes) => void entries.set(key, bytes),
  };
}
