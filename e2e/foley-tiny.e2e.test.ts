/**
 * The built-in model (public/models/foley-tiny) through the `foley` CLI on real ffmpeg-made clips — the project's
 * own check on small fixtures, in CI (the full evaluation is training/foley/export/evaluate.py):
 * a video with no motion at all gets a quiet, steady ambience, not noise bursts, at the model's own level; by default
 * the predicted curve is moved to the programme level (−23 LUFS integrated, src/engine/conditioning/program-level.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { momentaryLoudnessCurve } from '../src/dsp/loudness-curve';
import { measureLoudness } from '../src/dsp/loudness-meter';
import { decodeWav } from '../src/media/wav';
import { makeVideo } from './fixtures';

const ROOT = path.resolve(__dirname, '..');
const FOLEY = path.join(ROOT, 'bin/foley.js');
const PACK = path.join(ROOT, 'public/models/foley-tiny');
const run = promisify(execFile);

/** Loudest momentary point of a sensible quiet ambience, LUFS. */
const QUIET_MAX_LUFS = -30;
/** Loudest point over the median point: more than this is a burst, not an ambience. */
const BURST_LU = 10;

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-tiny-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function generateFor(video: string, seed: number, extra: string[] = []): Promise<Float32Array[]> {
  const out = path.join(scratch, `${path.basename(video)}-${seed}${extra.join('')}.wav`);
  await run('node', [FOLEY, 'generate', video, '-o', out, '--pack', PACK, '--seed', String(seed), ...extra], { cwd: ROOT });
  const wav = decodeWav(new Uint8Array(await readFile(out)));
  return wav.channels;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('foley-tiny on a video with no motion', () => {
  for (const motion of ['static', 'still-picture'] as const) {
    it(`gives a quiet, steady ambience for a ${motion} picture (the model's own level), at −23 LUFS by default`, async () => {
      const video = await makeVideo({ path: path.join(scratch, `${motion}.mp4`), durationSec: 4, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion });
      for (const seed of [0, 1]) {
        const programme = measureLoudness(await generateFor(video, seed), 44_100).integrated;
        // The curve's 1/6 s points stand in for the meter's 100 ms blocks, and the DiT follows its curve only roughly.
        expect(programme, `seed ${seed}: integrated loudness by default`).toBeGreaterThan(-23 - 2);
        expect(programme, `seed ${seed}: integrated loudness by default`).toBeLessThan(-23 + 2);
        const channels = await generateFor(video, seed, ['--level', 'model']);
        // Inner points only: the first and last windows hang over the clip's edges.
        const points = momentaryLoudnessCurve(channels, 44_100).channels.flatMap((c) => Array.from(c.slice(2, -2)));
        const loudest = Math.max(...points);
        expect(loudest, `seed ${seed}: loudest point ${loudest.toFixed(1)} LUFS`).toBeLessThanOrEqual(QUIET_MAX_LUFS);
        expect(loudest - median(points), `seed ${seed}: loudest point over the median`).toBeLessThanOrEqual(BURST_LU);
      }
    }, 180_000);
  }
});


describe('foley-tiny long takes (issue 11 #15)', () => {
  it('has no 100 ms span below −70 dBFS where the target curve asks for −30 LUFS throughout', async () => {
    const durationSec = 24;
    const video = await makeVideo({ path: path.join(scratch, 'long.mp4'), durationSec, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
    const curve = path.join(scratch, 'flat.json');
    const points = durationSec * 6;
    await writeFile(curve, JSON.stringify({ rate: 6, windowSec: 0.4, unit: 'LUFS', channels: [Array(points).fill(-30), Array(points).fill(-30)] }));
    const out = path.join(scratch, 'long.wav');
    await run('node', [FOLEY, 'generate', video, '-o', out, '--pack', PACK, '--target-curve', curve, '--format', 'float32'], { cwd: ROOT });
    const { channels } = decodeWav(new Uint8Array(await readFile(out)));
    const span = 4410;
    const holes: string[] = [];
    for (let start = 0; start + span <= channels[0]!.length; start += span / 2) {
      let energy = 0;
      for (const c of channels) for (let i = start; i < start + span; i++) energy += c[i]! * c[i]!;
      const dbfs = 10 * Math.log10(energy / (span * channels.length) + 1e-20);
      if (dbfs < -70) holes.push(`${(start / 44_100).toFixed(2)} s: ${dbfs.toFixed(1)} dBFS`);
    }
    expect(holes).toEqual([]);
  }, 180_000);
});
