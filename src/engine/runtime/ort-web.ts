/**
 * The browser side of the ORT adapter: onnxruntime-web in the engine worker, WebGPU execution provider first,
 * WASM as the fallback. The only browser file importing onnxruntime-web.
 */

import * as ort from 'onnxruntime-web/webgpu';
import { env } from './env';
import { wrapSession } from './ort-session';
import type { TensorDtype } from '../pack/manifest';
import type { Backend } from '../host/protocol';
import type { EngineTensor, OrtAdapter, SessionOptions, TensorValues } from './model-session';

/** Backend → execution providers. `cpu` is the Node backend and has no entry here. */
const EXECUTION_PROVIDERS: Partial<Record<Backend, string[]>> = {
  webgpu: ['webgpu'],
  wasm: ['wasm'],
};

function executionProviders(backend: Backend): string[] {
  const providers = EXECUTION_PROVIDERS[backend];
  if (!providers) throw new Error(`backend "${backend}" is not available in the browser; valid: ${Object.keys(EXECUTION_PROVIDERS).join(', ')}`);
  return providers;
}

function configureRuntime(): void {
  const base = (import.meta.env?.BASE_URL as string | undefined) ?? '/';
  ort.env.wasm.wasmPaths = env.wasmPaths ?? new URL(`${base}ort/`, globalThis.location.href).href;
  if (env.threads > 0) ort.env.wasm.numThreads = env.threads;
}

/**
 * Session creation is serialised: the first InferenceSession.create initialises the WASM runtime, and a second
 * create started before that finishes fails with "multiple calls to 'initWasm()' detected."
 */
let creationQueue: Promise<unknown> = Promise.resolve();

function serialised<T>(task: () => Promise<T>): Promise<T> {
  const result = creationQueue.then(task, task);
  creationQueue = result.catch(() => undefined);
  return result;
}

export function createWebAdapter(backend: Backend): OrtAdapter {
  const providers = executionProviders(backend);
  configureRuntime();
  return {
    backend,
    createSession(bytes: Uint8Array, options: SessionOptions = {}) {
      return serialised(async () => {
        const gpuOutputs = backend === 'webgpu' ? (options.gpuOutputs ?? []) : [];
        const session = await ort.InferenceSession.create(bytes, {
          executionProviders: providers,
          graphOptimizationLevel: 'all',
          ...(gpuOutputs.length > 0 ? { preferredOutputLocation: Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer' as const])) } : {}),
        });
        return wrapSession(session);
      });
    },
    tensor(dtype: TensorDtype, data: TensorValues, dims: readonly number[]): EngineTensor {
      return new ort.Tensor(dtype, data, dims);
    },
  };
}
