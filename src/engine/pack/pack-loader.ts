/**
 * Loads a model pack in layers: source → manifest → component files (in parallel, with progress, size + sha256
 * checked) → ORT sessions validated against the manifest. The app and the CLI share it; only the source differs.
 */

import { COMPONENT_NAMES, ManifestError, parseManifest, type ComponentName, type ComponentSpec, type PackManifest, type TensorSpec } from './manifest';
import { PackIntegrityError, sizeMismatchError, type PackFile, type PackSource } from './pack-source';
import type { Backend, Progress } from '../host/protocol';
import type { EngineSession, OrtAdapter, ValueMetadata } from '../runtime/model-session';

export const MANIFEST_FILE = 'manifest.json';

export { PackIntegrityError } from './pack-source';

export interface LoadedPack {
  manifest: PackManifest;
  backend: Backend;
  adapter: OrtAdapter;
  sessions: Record<ComponentName, EngineSession>;
  dispose(): Promise<void>;
}

export interface LoadPackOptions {
  /** Tried in order; a backend that fails to create any session falls through to the next. */
  backends: Backend[];
  createAdapter: (backend: Backend) => OrtAdapter;
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** Outputs kept on the GPU between denoising steps (only honoured on WebGPU). */
const GPU_OUTPUTS: Partial<Record<ComponentName, (spec: ComponentSpec) => string[]>> = {
  dit: (spec) => spec.outputs.map((o) => o.name),
  sampler_step: (spec) => spec.outputs.map((o) => o.name),
};

/** A manifest is a few kilobytes; the bound keeps a damaged or hostile one from costing more than that. */
const MAX_MANIFEST_BYTES = 1 << 20;

export async function loadManifest(source: PackSource, signal?: AbortSignal): Promise<PackManifest> {
  const { bytes } = await source.read({ name: MANIFEST_FILE, maxBytes: MAX_MANIFEST_BYTES, signal });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ManifestError(`${MANIFEST_FILE} in ${source.location} is not valid JSON: ${(error as Error).message}`);
  }
  return parseManifest(json);
}

/** Refuses a file whose size or sha256 differ from the manifest, naming it. */
export function verifyFile(name: string, file: PackFile, expected: { bytes: number; sha256: string }): void {
  if (file.bytes.byteLength !== expected.bytes) throw sizeMismatchError(name, file.bytes.byteLength, expected.bytes);
  if (file.sha256 !== expected.sha256) {
    throw new PackIntegrityError(`${name} has sha256 ${file.sha256} but the manifest says ${expected.sha256}; the pack is corrupted`);
  }
}

/** Reads and verifies one file named by the manifest; the source refuses it early when it is too large. */
export async function readVerified(
  source: PackSource,
  entry: { file: string; bytes: number; sha256: string },
  onProgress?: (progress: Progress) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const file = await source.read({
    name: entry.file,
    bytes: entry.bytes,
    sha256: entry.sha256,
    signal,
    onProgress: (loadedBytes, totalBytes) => onProgress?.({ stage: 'download', file: entry.file, loadedBytes, totalBytes }),
  });
  verifyFile(entry.file, file, entry);
  return file.bytes;
}

/** The first way a graph value differs from its manifest spec (dtype, rank, a fixed dimension), or null. */
function specMismatch(spec: TensorSpec, meta: ValueMetadata | undefined): string | null {
  if (!meta?.type || !meta.shape) return null;
  if (meta.type !== spec.dtype) return `${spec.name} is ${meta.type} in the graph, ${spec.dtype} in the manifest`;
  const graph = JSON.stringify(meta.shape);
  const manifest = JSON.stringify(spec.shape);
  if (meta.shape.length !== spec.shape.length) return `${spec.name} has shape ${graph} in the graph, ${manifest} in the manifest`;
  const fixedDiffers = spec.shape.some((dim, i) => typeof dim === 'number' && typeof meta.shape![i] === 'number' && dim !== meta.shape![i]);
  return fixedDiffers ? `${spec.name} has shape ${graph} in the graph, ${manifest} in the manifest` : null;
}

/** Checks a session's inputs and outputs (names, dtypes, shapes) against the manifest; the error lists both sides. */
export function validateSession(name: ComponentName, spec: ComponentSpec, session: EngineSession): void {
  const check = (kind: 'inputs' | 'outputs', actual: readonly string[], specs: TensorSpec[], metadata: readonly ValueMetadata[]) => {
    const expected = specs.map((t) => t.name);
    const missing = expected.filter((n) => !actual.includes(n));
    const extra = actual.filter((n) => !expected.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new ManifestError(
        `${name} (${spec.file}) ${kind} do not match the manifest: the graph has [${actual.join(', ')}], the manifest lists [${expected.join(', ')}]`,
      );
    }
    for (const t of specs) {
      const mismatch = specMismatch(t, metadata.find((m) => m.name === t.name));
      if (mismatch) throw new ManifestError(`${name} (${spec.file}): ${mismatch}`);
    }
  };
  check('inputs', session.inputNames, spec.inputs, session.inputMetadata ?? []);
  check('outputs', session.outputNames, spec.outputs, session.outputMetadata ?? []);
}

async function createSessions(
  manifest: PackManifest,
  files: Map<ComponentName, Uint8Array>,
  adapter: OrtAdapter,
): Promise<Record<ComponentName, EngineSession>> {
  const sessions: Partial<Record<ComponentName, EngineSession>> = {};
  try {
    for (const name of COMPONENT_NAMES) {
      const spec = manifest.components[name];
      const session = await adapter.createSession(files.get(name)!, { gpuOutputs: GPU_OUTPUTS[name]?.(spec) });
      sessions[name] = session;
      validateSession(name, spec, session);
    }
  } catch (error) {
    await Promise.all(Object.values(sessions).map((s) => s.dispose()));
    throw error;
  }
  return sessions as Record<ComponentName, EngineSession>;
}

export async function loadPack(source: PackSource, options: LoadPackOptions): Promise<LoadedPack> {
  const manifest = await loadManifest(source, options.signal);
  const files = new Map<ComponentName, Uint8Array>();
  await Promise.all(
    COMPONENT_NAMES.map(async (name) => {
      files.set(name, await readVerified(source, manifest.components[name], options.onProgress, options.signal));
    }),
  );
  const failures: string[] = [];
  for (const backend of options.backends) {
    let adapter: OrtAdapter;
    let sessions: Record<ComponentName, EngineSession>;
    try {
      adapter = options.createAdapter(backend);
      sessions = await createSessions(manifest, files, adapter);
    } catch (error) {
      if (error instanceof ManifestError) throw error;
      failures.push(`${backend}: ${(error as Error).message}`);
      continue;
    }
    return {
      manifest,
      backend,
      adapter,
      sessions,
      dispose: async () => void (await Promise.all(Object.values(sessions).map((s) => s.dispose()))),
    };
  }
  throw new Error(`no backend could run pack ${manifest.id} (tried ${options.backends.join(', ')}): ${failures.join('; ')}`);
}
