import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from './manifest';
import { createNodeAdapter } from './ort-node';
import { loadPack, type LoadedPack } from './pack-loader';
import { directoryPackSource } from './pack-source-node';
import { loadReference, parseReference, runReference } from './reference';

const source = directoryPackSource(path.resolve(__dirname, '../../public/models/foley-test'));
let pack: LoadedPack;
beforeAll(async () => {
  pack = await loadPack(source, { backends: ['cpu'], createAdapter: createNodeAdapter });
}, 60_000);
afterAll(async () => pack?.dispose());

describe('reference tensors on onnxruntime-node', { timeout: 60_000 }, () => {
  for (const component of COMPONENT_NAMES) {
    it(`${component} matches its reference within maxAbsError`, async () => {
      const reference = await loadReference(source, pack.manifest, component);
      expect(reference).not.toBeNull();
      const result = await runReference(pack, component, reference!);
      expect(result.maxAbsError).toBeLessThanOrEqual(result.tolerance);
    });
  }

  it('detects a wrong expected output', async () => {
    const reference = (await loadReference(source, pack.manifest, 'sampler_step'))!;
    (reference.outputs.x_next!.data as Float32Array)[3] += 0.5;
    const result = await runReference(pack, 'sampler_step', reference);
    expect(result.maxAbsError).toBeGreaterThan(0.4);
  });

  it('refuses malformed reference files', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(() => parseReference(bytes('{"inputs": {}}'), 'x.ref.json')).toThrow(/must have "inputs" and "outputs"/);
    expect(() => parseReference(bytes('{"inputs": {"a": {"dims": [2], "dtype": "float32", "data": "AAAAAA=="}}, "outputs": {}}'), 'x.ref.json')).toThrow(
      /x.ref.json inputs.a has 1 values for dims \[2\]/,
    );
  });
});
