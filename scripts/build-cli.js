#!/usr/bin/env node
/**
 * Builds the `foley` CLI into plain JavaScript under .cache/cli/ (git-ignored), so a command does not transpile
 * TypeScript every time it starts. esbuild is already installed (tsx and Vite run on it); it bundles src/cli/main.ts
 * and the decoder threads' job module for Node. npm packages stay external: onnxruntime-node and @napi-rs/webcodecs
 * load native binaries that cannot be bundled, and with the others external most dependency updates need no rebuild.
 * The output sits two folders below the repository like src/cli/, so `new URL('../../public/models', import.meta.url)`
 * in the sources still finds the packs.
 * Usage: node scripts/build-cli.js [--if-stale]
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT_DIR = join(import.meta.dirname, '..');
export const CLI_DIR = join(ROOT_DIR, '.cache/cli');
export const CLI_ENTRY = join(CLI_DIR, 'foley.mjs');
/** Each build writes inputs.json last: its inputs (repository-relative) and outputs; its mtime is when the build started. */
const STAMP_FILE = 'inputs.json';
const ENTRY_POINTS = { foley: 'src/cli/main.ts', 'latent-decoder': 'src/engine/decoding/latent-decoder.ts' };

/**
 * Packages the built CLI loads when a command first uses one of their exports, not at start. Node evaluates every
 * static import before main() runs, and these four were most of a start-up (import times measured here: mediabunny
 * 73 ms, onnxruntime-node's native library 58 ms, @napi-rs/webcodecs 34 ms, mp4box 15 ms), which `foley --help` or
 * `foley measure x.wav` never need. The bundle imports a stand-in per package whose exports are getters that
 * require() the real package on first access; esbuild reads a CommonJS module's exports where they are used, so
 * `ort.InferenceSession` loads onnxruntime-node right there. The export names are read from each package at build
 * time. A package that fails to load then fails inside the command, which reports it as one line.
 */
const LAZY_PACKAGES = ['onnxruntime-node', '@napi-rs/webcodecs', 'mediabunny', 'mp4box'];
/** Bound in the bundle's banner: the stand-ins are CommonJS inside an ES module, which has no `require`. */
const REQUIRE_BINDING = '__foleyRequire';

function lazyPackages() {
  const requireFromRoot = createRequire(join(ROOT_DIR, 'package.json'));
  return {
    name: 'foley:lazy-packages',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => (LAZY_PACKAGES.includes(args.path) ? { path: args.path, namespace: 'lazy-package' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => {
        const names = Object.keys(requireFromRoot(args.path)).filter((name) => name !== 'default' && name !== '__esModule');
        const getters = names.map((name) => `${JSON.stringify(name)}: { enumerable: true, get: () => load()[${JSON.stringify(name)}] }`);
        const contents = [
          'let loaded;',
          `const load = () => (loaded ??= ${REQUIRE_BINDING}(${JSON.stringify(args.path)}));`,
          `Object.defineProperties(module.exports, { ${getters.join(', ')} });`,
        ].join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}

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
      plugins: [lazyPackages()],
      banner: { js: `import { createRequire as __foleyCreateRequire } from 'node:module'; const ${REQUIRE_BINDING} = __foleyCreateRequire(import.meta.url);` },
      metafile: true,
      logLevel: 'error',
    });
    mkdirSync(dir, { recursive: true });
    const outputs = Object.keys(ENTRY_POINTS).map((name) => `${name}.mjs`);
    for (const output of outputs) renameSync(join(tmpDir, output), join(dir, output));
    // Sources, and the package.json of each lazy package (an update may change its export names); stand-ins live in
    // their own esbuild namespace ("lazy-package:…") and are no files.
    const sources = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/') && !input.includes(':'));
    const inputs = [...sources, ...LAZY_PACKAGES.map((name) => `node_modules/${name}/package.json`)];
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
