/** Loading a pack in the browser: HTTP + Cache Storage source, WebGPU first and WASM as fallback. */

import { cacheStorageCache, evictStalePackFiles, manifestHashes, packStorage } from './pack-cache';
import { capabilities, env } from '../runtime/env';
import { createWebAdapter } from '../runtime/ort-web';
import { loadPack, type LoadedPack } from './pack-loader';
import { httpPackSource, PackSourceError } from './pack-source';
import type { Backend, PackInfo, PackStorage, Progress } from '../host/protocol';

/** A pack loaded in the browser, with the space the pack store takes after this load. */
export type BrowserPack = LoadedPack & { storage?: PackStorage };

/** The backends to try: the requested one only, or the preference list without WebGPU where it is absent. */
function backendsToTry(requested: Backend | undefined): Backend[] {
  if (requested) return [requested];
  return env.backendPreference.filter((b) => b !== 'webgpu' || capabilities.IS_WEBGPU_AVAILABLE);
}

export async function loadBrowserPack(packUrl: string, requested: Backend | undefined, onProgress: (p: Progress) => void): Promise<BrowserPack> {
  const url = new URL(packUrl.endsWith('/') ? packUrl : `${packUrl}/`, globalThis.location.href);
  // Packs come from the app's own origin only: the cache and the CSP's connect-src assume it.
  if (url.origin !== globalThis.location.origin) throw new PackSourceError(`${url.href} is not on this app's origin; packs are served beside the app`);
  const useCache = env.useCache && capabilities.IS_CACHE_STORAGE_AVAILABLE;
  const pack: BrowserPack = await loadPack(httpPackSource(url.href, useCache ? cacheStorageCache() : undefined), {
    backends: backendsToTry(requested),
    createAdapter: createWebAdapter,
    onProgress,
  });
  if (useCache) {
    // Only after a successful load: a failed update must not cost the version that still works offline.
    await evictStalePackFiles(url.href, manifestHashes(pack.manifest));
    pack.storage = await packStorage(url.href);
  }
  return pack;
}

export function packInfo(pack: BrowserPack): PackInfo {
  const m = pack.manifest;
  return {
    id: m.id,
    version: m.version,
    purpose: m.purpose,
    sampleRate: m.sampleRate,
    channels: m.channels,
    curveRate: m.loudness.curveRate,
    vocabulary: m.conditioning.text.vocabulary.slice(2),
    maxSteps: m.sampler.maxSteps,
    latentFrameSec: m.latent.hop / m.sampleRate,
    knownFrames: m.conditioning.known !== undefined,
    ...(pack.storage ? { storage: pack.storage } : {}),
  };
}
