/**
 * CLI start-up benchmark: how long `foley` takes before it does any work, against Node and npx doing nothing, all
 * measured in the same run (the machine is shared, so only figures from one run compare).
 * Run: `npx tsx bench/cli-start.ts [--runs 11]`. Prints one JSON object. Goals (issue 11): `node bin/foley.js --help`
 * ≤ 100 ms, and what npx adds to `foley --help` ≤ what npx adds to a bin that does nothing. That baseline is a copy of
 * this package.json whose only bin is an empty script, beside the same node_modules: npm runs a project's own bin
 * only after loading its dependency tree, so `npx --version` (also reported) would understate npx.
 *
 * Each command runs `runs` times, interleaved with the others, and the median wall time is kept. bin/foley.js is
 * built first (scripts/build-cli.js) so the figures are those of a set-up checkout; "tsx" runs the same CLI from the
 * TypeScript sources, the way bin/foley.js did before it shipped built JavaScript.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT_DIR = path.join(import.meta.dirname, '..');
const FOLEY = path.join(ROOT_DIR, 'bin/foley.js');
const TSX_MAIN = `import { register } from 'tsx/esm/api'; register();
const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMs(command: string[], cwd: string): number {
  const start = performance.now();
  const run = spawnSync(command[0], command.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const elapsedMs = performance.now() - start;
  if (run.status !== 0) throw new Error(`${command.join(' ')} exited with ${run.status}: ${run.stderr.trim().split('\n').pop()}`);
  return elapsedMs;
}

/** A project like this one whose bin `noop` is an empty script. */
function makeNoopProject(dir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, bin: { noop: 'noop.js' } }));
  copyFileSync(path.join(ROOT_DIR, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  writeFileSync(path.join(dir, 'noop.js'), '#!/usr/bin/env node\n');
  chmodSync(path.join(dir, 'noop.js'), 0o755);
  symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(dir, 'node_modules'));
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
const runs = Number(values.runs);
const scratch = mkdtempSync(path.join(tmpdir(), 'foley-cli-start-'));
try {
  const wav = path.join(scratch, 'tone.wav');
  spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=48000', '-ac', '2', '-y', wav]);
  if (spawnSync('node', ['scripts/build-cli.js'], { cwd: ROOT_DIR, stdio: 'inherit' }).status !== 0) throw new Error('scripts/build-cli.js failed');
  const commands: Record<string, string[]> = {
    nodeNothing: ['node', '-e', '0'],
    foleyHelp: ['node', FOLEY, '--help'],
    foleyMeasure1sWav: ['node', FOLEY, 'measure', wav],
    tsxHelp: ['node', '--input-type=module', '-e', TSX_MAIN, '--', '--help'],
    npxVersion: ['npx', '--version'],
    npxNoopBin: ['npx', 'noop'],
    npxFoleyHelp: ['npx', 'foley', '--help'],
  };
  const noopProject = path.join(scratch, 'noop-project');
  mkdirSync(noopProject);
  makeNoopProject(noopProject);
  const cwdOf = (name: string) => (name === 'npxNoopBin' ? noopProject : ROOT_DIR);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, command] of Object.entries(commands)) samples[name].push(timeMs(command, cwdOf(name)));
  }
  const medianMs = Object.fromEntries(Object.entries(samples).map(([name, times]) => [name, Math.round(median(times))]));
  const npxAddsToFoleyMs = medianMs.npxFoleyHelp - medianMs.foleyHelp;
  const npxAddsToNothingMs = medianMs.npxNoopBin - medianMs.nodeNothing;
  console.log(
    JSON.stringify(
      {
        runs,
        medianMs,
        foleyHelpOverNodeMs: medianMs.foleyHelp - medianMs.nodeNothing,
        tsxHelpOverBuiltMs: medianMs.tsxHelp - medianMs.foleyHelp,
        npxAddsToFoleyMs,
        npxAddsToNothingMs,
        goals: { foleyHelpWithin100Ms: medianMs.foleyHelp <= 100, npxAddsNoMoreThanNpxItself: npxAddsToFoleyMs <= npxAddsToNothingMs },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
