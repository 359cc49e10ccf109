import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from '../../../e2e/fixtures';
import { installNodeWebCodecs } from '../../media/node-webcodecs';
import { openVideo, type VideoSource } from '../../media/video-source';
import { loadPack, type LoadedPack } from '../pack/pack-loader';
import { directoryPackSource } from '../pack/pack-source-node';
import { createNodeAdapter } from '../runtime/ort-node';
import { SessionRunner } from '../runtime/model-session-runner';
import { clipSizes, resampleRows, sliceRows } from '../sampling/sequence';
import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import { Prng } from '../../dsp/prng';
import { clipConditioning } from './clip-conditioning';
import { percentile } from './prompt-anchor';

const PACK_DIR = path.resolve(__dirname, '../../../public/models/foley-test');
const DURATION_SEC = 4;

let scratch: string;
let pack: LoadedPack;
let video: VideoSource;

beforeAll(async () => {
  installNodeWebCodecs();
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-clip-conditioning-'));
  const clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: DURATION_SEC, width: 96, height: 64, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
  pack = await loadPack(directoryPackSource(PACK_DIR), { backends: ['cpu'], createAdapter: createNodeAdapter });
  video = await openVideo(await openAsBlob(clip));
}, 60_000);

afterAll(async () => {
  video?.close();
  await pack?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

describe('clipConditioning', () => {
  it('keeps the sync features at their own rate and resamples a window of them to latent frames on demand', async () => {
    const { manifest } = pack;
    const runner = new SessionRunner(pack);
    const sizes = clipSizes(manifest, DURATION_SEC);
    const cond = await clipConditioning(runner, manifest, sizes, video, { seed: 1 }, {});
    const ds = runner.outputWidth('sync_encoder', 'features');
    // Held for the whole generation: the clip's sync features at the latent rate (86 frames/s × Ds) were 13 MB of a
    // 10-minute clip's browser worker and most of its growth with length (bench/long-form-memory-browser.ts).
    for (const [name, value] of Object.entries(cond)) {
      if (value instanceof Float32Array) expect(value.length, name).toBeLessThan(sizes.latentFrames * ds);
    }
    expect(cond.sync.length).toBe(sizes.sync.count * ds);
    const whole = resampleRows(cond.sync, ds, sizes.sync, sizes.latent);
    // A window that runs past the clip's end (padded to the DiT's length multiple) repeats the last row.
    for (const [start, count] of [[0, 40], [100, 64], [sizes.latentFrames - 10, 32]] as const) {
      expect(Array.from(cond.syncAtLatent(start, count))).toEqual(Array.from(sliceRows(whole, ds, start, count)));
    }
  }, 60_000);

  it('shapes to the predicted curve with the picture\'s motion energy while the DiT reads the model\'s own', async () => {
    const { manifest } = pack;
    const runner = new SessionRunner(pack);
    const sizes = clipSizes(manifest, DURATION_SEC);
    const withMotion = await clipConditioning(runner, manifest, sizes, video, { seed: 1 }, {});
    const modelOnly = await clipConditioning(runner, manifest, sizes, video, { seed: 1, motionLoudness: false }, {});
    expect(Array.from(withMotion.loudness)).toEqual(Array.from(modelOnly.loudness));
    expect(Array.from(modelOnly.predictedLoudness)).toEqual(Array.from(modelOnly.loudness));
    const moved = withMotion.predictedLoudness.map((v, i) => Math.abs(v - withMotion.loudness[i]!));
    // The moving box gives motion that varies over the clip (a still picture would leave the curve as predicted).
    expect(Math.max(...moved)).toBeGreaterThan(1 / 70);
  }, 60_000);

  it('gives the shaped curve the reference\'s quiet parts as well as its loud ones', async () => {
    const { manifest } = pack;
    const { minLufs, maxLufs, curveRate, windowSec } = manifest.loudness;
    const runner = new SessionRunner(pack);
    const sizes = clipSizes(manifest, DURATION_SEC);
    // Two seconds of a reference: a second of quiet noise bed, then a second of loud noise 40 dB above it.
    const rate = manifest.sampleRate;
    const random = new Prng(3);
    const channel = Float32Array.from({ length: 2 * rate }, (_, i) => (random.nextFloat() * 2 - 1) * (i < rate ? 0.003 : 0.3));
    const audioPrompt = { sampleRate: rate, channels: Array.from({ length: manifest.channels }, () => channel) };
    const promptLufs = momentaryLoudnessCurve(audioPrompt.channels, rate, { rate: curveRate, windowSec, minLufs, maxLufs }).channels.flatMap((c) => Array.from(c));
    const cond = await clipConditioning(runner, manifest, sizes, video, { seed: 1, audioPrompt }, {});
    const lufs = (rows: Float32Array) => Array.from(rows, (v) => minLufs + v * (maxLufs - minLufs));
    const shaped = lufs(cond.predictedLoudness);
    for (const p of [10, 50, 90]) expect(Math.abs(percentile(shaped, p) - percentile(promptLufs, p)), `percentile ${p}`).toBeLessThan(1.5);
    // The DiT still reads the model's curve with only its loud parts at the reference's level.
    expect(Math.abs(percentile(lufs(cond.loudness), 90) - percentile(promptLufs, 90))).toBeLessThan(0.5);
  }, 60_000);
});
