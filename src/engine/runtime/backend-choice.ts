/**
 * Which backend the browser engine uses when the app does not force one, and why. A WebGPU adapter that is a CPU
 * rasteriser (SwiftShader, llvmpipe, WARP) runs the DiT far slower than onnxruntime-web's WASM kernels: on this
 * project's 2-core test machine a 10 s clip took 490 s on SwiftShader WebGPU and 16–46 s on WASM (issue 11), so
 * such an adapter is never the automatic choice. The user can still force it (`?backend=webgpu`, or the app's switch).
 */

import type { Backend } from '../host/protocol';

/** The parts of GPUAdapterInfo the choice reads; all strings may be empty (browsers blank them for privacy). */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The browser's own "this is a fallback (software) adapter" flag, where it has one. */
  isFallbackAdapter: boolean;
}

/** What the worker knows about WebGPU before loading: no API, no adapter, or an adapter's facts. */
export type WebGpuProbe = { kind: 'no-api' } | { kind: 'no-adapter' } | { kind: 'adapter'; facts: AdapterFacts };

export interface BackendChoice {
  /** Backends to try in order: the chosen one first, then the fallback when the choice was automatic. */
  order: Backend[];
  /** One sentence for the UI saying why, e.g. "WebGPU here is SwiftShader, a software renderer; WASM is faster". */
  reason: string;
}

/** Substrings of adapter vendor/architecture/device/description that name a software rasteriser. */
const SOFTWARE_RENDERERS: readonly [marker: string, name: string][] = [
  ['swiftshader', 'SwiftShader'],
  ['llvmpipe', 'llvmpipe'],
  ['lavapipe', 'lavapipe'],
  ['softpipe', 'softpipe'],
  ['microsoft basic render', 'Microsoft Basic Render Driver'],
  ['warp', 'WARP'],
];

/** The software renderer's name when the adapter is one, else null. */
export function softwareRenderer(facts: AdapterFacts): string | null {
  const text = [facts.vendor, facts.architecture, facts.device, facts.description].join(' ').toLowerCase();
  for (const [marker, name] of SOFTWARE_RENDERERS) if (new RegExp(`\\b${marker}\\b`).test(text)) return name;
  return facts.isFallbackAdapter ? 'a fallback adapter' : null;
}

function adapterName(facts: AdapterFacts): string {
  return [facts.vendor, facts.architecture || facts.device || facts.description].filter((part) => part !== '').join(' ') || 'a GPU';
}

export function chooseBackend(requested: Backend | undefined, probe: WebGpuProbe): BackendChoice {
  const software = probe.kind === 'adapter' ? softwareRenderer(probe.facts) : null;
  if (requested) {
    const caveat = requested === 'webgpu' && software ? `; WebGPU here is ${software}, a software renderer, usually slower than WASM` : '';
    return { order: [requested], reason: `${requested === 'webgpu' ? 'WebGPU' : 'WASM'} as requested${caveat}` };
  }
  if (probe.kind === 'no-api') return { order: ['wasm'], reason: 'Automatic: this browser has no WebGPU, so the model runs on the CPU (WASM)' };
  if (probe.kind === 'no-adapter') return { order: ['wasm'], reason: 'Automatic: the browser offers no WebGPU adapter, so the model runs on the CPU (WASM)' };
  if (software) {
    return { order: ['wasm', 'webgpu'], reason: `Automatic: WebGPU here is ${software}, a software renderer, much slower than WASM on the CPU` };
  }
  return { order: ['webgpu', 'wasm'], reason: `Automatic: WebGPU on ${adapterName(probe.facts)}` };
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: Partial<AdapterFacts>; isFallbackAdapter?: boolean } | null>;
}

/** Asks the browser for its default WebGPU adapter; never throws (a failing request means no adapter). */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return { kind: 'no-api' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { kind: 'no-adapter' };
  const info = adapter.info ?? {};
  return {
    kind: 'adapter',
    facts: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      // Chromium moved the flag from the adapter to its info (GPUAdapterInfo.isFallbackAdapter); read both.
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    },
  };
}
