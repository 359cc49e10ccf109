import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_NAMES } from '../pack/manifest';
import { createNodeAdapter } from '../runtime/ort-node';
import { loadPack, type LoadedPack } from '../pack/pack-loader';
import { directoryPackSource } from '../pack/pack-source-node';
import { loadReference, parseReference, runReference } from './reference';

const PACKS_DIR = path.resolve(__dirname, '../../../public/models');
/** Every committed pack, so a newly exported one is checked without editing this test. */
const PACK_IDS = readdirSync(PACKS_DIR).filter((id) => existsSync(path.join(PACKS_DIR, id, 'manifest.json')));

describe.each(PACK_IDS)('%s reference tensors on onnxruntime-node', { timeout: 120_000 }, (packId) => {
  const packSource = directoryPackSource(path.join(PACKS_DIR, packId));
  let loaded: LoadedPack;
  beforeAll(async () => {
    loaded = await loadPack(packSource, { backends: ['cpu'], createAdapter: createNodeAdapter });
  }, 120_000);
  afterAll(async () => loaded?.dispose());

  for (const component of COMPONENT_NAMES) {
    it(`${component} matches its reference within maxAbsError`, async () => {
      const reference = await loadReference(packSource, loaded.manifest, component);
      expect(reference).not.toBeNull();
      const result = await runReference(loaded, component, reference!);
      expect(result.maxAbsError).toBeLessThanOrEqual(result.tolerance);
    });
  }
});

const source = directoryPackSource(path.join(PACKS_DIR, 'foley-test'));
let pack: LoadedPack;
beforeAll(async () => {
  pack = await loadPack(source, { backends: ['cpu'], createAdapter: createNodeAdapter });
}, 60_000);
afterAll(async () => pack?.dispose());

describe('reference checks', { timeout: 60_000 }, () => {

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
