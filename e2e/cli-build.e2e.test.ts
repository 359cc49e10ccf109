/**
 * bin/foley.js runs built JavaScript (scripts/build-cli.js → .cache/cli/) and never a build older than its sources:
 * the e2e suites and users run whatever the checkout holds now. e2e/cli.e2e.test.ts generates through it, decoder
 * threads included (they load .cache/cli/latent-decoder.mjs).
 */
import { execFile } from 'node:child_process';
import { readFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const CLI_DIR = path.join(ROOT, '.cache/cli');
const STAMP = path.join(CLI_DIR, 'inputs.json');
const run = promisify(execFile);

describe('the built CLI', () => {
  it('is rebuilt before a command runs when a source is newer than the build', async () => {
    await run('node', ['scripts/build-cli.js'], { cwd: ROOT });
    const { inputs } = JSON.parse(await readFile(STAMP, 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('src/engine/decoding/latent-decoder.ts');
    expect(inputs).toContain('node_modules/onnxruntime-node/package.json');
    // The sources, the manifest schema the pack reader imports, and each external package's package.json (their versions).
    expect(inputs).toContain('docs/model-pack.schema.json');
    const isInput = (input: string) => input.startsWith('src/') || input === 'docs/model-pack.schema.json' || /^node_modules\/[^/]+(\/[^/]+)?\/package\.json$/.test(input);
    expect(inputs.filter((input) => !isInput(input))).toEqual([]);
    // Backdating the build is the same as editing a source after it (and touches no source another developer edits).
    const epoch = new Date(0);
    await utimes(STAMP, epoch, epoch);
    const { stdout } = await run('node', [path.join(ROOT, 'bin/foley.js'), '--help'], { cwd: ROOT });
    expect(stdout).toMatch(/^foley — /);
    expect((await stat(STAMP)).mtimeMs).toBeGreaterThan(Date.now() - 120_000);
  });
});
