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
import { decodeWav, encodeWav } from '../src/media/wav';
import { audioToLatent, type LogMelParams } from '../src/dsp/log-mel';
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
let outputCount = 0;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-tiny-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function generateFor(video: string, seed: number, extra: string[] = []): Promise<Float32Array[]> {
  const out = path.join(scratch, `${path.basename(video)}-${seed}-${outputCount++}.wav`);
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


describe('foley-tiny across a hard cut', () => {
  it('makes no burst of sound where one still shot cuts to another (the cut is not motion)', async () => {
    // 2 s of a still test pattern, then 2 s of still colour bars: one frame step changes the whole picture.
    const video = path.join(scratch, 'cut.mp4');
    const still = (source: string) => `${source}=size=160x120:rate=24,trim=0:0.04,loop=47:1:0,setpts=N/24/TB`;
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', still('testsrc'), '-f', 'lavfi', '-i', still('smptebars'), '-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video]);
    for (const seed of [0, 1]) {
      const curve = momentaryLoudnessCurve(await generateFor(video, seed), 44_100);
      const inner = Array.from(curve.channels[0]!.slice(2, -2));
      // Points whose 400 ms window is centred within 0.5 s of the cut at 2 s (centres at (k + 0.5) / 6 s).
      const nearCut = Array.from(curve.channels[0]!).filter((_, k) => Math.abs((k + 0.5) / 6 - 2) < 0.5);
      // Counted as motion the cut lifted these points 11–13 LU over the median (the engine before withoutCuts).
      expect(Math.max(...nearCut) - median(inner), `seed ${seed}: loudest point at the cut over the median`).toBeLessThan(6);
    }
  }, 180_000);

  it('does not swell through a fade to black (a change of light is not movement)', async () => {
    // 2.5 s of a still test pattern, faded to black over 1 s, then black to 6 s.
    const video = path.join(scratch, 'fade.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=24,trim=0:0.04,loop=143:1:0,setpts=N/24/TB,fade=t=out:st=2.5:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-t', '6', video]);
    for (const seed of [0, 1]) {
      const inner = Array.from(momentaryLoudnessCurve(await generateFor(video, seed), 44_100).channels[0]!.slice(2, -2));
      // Read as motion the fade lifted the curve 14.5-14.9 LU over the median; the model's own curve alone gives ~4.
      expect(Math.max(...inner) - median(inner), `seed ${seed}: loudest point over the median`).toBeLessThan(8);
    }
  }, 180_000);
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

describe('foley-tiny with a reference recording', () => {
  it('starting from the reference looped over the clip (--reference-init, default 0.6) moves the spectrum to the reference\'s', async () => {
    const video = await makeVideo({ path: path.join(scratch, 'reference-init.mp4'), durationSec: 4, width: 160, height: 120, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
    // 2 s of a 1 kHz tone pulsing 4 times a second: one narrow band, far from what the picture alone gives.
    const rate = 44_100;
    const pulse = Float32Array.from({ length: 2 * rate }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / rate) * (Math.sin((2 * Math.PI * 4 * i) / rate) > 0 ? 1 : 0.1));
    const prompt = path.join(scratch, 'pulse.wav');
    await writeFile(prompt, encodeWav({ sampleRate: rate, channels: [pulse, pulse] }, 'float32'));
    const params = { ...(JSON.parse(await readFile(path.join(PACK, 'manifest.json'), 'utf8')) as { latent: LogMelParams }).latent, sampleRate: rate };
    const bandProfile = (channels: Float32Array[]) => {
      const { data, frames, dims } = audioToLatent(channels, params);
      return Array.from({ length: dims }, (_, d) => Array.from({ length: frames }, (_, f) => data[f * dims + d]!).reduce((a, b) => a + b, 0) / frames);
    };
    const reference = bandProfile([pulse, pulse]);
    const distance = (channels: Float32Array[]) => Math.sqrt(bandProfile(channels).reduce((sum, v, d) => sum + (v - reference[d]!) ** 2, 0) / reference.length);
    // --no-anchor: without the anchoring's spectral gain, which moves both toward the reference.
    const fromNoise = distance(await generateFor(video, 3, ['--audio-prompt', prompt, '--no-anchor', '--reference-init', '0']));
    const fromReference = distance(await generateFor(video, 3, ['--audio-prompt', prompt, '--no-anchor']));
    expect(fromReference, `band-profile distance ${fromReference.toFixed(2)} vs ${fromNoise.toFixed(2)} from noise`).toBeLessThan(0.7 * fromNoise);
  }, 180_000);
});
