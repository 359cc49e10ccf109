/** Loading a pack in the browser: HTTP + Cache Storage source, WebGPU first and WASM as fallback. */

import { cacheStorageCache } from './pack-cache';
import { capabilities, env } from '../runtime/env';
import { createWebAdapter } from '../runtime/ort-web';
import { loadPack, type LoadedPack } from './pack-loader';
import { httpPackSource, PackSourceError } from './pack-source';
import type { Backend, PackInfo, Progress } from '../host/protocol';

/** The backends to try: the requested one only, or the preference list without WebGPU where it is absent. */
function backendsToTry(requested: Backend | undefined): Backend[] {
  if (requested) return [requested];
  return env.backendPreference.filter((b) => b !== 'webgpu' || capabilities.IS_WEBGPU_AVAILABLE);
}

export async function loadBrowserPack(packUrl: string, requested: Backend | undefined, onProgress: (p: Progress) => void): Promise<LoadedPack> {
  const url = new URL(packUrl, globalThis.location.href);
  // Packs come from the app's own origin only: the service worker, the cache and the CSP's connect-src assume it.
  if (url.origin !== globalThis.location.origin) throw new PackSourceError(`${url.href} is not on this app's origin; packs are served beside the app`);
  const cache = env.useCache && capabilities.IS_CACHE_STORAGE_AVAILABLE ? cacheStorageCache() : undefined;
  return loadPack(httpPackSource(url.href, cache), { backends: backendsToTry(requested), createAdapter: createWebAdapter, onProgress });
}

export function packInfo(pack: LoadedPack): PackInfo {
  const m = pack.manifest;
  return {
    id: m.id,
    version: m.version,
    purpose: m.purpose,
    sampleRate: m.sampleRate,
    channels: m.channels,
    curveRate: m.loudness.curveRate,
    vocabulary: m.conditioning.text.vocabulary.slice(2),
  };
}
