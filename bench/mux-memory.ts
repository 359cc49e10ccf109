/**
 * Memory of `foley generate --mux` (issue 9.5): whole-process peak RSS on a 10-minute and a 1-minute synthetic video
 * (ffmpeg-made MP4, a moving box, with its own audio track), the same pack, seed and steps, printing JSON. Peak RSS
 * from /usr/bin/time (%M, KiB) as in bench/long-form-memory.ts. Goal: muxRssRatioLongToShort ≤ 1.3 (the MP4 streams
 * to its file and the sound is read back from the WAV a block at a time). The reference measured in the same run is
 * the same command without --mux (the WAV alone, already flat): muxOverheadMb says what the MP4 adds at each length.
 * Also the time the MP4 adds, and checks that ffprobe reads both streams of the long MP4 with durations within one
 * AAC frame.
 * The pack defaults to foley-test at 1 step: the mux does not depend on the model or its steps, and this keeps the
 * run short (at the pack's own steps a 10-minute clip takes about 18 minutes on 2 cores).
 * Usage: npx tsx bench/mux-memory.ts [--long 600] [--short 60] [--pack public/models/foley-test] [--steps 1] [--foley bin/foley.js]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeVideo } from '../e2e/fixtures';
import { parseArgs } from '../src/cli/args';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Run {
  wallSec: number;
  maxRssMb: number;
}

const round = (v: number) => Number(v.toFixed(3));

/** Runs the CLI under /usr/bin/time, which appends "maxrss=<KiB>" as the last line of stderr. */
function timedRun(foley: string, args: string[]): Run {
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', 'node', foley, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallSec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`foley ${args.join(' ')} failed (${run.status}): ${run.stderr.slice(-500)}`);
  const rss = /maxrss=(\d+)\s*$/.exec(run.stderr);
  return { wallSec: round(wallSec), maxRssMb: rss ? round(Number(rss[1]) / 1024) : Number.NaN };
}

/** ffprobe's stream durations of the MP4: both streams must be there, within one AAC frame of each other. */
function probe(mp4: string, sampleRate: number): { videoSec: number; audioSec: number; withinOneFrame: boolean } {
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,duration', '-of', 'json', mp4], { encoding: 'utf8' });
  const streams = (JSON.parse(run.stdout) as { streams: { codec_type: string; duration: string }[] }).streams;
  const durationOf = (type: string) => Number(streams.find((s) => s.codec_type === type)?.duration ?? Number.NaN);
  const videoSec = durationOf('video');
  const audioSec = durationOf('audio');
  return { videoSec, audioSec, withinOneFrame: Math.abs(videoSec - audioSec) < 1024 / sampleRate };
}

async function main(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), [
    { name: 'long', kind: 'number', description: 'long video, s' },
    { name: 'short', kind: 'number', description: 'short video, s' },
    { name: 'pack', kind: 'string', description: 'pack folder' },
    { name: 'steps', kind: 'integer', description: 'denoising steps' },
    { name: 'foley', kind: 'string', description: 'the CLI entry to measure (another checkout\'s bin/foley.js for a before/after)' },
  ]);
  const longSec = (values.long as number | undefined) ?? 600;
  const shortSec = (values.short as number | undefined) ?? 60;
  const packDir = path.resolve((values.pack as string | undefined) ?? path.join(ROOT, 'public/models/foley-test'));
  const steps = String((values.steps as number | undefined) ?? 1);
  const foley = path.resolve((values.foley as string | undefined) ?? path.join(ROOT, 'bin/foley.js'));
  const { sampleRate } = JSON.parse(await readFile(path.join(packDir, 'manifest.json'), 'utf8')) as { sampleRate: number };
  const scratch = await mkdtemp(path.join(tmpdir(), 'foley-mux-memory-'));
  try {
    const runs: Record<string, { wavOnly: Run; mux: Run; mp4Mb: number; probe: ReturnType<typeof probe> }> = {};
    for (const seconds of [shortSec, longSec]) {
      const video = await makeVideo({ path: path.join(scratch, `clip-${seconds}.mp4`), durationSec: seconds, width: 320, height: 240, fps: 30, codec: 'h264', container: 'mp4', motion: 'moving-box', audio: true });
      const wav = path.join(scratch, `out-${seconds}.wav`);
      const mp4 = path.join(scratch, `out-${seconds}.mp4`);
      const common = ['generate', video, '-o', wav, '--pack', packDir, '--seed', '0', '--steps', steps, '--yes'];
      const wavOnly = timedRun(foley, common);
      const mux = timedRun(foley, [...common, '--mux', mp4]);
      runs[seconds] = { wavOnly, mux, mp4Mb: round((await stat(mp4)).size / 1e6), probe: probe(mp4, sampleRate) };
      await rm(wav, { force: true });
      await rm(mp4, { force: true });
    }
    const short = runs[shortSec]!;
    const long = runs[longSec]!;
    console.log(JSON.stringify({
      benchmark: 'foley generate --mux whole process: peak RSS on a long vs a short synthetic video, vs the same command without --mux',
      pack: path.relative(ROOT, packDir),
      steps: Number(steps),
      foley: path.relative(ROOT, foley) || foley,
      short: { videoSec: shortSec, ...short },
      long: { videoSec: longSec, ...long },
      muxRssRatioLongToShort: round(long.mux.maxRssMb / short.mux.maxRssMb),
      wavOnlyRssRatioLongToShort: round(long.wavOnly.maxRssMb / short.wavOnly.maxRssMb),
      muxOverheadMb: { short: round(short.mux.maxRssMb - short.wavOnly.maxRssMb), long: round(long.mux.maxRssMb - long.wavOnly.maxRssMb) },
      muxExtraSec: { short: round(short.mux.wallSec - short.wavOnly.wallSec), long: round(long.mux.wallSec - long.wavOnly.wallSec) },
      goal: 'muxRssRatioLongToShort <= 1.3; long.probe.withinOneFrame',
    }, null, 2));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
