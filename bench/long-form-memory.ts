/**
 * Memory of long-form generation (issue 9.3): whole-process peak RSS of `foley generate` on a 10-minute and a
 * 1-minute synthetic video (ffmpeg-made MP4, a moving box), the same pack, seed and steps, printing JSON. Peak RSS
 * comes from /usr/bin/time (%M, KiB) as in bench/measure-cli.ts. Goal: rssRatioLongToShort ≤ 1.3 (memory does not grow
 * with the video's length: features stream, windows are mixed, shaped and written as they are finished).
 * Also the real-time factor of each run (wall seconds ÷ video seconds, whole process).
 * --worker-path: also generate() returning the take in memory, as the browser's engine worker calls it, on Node
 * (bench/long-form-memory-worker.ts); its peak RSS minus the take's bytes is what generation needs beyond the take
 * (the browser heap itself is not measured here).
 * Usage: npx tsx bench/long-form-memory.ts [--long 600] [--short 60] [--pack public/models/foley-tiny] [--worker-path]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeVideo } from '../e2e/fixtures';
import { parseArgs } from '../src/cli/args';

const ROOT = path.resolve(import.meta.dirname, '..');
const FOLEY = path.join(ROOT, 'bin/foley.js');

interface Run {
  videoSec: number;
  wallSec: number;
  maxRssMb: number;
  realtimeFactor: number;
  stdout: string;
}

const round = (v: number) => Number(v.toFixed(3));

/** Runs a command under /usr/bin/time, which appends "maxrss=<KiB>" as the last line of stderr. */
function timedRun(videoSec: number, command: string, args: string[]): Run {
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallSec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr.slice(-500)}`);
  const rss = /maxrss=(\d+)\s*$/.exec(run.stderr);
  return { videoSec, wallSec: round(wallSec), maxRssMb: rss ? round(Number(rss[1]) / 1024) : Number.NaN, realtimeFactor: round(wallSec / videoSec), stdout: run.stdout };
}

/** The CLI: the WAV streams to its file. */
function cliRun(video: string, videoSec: number, output: string, packDir: string): Omit<Run, 'stdout'> {
  const { stdout: _, ...run } = timedRun(videoSec, 'node', [FOLEY, 'generate', video, '-o', output, '--pack', packDir, '--seed', '0']);
  return run;
}

/** generate() as the browser worker runs it: the take in memory; what it needs beyond the take is peak − output. */
function workerPathRun(video: string, videoSec: number, packDir: string) {
  const { stdout, ...run } = timedRun(videoSec, 'npx', ['tsx', path.join(import.meta.dirname, 'long-form-memory-worker.ts'), video, packDir]);
  const { outputMb } = JSON.parse(stdout) as { outputMb: number };
  return { ...run, outputMb: round(outputMb), beyondOutputMb: round(run.maxRssMb - outputMb) };
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'long', kind: 'number', description: 'long video, s' },
    { name: 'short', kind: 'number', description: 'short video, s' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
    { name: 'worker-path', kind: 'flag', description: 'also generate() with the take in memory, as the browser worker does' },
  ]);
  const longSec = (values.long as number | undefined) ?? 600;
  const shortSec = (values.short as number | undefined) ?? 60;
  const tiny = path.join(ROOT, 'public/models/foley-tiny');
  const packDir = path.resolve((values.pack as string | undefined) ?? (existsSync(path.join(tiny, 'manifest.json')) ? tiny : path.join(ROOT, 'public/models/foley-test')));
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-long-form-memory-'));
  try {
    const cli = [];
    const workerPath = [];
    for (const seconds of [shortSec, longSec]) {
      const video = await makeVideo({ path: path.join(scratch, `clip-${seconds}.mp4`), durationSec: seconds, width: 320, height: 240, fps: 30, codec: 'h264', container: 'mp4', motion: 'moving-box' });
      cli.push(cliRun(video, seconds, path.join(scratch, `out-${seconds}.wav`), packDir));
      await rm(path.join(scratch, `out-${seconds}.wav`), { force: true });
      if (values['worker-path']) workerPath.push(workerPathRun(video, seconds, packDir));
    }
    const [short, long] = cli as [Run, Run];
    const [workerShort, workerLong] = workerPath;
    console.log(JSON.stringify({
      benchmark: 'foley generate whole process: peak RSS on a long vs a short synthetic video',
      pack: path.relative(ROOT, packDir),
      short,
      long,
      rssRatioLongToShort: round(long.maxRssMb / short.maxRssMb),
      ...(workerShort && workerLong
        ? { workerPath: { short: workerShort, long: workerLong, beyondOutputRatioLongToShort: round(workerLong.beyondOutputMb / workerShort.beyondOutputMb) } }
        : {}),
      goal: 'rssRatioLongToShort <= 1.3; workerPath.beyondOutputRatioLongToShort <= 1.3',
    }, null, 2));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
