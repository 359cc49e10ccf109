/**
 * One settings object for the engine and one frozen description of what this runtime can do
 * (transformers.js `env.js` style). Settings are read when a pack is loaded.
 */

import type { Backend } from '../host/protocol';

interface NavigatorWithGpu {
  gpu?: unknown;
}

const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;

export const capabilities = Object.freeze({
  IS_NODE: typeof process !== 'undefined' && typeof process.versions?.node === 'string',
  IS_WEBGPU_AVAILABLE: typeof nav?.gpu === 'object' && nav.gpu !== null,
  IS_CACHE_STORAGE_AVAILABLE: typeof caches !== 'undefined',
  HARDWARE_CONCURRENCY: (nav as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1,
});

export interface EngineSettings {
  /** Backends to try, in order; the first one that creates every session wins. */
  backendPreference: Backend[];
  /** Keep downloaded pack files in Cache Storage so the app works offline after the first load. */
  useCache: boolean;
  /** WASM/CPU threads; 0 lets the runtime choose. */
  threads: number;
  /** Frames per encoder run; bounds the memory of one visual/sync encoder call. */
  encoderChunkFrames: number;
  /** URL prefix of onnxruntime-web's .wasm/.mjs files, served by the app itself (no CDN); null = `<BASE_URL>ort/`. */
  wasmPaths: string | null;
}

export const env: EngineSettings = {
  backendPreference: capabilities.IS_NODE ? ['cpu'] : ['webgpu', 'wasm'],
  useCache: true,
  threads: 0,
  encoderChunkFrames: 32,
  wasmPaths: null,
};
