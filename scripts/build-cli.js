#!/usr/bin/env node
/**
 * Builds the `foley` CLI into plain JavaScript under .cache/cli/ (git-ignored), so a command does not transpile
 * TypeScript every time it starts. esbuild is already installed (tsx and Vite run on it); it bundles src/cli/main.ts
 * and the decoder threads' job module for Node. npm packages stay external: onnxruntime-node and @napi-rs/webcodecs
 * load native binaries that cannot be bundled, and with the others external a dependency update needs no rebuild.
 * The output sits two folders below the repository like src/cli/, so `new URL('../../public/models/', import.meta.url)`
 * in the sources still finds the packs.
 * Usage: node scripts/build-cli.js [--if-stale]
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT_DIR = join(import.meta.dirname, '..');
export const CLI_DIR = join(ROOT_DIR, '.cache/cli');
export const CLI_ENTRY = join(CLI_DIR, 'foley.mjs');
/** Each build writes inputs.json last: its inputs (repository-relative) and outputs; its mtime is when the build started. */
const STAMP_FILE = 'inputs.json';
const ENTRY_POINTS = { foley: 'src/cli/main.ts', 'audio-decoder': 'src/engine/audio-decoder.ts' };

/**
 * True when the build exists and no input changed since it started. Synchronous and cheap (one stat per input,
 * ~60 files), because bin/foley.js asks before every command.
 */
export function isCliBuildFresh(dir = CLI_DIR) {
  try {
    const stamp = join(dir, STAMP_FILE);
    const builtAtMs = statSync(stamp).mtimeMs;
    const { inputs, outputs } = JSON.parse(readFileSync(stamp, 'utf8'));
    for (const output of outputs) statSync(join(dir, output));
    return inputs.every((input) => statSync(join(ROOT_DIR, input)).mtimeMs <= builtAtMs);
  } catch {
    return false;
  }
}

/**
 * Builds into a private folder and renames each file into place, the stamp last, so a CLI started meanwhile (the e2e
 * suites start several) sees either the old build or the new one, never half of one.
 */
export async function buildCli(dir = CLI_DIR) {
  const { build } = await import('esbuild');
  const startedAt = new Date();
  const tmpDir = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    const result = await build({
      absWorkingDir: ROOT_DIR,
      entryPoints: ENTRY_POINTS,
      outdir: tmpDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'error',
    });
    mkdirSync(dir, { recursive: true });
    const outputs = Object.keys(ENTRY_POINTS).map((name) => `${name}.mjs`);
    for (const output of outputs) renameSync(join(tmpDir, output), join(dir, output));
    const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
    const stampTmp = join(tmpDir, STAMP_FILE);
    writeFileSync(stampTmp, `${JSON.stringify({ inputs, outputs }, null, 1)}\n`);
    // An edit made while esbuild ran is newer than this, so the next start rebuilds.
    utimesSync(stampTmp, startedAt, startedAt);
    renameSync(stampTmp, join(dir, STAMP_FILE));
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!(process.argv.includes('--if-stale') && isCliBuildFresh())) await buildCli();
}
