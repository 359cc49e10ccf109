/**
 * Reference tensors (`<component>.ref.json`, docs/model-pack.md): inputs and expected outputs written by the
 * exporter. Running them is the parity check between PyTorch, onnxruntime-node and onnxruntime-web (WebGPU, WASM).
 */

import type { ComponentName, PackManifest, TensorDtype } from '../pack/manifest';
import type { LoadedPack } from '../pack/pack-loader';
import { readVerified } from '../pack/pack-loader';
import type { PackSource } from '../pack/pack-source';
import type { EngineTensor, TensorValues } from '../runtime/model-session';

export interface ReferenceTensor {
  dtype: TensorDtype;
  dims: number[];
  data: TensorValues;
}

export interface ReferenceCase {
  inputs: Record<string, ReferenceTensor>;
  outputs: Record<string, ReferenceTensor>;
}

export interface ParityResult {
  component: ComponentName;
  maxAbsError: number;
  tolerance: number;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function parseTensor(value: unknown, where: string): ReferenceTensor {
  const t = value as { dims?: unknown; dtype?: unknown; data?: unknown };
  if (!Array.isArray(t.dims) || typeof t.data !== 'string' || (t.dtype !== 'float32' && t.dtype !== 'int64')) {
    throw new Error(`${where} must be {dims, dtype: float32|int64, data: base64}`);
  }
  const bytes = decodeBase64(t.data);
  // Copy into an aligned buffer: typed arrays need offsets that are multiples of their element size.
  const buffer = bytes.slice().buffer;
  const data = t.dtype === 'float32' ? new Float32Array(buffer) : new BigInt64Array(buffer);
  const count = (t.dims as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`${where} has ${data.length} values for dims ${JSON.stringify(t.dims)}`);
  return { dtype: t.dtype, dims: t.dims as number[], data };
}

export function parseReference(bytes: Uint8Array, file: string): ReferenceCase {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  if (typeof json.inputs !== 'object' || typeof json.outputs !== 'object') throw new Error(`${file} must have "inputs" and "outputs"`);
  const map = (entries: Record<string, unknown>, kind: string) =>
    Object.fromEntries(Object.entries(entries).map(([name, v]) => [name, parseTensor(v, `${file} ${kind}.${name}`)]));
  return { inputs: map(json.inputs!, 'inputs'), outputs: map(json.outputs!, 'outputs') };
}

/** Reads and verifies a component's reference file; null when the pack ships none. */
export async function loadReference(source: PackSource, manifest: PackManifest, component: ComponentName): Promise<ReferenceCase | null> {
  const entry = manifest.components[component].reference;
  if (!entry) return null;
  return parseReference(await readVerified(source, entry), entry.file);
}

/** Runs one reference case through the pack's session and returns the largest absolute output error. */
export async function runReference(pack: LoadedPack, component: ComponentName, reference: ReferenceCase): Promise<ParityResult> {
  const feeds: Record<string, EngineTensor> = {};
  for (const [name, t] of Object.entries(reference.inputs)) feeds[name] = pack.adapter.tensor(t.dtype, t.data, t.dims);
  const outputs = await pack.sessions[component].run(feeds);
  let maxAbsError = 0;
  for (const [name, expected] of Object.entries(reference.outputs)) {
    const tensor = outputs[name];
    if (!tensor) throw new Error(`${component} produced no output "${name}"`);
    if (JSON.stringify(tensor.dims) !== JSON.stringify(expected.dims)) {
      throw new Error(`${component}.${name} has dims ${JSON.stringify(tensor.dims)}, the reference ${JSON.stringify(expected.dims)}`);
    }
    const actual = (await tensor.getData()) as Float32Array;
    expected.data.forEach((v, i) => (maxAbsError = Math.max(maxAbsError, Math.abs(Number(v) - Number(actual[i])))));
  }
  Object.values(outputs).forEach((t) => t.dispose());
  return { component, maxAbsError, tolerance: pack.manifest.components[component].reference!.maxAbsError };
}
