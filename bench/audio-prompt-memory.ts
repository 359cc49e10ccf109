/**
 * Peak memory of `foley generate … --audio-prompt ref.wav` with a 2-hour reference recording against a 5-second one
 * (mono 48 kHz 16-bit, 691 MB vs 0.5 MB on disk): the CLI reads and resamples only the seconds the pack uses, so
 * both should peak alike (issue 11 #3: the 2-hour one peaked at 2.9 GB). Peak RSS from /usr/bin/time (%M, KiB);
 * the foley-test pack, 1 step, a 1 s clip, so the run is about the reference and not the model.
 * Run: `npx tsx bench/audio-prompt-memory.ts`. Goal: rssRatio ≤ 1.2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWav } from '../src/media/wav';

const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLE_RATE = 48000;

/** A mono 16-bit WAV of a wandering tone with noise, written a minute at a time. */
function writeReference(file: string, durationSec: number): void {
  const frames = durationSec * SAMPLE_RATE;
  const header = encodeWav({ sampleRate: SAMPLE_RATE, channels: [new Float32Array(0)] }, 'pcm16');
  const view = new DataView(header.buffer);
  view.setUint32(4, header.length - 8 + frames * 2, true);
  view.setUint32(header.length - 4, frames * 2, true);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  let state = 7;
  const minute = new Int16Array(SAMPLE_RATE * 60);
  for (let start = 0; start < frames; start += minute.length) {
    const count = Math.min(minute.length, frames - start);
    for (let i = 0; i < count; i++) {
      const t = (start + i) / SAMPLE_RATE;
      state = (state * 1664525 + 1013904223) >>> 0;
      minute[i] = Math.round(32767 * (0.2 * Math.sin(2 * Math.PI * (300 + 50 * Math.sin(t)) * t) + 0.05 * (state / 2 ** 32 - 0.5)));
    }
    writeSync(fd, new Uint8Array(minute.buffer, 0, count * 2));
  }
  closeSync(fd);
}

function generateRss(video: string, reference: string, out: string): { wallSec: number; maxRssMb: number } {
  const args = ['-f', 'maxrss=%M', 'node', 'bin/foley.js', 'generate', video, '-o', out, '--pack', 'public/models/foley-test', '--steps', '1', '--audio-prompt', reference];
  const start = performance.now();
  const run = spawnSync('/usr/bin/time', args, { cwd: ROOT, encoding: 'utf8' });
  const wallSec = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`foley generate failed (${run.status}): ${run.stderr.slice(-500)}`);
  return { wallSec: Number(wallSec.toFixed(2)), maxRssMb: Number((Number(/maxrss=(\d+)\s*$/.exec(run.stderr)?.[1]) / 1024).toFixed(1)) };
}

function main(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'foley-bench-prompt-'));
  try {
    const video = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video]);
    const short = path.join(dir, 'five-seconds.wav');
    const long = path.join(dir, 'two-hours.wav');
    writeReference(short, 5);
    writeReference(long, 2 * 3600);
    const fiveSec = generateRss(video, short, path.join(dir, 'a.wav'));
    const twoHours = generateRss(video, long, path.join(dir, 'b.wav'));
    console.log(JSON.stringify({
      benchmark: 'foley generate --audio-prompt peak RSS: 2 h vs 5 s mono 48 kHz pcm16 reference (foley-test pack, 1 step, 1 s clip)',
      fiveSeconds: fiveSec,
      twoHours,
      rssRatio: Number((twoHours.maxRssMb / fiveSec.maxRssMb).toFixed(3)),
      goal: 'rssRatio <= 1.2 (before: the 2-hour reference peaked at 2.9 GB)',
    }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
