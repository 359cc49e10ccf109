/**
 * Memory of long-form generation (issue 9.3): whole-process peak RSS of `foley generate` on a 10-minute and a
 * 1-minute synthetic video (ffmpeg-made MP4, a moving box), the same pack, seed and steps, printing JSON. Peak RSS
 * comes from /usr/bin/time (%M, KiB) as in bench/measure-cli.ts. Goal: rssRatioLongToShort ≤ 1.3 (memory does not grow
 * with the video's length: features stream, windows are mixed, shaped and written as they are finished).
 * Also the real-time factor of each run (wall seconds ÷ video seconds, whole process).
 * Usage: npx tsx bench/long-form-memory.ts [--long 600] [--short 60] [--pack public/models/foley-tiny]
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
}

function generateRun(video: string, videoSec: number, output: string, packDir: string): Run {
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', 'node', FOLEY, 'generate', video, '-o', output, '--pack', packDir, '--seed', '0'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`foley generate ${video} failed (${run.status}): ${run.stderr.slice(-500)}`);
  const rss = /maxrss=(\d+)\s*$/.exec(run.stderr);
  const round = (v: number) => Number(v.toFixed(3));
  return { videoSec, wallSec: round(wallSec), maxRssMb: rss ? round(Number(rss[1]) / 1024) : Number.NaN, realtimeFactor: round(wallSec / videoSec) };
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'long', kind: 'number', description: 'long video, s' },
    { name: 'short', kind: 'number', description: 'short video, s' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
  ]);
  const longSec = (values.long as number | undefined) ?? 600;
  const shortSec = (values.short as number | undefined) ?? 60;
  const tiny = path.join(ROOT, 'public/models/foley-tiny');
  const packDir = path.resolve((values.pack as string | undefined) ?? (existsSync(path.join(tiny, 'manifest.json')) ? tiny : path.join(ROOT, 'public/models/foley-test')));
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-long-form-memory-'));
  try {
    const runs: Run[] = [];
    for (const seconds of [shortSec, longSec]) {
      const video = await makeVideo({ path: path.join(scratch, `clip-${seconds}.mp4`), durationSec: seconds, width: 320, height: 240, fps: 30, codec: 'h264', container: 'mp4', motion: 'moving-box' });
      runs.push(generateRun(video, seconds, path.join(scratch, `out-${seconds}.wav`), packDir));
      await rm(path.join(scratch, `out-${seconds}.wav`), { force: true });
    }
    const [short, long] = runs as [Run, Run];
    console.log(JSON.stringify({
      benchmark: 'foley generate whole process: peak RSS on a long vs a short synthetic video',
      pack: path.relative(ROOT, packDir),
      short,
      long,
      rssRatioLongToShort: Number((long.maxRssMb / short.maxRssMb).toFixed(3)),
      goal: 'rssRatioLongToShort <= 1.3',
    }, null, 2));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
