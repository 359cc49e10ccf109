/**
 * The cost of takes (issue 9): `foley generate` wall time on a 10 s ffmpeg-made video (falling boxes), a plain
 * generation against `--takes 1` and `--takes 3` with the default search (T = 1: N·(1 + 2T) generations) and
 * `--takes 3 --search-iterations 0` (the best of 3 seeds), all in this run on this machine. Prints one JSON object:
 * the wall seconds of each, the generations each runs, and per extra take its seconds and its ratio to the plain
 * generation (the reference). Expected ratio ≈ 1 + 2T = 3 with the default search, ≈ 1 without search; above that is
 * the search's own overhead (reading the video's motion once, scoring each candidate at 16 kHz).
 * Usage: npx tsx bench/takes.ts [--duration 10] [--pack public/models/foley-tiny]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeVideo } from '../e2e/fixtures';

const ROOT = path.resolve(import.meta.dirname, '..');
const FOLEY = path.join(ROOT, 'bin/foley.js');

function wallSec(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, [FOLEY, 'generate', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const sec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`foley generate ${args.join(' ')} exited with ${run.status}: ${run.stderr.trim().split('\n').pop()}`);
  return sec;
}

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, pack: { type: 'string' } } });
const durationSec = Number(values.duration);
const tiny = path.join(ROOT, 'public/models/foley-tiny');
const pack = values.pack ?? (existsSync(path.join(tiny, 'manifest.json')) ? tiny : path.join(ROOT, 'public/models/foley-test'));

const dir = await mkdtemp(path.join(tmpdir(), 'foley-bench-takes-'));
try {
  const video = await makeVideo({ path: path.join(dir, 'drops.mp4'), durationSec, width: 320, height: 240, fps: 24, codec: 'h264', container: 'mp4', motion: 'drops' });
  const common = [video, '--pack', pack, '--seed', '1'];
  // Warm-up: the first run builds the CLI bundle when a source is newer; not measured.
  wallSec([...common, '-o', path.join(dir, 'warm.wav')]);
  const plainSec = wallSec([...common, '-o', path.join(dir, 'plain.wav')]);
  const runs = [
    { takes: 1, iterations: 1 },
    { takes: 3, iterations: 1 },
    { takes: 3, iterations: 0 },
  ].map(({ takes, iterations }) => ({
    takes,
    iterations,
    generations: takes * (1 + 2 * iterations),
    wallSec: wallSec([...common, '-o', path.join(dir, `t${takes}i${iterations}.wav`), '--takes', String(takes), '--search-iterations', String(iterations)]),
  }));
  const [one, three, bestOfThree] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
  const extraTakeSec = (three.wallSec - one.wallSec) / 2;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  console.log(
    JSON.stringify({
      videoSec: durationSec,
      pack: path.relative(ROOT, pack),
      plainGenerationSec: round(plainSec),
      runs: runs.map((r) => ({ ...r, wallSec: round(r.wallSec), secPerGeneration: round(r.wallSec / r.generations) })),
      perExtraTake: { searchIterations: 1, sec: round(extraTakeSec), ratioToPlainGeneration: round(extraTakeSec / plainSec) },
      perExtraTakeWithoutSearch: { searchIterations: 0, sec: round((bestOfThree.wallSec - plainSec) / 2), ratioToPlainGeneration: round((bestOfThree.wallSec - plainSec) / 2 / plainSec) },
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
