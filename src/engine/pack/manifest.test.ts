import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import schema from '../../../docs/model-pack.schema.json';
import { checkSchemaSubset } from './json-schema';
import { condMaskRow, ManifestError, parseManifest, type PackManifest } from './manifest';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const testManifest = () => read('../../../public/models/foley-test/manifest.json') as Record<string, unknown>;

/** Edits every reader must refuse; pytest holds docs/model-pack.schema.json through jsonschema to the same table. */
const refusals = (read('../../../training/fixtures/manifest-refusals.json') as {
  cases: { set?: Record<string, unknown>; delete?: string; message: string }[];
}).cases;

function edited(base: Record<string, unknown>, change: (typeof refusals)[number]): unknown {
  const entries: [string, unknown][] = change.delete !== undefined ? [[change.delete, undefined]] : Object.entries(change.set!);
  for (const [path, value] of entries) {
    const keys = path.split('.');
    const last = keys.pop()!;
    const parent = keys.reduce((node: Record<string, unknown>, key) => node[key] as Record<string, unknown>, base);
    if (change.delete !== undefined) delete parent[last];
    else parent[last] = value;
  }
  return base;
}

describe('parseManifest', () => {
  it('reads the committed packs', () => {
    for (const pack of ['foley-test', 'foley-tiny']) {
      const m = parseManifest(read(`../../../public/models/${pack}/manifest.json`));
      expect(m.id).toBe(pack);
      expect(m.sampler.solvers).toContain(m.sampler.method);
    }
  });

  it('implements every keyword docs/model-pack.schema.json uses', () => {
    expect(() => checkSchemaSubset(schema)).not.toThrow();
  });

  for (const change of refusals) {
    it(`refuses ${JSON.stringify(change.set ?? { delete: change.delete }).slice(0, 80)}`, () => {
      const expected = change.message.startsWith('manifest.json') ? change.message : `manifest.json: ${change.message}`;
      const parse = () => parseManifest(edited(testManifest(), change));
      expect(parse).toThrow(ManifestError);
      expect(parse).toThrow(expected);
    });
  }

  it('words refusals for the user: no schema keywords, no JSON pointers', () => {
    for (const change of refusals) {
      let message = '';
      try {
        parseManifest(edited(testManifest(), change));
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toMatch(/\$defs|#\/|anyOf|prefixItems|additionalProperties|propertyNames|\$ref/);
    }
  });

  it('refuses a schema-1 manifest naming the pack, its version and the rewrite command', () => {
    const old = { ...testManifest(), schemaVersion: 1, id: 'foley-tiny', version: '0.2.0' };
    expect(() => parseManifest(old)).toThrow(/foley-tiny 0\.2\.0 is a schema-1 pack; this build reads schema 2.*python -m foley\.export\.manifest --pack/);
    expect(() => parseManifest({ ...testManifest(), schemaVersion: 99 })).toThrow('manifest.json: foley-test 0.1.0: schemaVersion 99 is not supported (this build reads 2)');
    expect(() => parseManifest({ id: 'x' })).toThrow(/it has no schemaVersion/);
    expect(() => parseManifest([])).toThrow('manifest.json must be an object, got []');
  });
});

describe('condMaskRow', () => {
  it("follows the pack's modalities order", () => {
    const m = parseManifest(testManifest());
    const given = { video: true, loudness: false, text: true, audio: false };
    expect(Array.from(condMaskRow(m, given))).toEqual([1, 0, 1, 0]);
    const reordered: PackManifest = { ...m, conditioning: { ...m.conditioning, modalities: ['audio', 'text', 'loudness', 'video'] } };
    expect(Array.from(condMaskRow(reordered, given))).toEqual([0, 1, 0, 1]);
  });
});
