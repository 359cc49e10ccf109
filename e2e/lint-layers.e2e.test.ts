/**
 * The layer rules of eslint.config.js, run through ESLint itself on one-line sources placed in each folder: an import
 * across a forbidden boundary is refused with the rule's message, the imports each folder needs are not.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from './harness';

/**
 * The probes are files that do not exist, which the typed rules' project service cannot place in the TypeScript
 * program; the layer rules need no types, so they run without it. The typed rule is probed on a real file below.
 */
const eslint = new ESLint({
  cwd: ROOT_DIR,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
});
const typedEslint = new ESLint({ cwd: ROOT_DIR });

/** The no-restricted-imports messages for `source` as if it were the file at `filePath`. */
async function restrictions(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const use = (specifier: string) => `import { x } from '${specifier}';\nexport { x };`;
const useType = (specifier: string) => `import type { X } from '${specifier}';\nexport type { X };`;

describe('layer rules', () => {
  it.each([
    ['shaders/probe.ts', use('../src/engine/pack/manifest'), 'they import src/dsp (their CPU references) only'],
    ['shaders/probe.ts', use('../src/media/wav'), 'they import src/dsp (their CPU references) only'],
    ['shaders/probe.ts', use('../e2e/fixtures'), 'Product code does not import bench/'],
    ['src/dsp/probe.ts', use('../../shaders/stft-spectrogram'), 'src/dsp imports nothing of ours'],
    ['src/media/probe.ts', use('../../e2e/fixtures'), 'Product code does not import bench/'],
    ['src/engine/runtime/ort-probe.ts', use('../../../bench/engine'), 'Product code does not import bench/'],
    ['src/media/probe.test.ts', use('../../e2e/harness'), 'A unit test may import the media fixtures'],
    ['src/media/probe.test.ts', use('../app/session'), 'src/media must not depend on the app'],
    ['e2e/probe.ts', use('../src/app/session'), 'use the app as a user does'],
    ['bench/probe.ts', use('../src/app/session'), 'use the app as a user does'],
    ['bench/probe.ts', use('onnxruntime-node'), 'Only src/engine/runtime/ort-*.ts may import onnxruntime-*'],
  ])('refuses %s: %s', async (filePath, source, message) => {
    const found = await restrictions(filePath, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
  });

  it.each([
    ['shaders/probe.ts', use('../src/dsp/stft')],
    ['src/app/components/probe.tsx', use('../../../shaders/stft-spectrogram')],
    ['src/media/probe.test.ts', use('../../e2e/fixtures')],
    ['src/media/probe.test.ts', use('../../e2e/hostile-fixtures')],
    ['e2e/probe.ts', useType('../src/app/store/state')],
    ['e2e/probe.ts', use('../bench/ingest-browser')],
    ['bench/probe.ts', use('../src/engine/sampling/generate')],
    ['bench/probe.ts', use('../src/cli/args')],
    ['bench/probe.ts', use('../e2e/harness')],
  ])('allows %s: %s', async (filePath, source) => {
    expect(await restrictions(filePath, source)).toEqual([]);
  });
});

describe('typed rules', () => {
  it('refuses a floating promise in product code (the text stands in for a real file of the program)', async () => {
    const source = 'async function save(): Promise<void> {}\nexport function onClick(): void {\n  save();\n}\n';
    const [result] = await typedEslint.lintText(source, { filePath: 'src/dsp/prng.ts' });
    expect(result.messages.map((m) => m.ruleId)).toEqual(['@typescript-eslint/no-floating-promises']);
    const [handled] = await typedEslint.lintText(source.replace('  save();', '  void save();'), { filePath: 'src/dsp/prng.ts' });
    expect(handled.messages).toEqual([]);
  });
});
