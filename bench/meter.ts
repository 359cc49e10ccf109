/**
 * Loudness-meter benchmark: our CPU meter (decode WAV + integrated, LRA, M/S max, 4× true peak) against
 * `ffmpeg -af ebur128=peak=true -f null -` on the same 10-minute stereo 48 kHz file, in the same run.
 * Run: `npx tsx bench/meter.ts [--runs 3]`. Prints one JSON object; the goal is ratio ≤ 1.0.
 *
 * Both wall time and CPU time are reported (ffmpeg's from its own -benchmark line): the machine is shared,
 * so CPU time is the steadier figure. Each side runs `runs` times, interleaved, and the median is kept.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measureLoudness } from '../src/dsp/loudness-meter';
import { decodeWav, encodeWav } from '../src/media/wav';

const SAMPLE_RATE = 48000;
const DURATION_SEC = 600;

/** Programme-like stereo audio: low-passed noise bursts with decays at slowly changing levels, tones, pauses. */
function programme(seed: number): Float32Array {
  let state = seed;
  const pole = Math.exp((-2 * Math.PI * 8000) / SAMPLE_RATE);
  let lowPassed = 0;
  return Float32Array.from({ length: DURATION_SEC * SAMPLE_RATE }, (_, n) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    lowPassed = pole * lowPassed + (1 - pole) * (state / 2 ** 32 - 0.5);
    const t = n / SAMPLE_RATE;
    const scene = 0.5 + 0.5 * Math.sin(t / 20);
    const burst = Math.exp(-(t % 0.7) * 6) * (t % 60 < 50 ? 1 : 0.05);
    return lowPassed * (0.03 + 0.8 * scene * burst) + 0.04 * scene * Math.sin(2 * Math.PI * 220 * t);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runOurs(file: string): { wallSec: number; cpuSec: number; result: ReturnType<typeof measureLoudness> } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const audio = decodeWav(new Uint8Array(readFileSync(file)));
  const result = measureLoudness(audio.channels, audio.sampleRate);
  const cpu = process.cpuUsage(cpuStart);
  return { wallSec: (performance.now() - start) / 1000, cpuSec: (cpu.user + cpu.system) / 1e6, result };
}

function runFfmpeg(file: string): { wallSec: number; cpuSec: number; integrated: number; lra: number; truePeak: number } {
  const start = performance.now();
  const run = spawnSync('ffmpeg', ['-nostats', '-hide_banner', '-benchmark', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' });
  const wallSec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr.split('\n').slice(-3).join(' ')}`);
  const log = run.stderr;
  const bench = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(log);
  const summary = log.slice(log.lastIndexOf('Summary:'));
  const number = (pattern: RegExp): number => Number(pattern.exec(summary)?.[1]);
  return {
    wallSec,
    cpuSec: bench ? Number(bench[1]) + Number(bench[2]) : Number.NaN,
    integrated: number(/I:\s+(-?[\d.]+) LUFS/),
    lra: number(/LRA:\s+(-?[\d.]+) LU/),
    truePeak: number(/Peak:\s+(-?[\d.]+) dBFS/),
  };
}

function main(): void {
  const runsIndex = process.argv.indexOf('--runs');
  const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'foley-bench-meter-'));
  try {
    const file = path.join(dir, 'programme.wav');
    writeFileSync(file, encodeWav({ sampleRate: SAMPLE_RATE, channels: [programme(1), programme(2)] }, 'float32'));
    const ours: ReturnType<typeof runOurs>[] = [];
    const ffmpeg: ReturnType<typeof runFfmpeg>[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(runOurs(file));
      ffmpeg.push(runFfmpeg(file));
    }
    const oursWall = median(ours.map((r) => r.wallSec));
    const oursCpu = median(ours.map((r) => r.cpuSec));
    const ffmpegWall = median(ffmpeg.map((r) => r.wallSec));
    const ffmpegCpu = median(ffmpeg.map((r) => r.cpuSec));
    const round = (v: number, digits = 3): number => Number(v.toFixed(digits));
    const { integrated, lra, truePeak } = ours[0].result;
    console.log(JSON.stringify({
      benchmark: 'loudness meter, 10 min stereo 48 kHz float32 WAV, decode + I/LRA/M/S/true peak',
      runs,
      ours: { wallSec: round(oursWall), cpuSec: round(oursCpu), integrated: round(integrated, 2), lra: round(lra, 2), truePeak: round(truePeak, 2) },
      ffmpeg: { wallSec: round(ffmpegWall), cpuSec: round(ffmpegCpu), integrated: ffmpeg[0].integrated, lra: ffmpeg[0].lra, truePeak: ffmpeg[0].truePeak },
      ratioWall: round(oursWall / ffmpegWall),
      ratioCpu: round(oursCpu / ffmpegCpu),
      goal: 'ratio <= 1.0',
    }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
