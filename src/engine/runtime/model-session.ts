/**
 * The small interface the engine codes against; `ort-web.ts` and `ort-node.ts` implement it, so nothing else in
 * the engine imports onnxruntime-*. An onnxruntime Tensor satisfies `EngineTensor` structurally, so the adapters
 * pass runtime tensors through without copying.
 */

import type { Backend } from '../host/protocol';
import type { TensorDtype } from '../pack/manifest';

export type TensorValues = Float32Array | BigInt64Array;

/** Where a tensor's data lives: host memory, or a WebGPU buffer that must be downloaded with getData(). */
export type TensorLocation = 'cpu' | 'gpu-buffer' | string;

export interface EngineTensor {
  readonly dims: readonly number[];
  readonly type: string;
  readonly location: TensorLocation;
  /** Host data (downloads a GPU buffer first). */
  getData(): Promise<unknown>;
  /** Releases GPU memory; a no-op for host tensors. The owner (whoever created or received it) calls it. */
  dispose(): void;
}

export interface SessionOptions {
  /** Outputs that stay on the GPU (WebGPU only) so the next run can consume them without a download. */
  gpuOutputs?: readonly string[];
}

/** What the runtime reports about a graph input/output (type and shape may be absent for non-tensor values). */
export interface ValueMetadata {
  readonly name: string;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

export interface EngineSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  run(feeds: Record<string, EngineTensor>): Promise<Record<string, EngineTensor>>;
  dispose(): Promise<void>;
}

export interface OrtAdapter {
  readonly backend: Backend;
  createSession(bytes: Uint8Array, options?: SessionOptions): Promise<EngineSession>;
  tensor(dtype: TensorDtype, data: TensorValues, dims: readonly number[]): EngineTensor;
}

/** Reads a tensor back as float32 (downloads GPU tensors); throws if it is not float32. */
export async function readFloat32(tensor: EngineTensor): Promise<Float32Array> {
  if (tensor.type !== 'float32') throw new Error(`expected a float32 tensor, got ${tensor.type} ${JSON.stringify(tensor.dims)}`);
  return (await tensor.getData()) as Float32Array;
}
