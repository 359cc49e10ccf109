/**
 * `foley measure` as a user runs it: whole-process wall time and peak RSS of `node bin/foley.js measure x.wav --json`
 * against `ffmpeg -nostats -i x.wav -af ebur128=peak=true -f null -` on the same 10-minute stereo 48 kHz float WAV,
 * in the same run (medians of `runs`, interleaved). Peak RSS comes from /usr/bin/time (%M, KiB) for both.
 * Also: the CLI's bare start-up (`--help`), and peak RSS on 1 minute of the same audio, so the 10 min / 1 min ratio
 * shows whether memory follows the file's length (the meter streams WAV in blocks).
 * Run: `npx tsx bench/measure-cli.ts [--runs 3]`. Goals (issue 11): ratioWall ≤ 1.0, rssRatio10to1 ≤ 1.2, RSS ≤ 2× ffmpeg's.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWav } from '../src/media/wav';

const ROOT = path.resolve(import.meta.dirname, '..');
const FOLEY = path.join(ROOT, 'bin/foley.js');
const SAMPLE_RATE = 48000;

/** Programme-like stereo audio (as bench/meter.ts), written a minute at a time so this script stays small too. */
function writeProgramme(file: string, durationSec: number): void {
  const frames = durationSec * SAMPLE_RATE;
  const header = encodeWav({ sampleRate: SAMPLE_RATE, channels: [new Float32Array(0), new Float32Array(0)] }, 'float32');
  const view = new DataView(header.buffer);
  const dataBytes = frames * 2 * 4;
  view.setUint32(4, header.length - 8 + dataBytes, true);
  view.setUint32(header.length - 12, frames, true); // fact chunk: sample frames
  view.setUint32(header.length - 4, dataBytes, true);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  const state = [1, 2];
  const lowPassed = [0, 0];
  const pole = Math.exp((-2 * Math.PI * 8000) / SAMPLE_RATE);
  const chunk = new Float32Array(SAMPLE_RATE * 60 * 2);
  for (let start = 0; start < frames; start += SAMPLE_RATE * 60) {
    const count = Math.min(SAMPLE_RATE * 60, frames - start);
    for (let i = 0; i < count; i++) {
      const t = (start + i) / SAMPLE_RATE;
      const scene = 0.5 + 0.5 * Math.sin(t / 20);
      const burst = Math.exp(-(t % 0.7) * 6) * (t % 60 < 50 ? 1 : 0.05);
      for (let c = 0; c < 2; c++) {
        state[c] = (state[c]! * 1664525 + 1013904223) >>> 0;
        lowPassed[c] = pole * lowPassed[c]! + (1 - pole) * (state[c]! / 2 ** 32 - 0.5);
        chunk[2 * i + c] = lowPassed[c]! * (0.03 + 0.8 * scene * burst) + 0.04 * scene * Math.sin(2 * Math.PI * 220 * t);
      }
    }
    writeSync(fd, new Uint8Array(chunk.buffer, 0, count * 8));
  }
  closeSync(fd);
}

interface Run {
  wallSec: number;
  maxRssMb: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under /usr/bin/time, which appends "maxrss=<KiB>" as the last line of stderr. */
function timed(command: string, args: string[]): Run {
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallSec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr.slice(-500)}`);
  const rss = /maxrss=(\d+)\s*$/.exec(run.stderr);
  return { wallSec, maxRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, stdout: run.stdout, stderr: run.stderr };
}

const foley = (file: string): Run => timed('node', [FOLEY, 'measure', file, '--json']);
const ffmpeg = (file: string): Run => timed('ffmpeg', ['-nostats', '-hide_banner', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

function summary(runs: Run[]): { wallSec: number; maxRssMb: number } {
  return { wallSec: round(median(runs.map((r) => r.wallSec))), maxRssMb: round(median(runs.map((r) => r.maxRssMb)), 1) };
}

function main(): void {
  const runsIndex = process.argv.indexOf('--runs');
  const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'foley-bench-measure-cli-'));
  try {
    const long = path.join(dir, 'ten-minutes.wav');
    const short = path.join(dir, 'one-minute.wav');
    writeProgramme(long, 600);
    writeProgramme(short, 60);
    const ours: Run[] = [];
    const theirs: Run[] = [];
    const oursShort: Run[] = [];
    const startup: Run[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(foley(long));
      theirs.push(ffmpeg(long));
      oursShort.push(foley(short));
      startup.push(timed('node', [FOLEY, '--help']));
    }
    const o = summary(ours);
    const f = summary(theirs);
    const s = summary(oursShort);
    const measured = JSON.parse(ours[0]!.stdout) as { integrated: number; lra: number; truePeak: number };
    const log = theirs[0]!.stderr.slice(theirs[0]!.stderr.lastIndexOf('Summary:'));
    const ffmpegIntegrated = Number(/I:\s+(-?[\d.]+) LUFS/.exec(log)?.[1]);
    console.log(JSON.stringify({
      benchmark: 'foley measure whole process vs ffmpeg ebur128=peak=true, 10 min stereo 48 kHz float32 WAV',
      runs,
      foley: { ...o, integrated: round(measured.integrated, 2), lra: round(measured.lra, 2), truePeak: round(measured.truePeak, 2) },
      ffmpeg: { ...f, integrated: ffmpegIntegrated },
      foleyOneMinute: s,
      foleyStartupSec: summary(startup).wallSec,
      ratioWall: round(o.wallSec / f.wallSec),
      ratioRssToFfmpeg: round(o.maxRssMb / f.maxRssMb),
      rssRatio10to1: round(o.maxRssMb / s.maxRssMb),
      goal: 'ratioWall <= 1.0, rssRatio10to1 <= 1.2, ratioRssToFfmpeg <= 2',
    }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
