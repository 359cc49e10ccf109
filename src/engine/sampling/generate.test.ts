import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from '../../../e2e/fixtures';
import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import { installNodeWebCodecs } from '../../media/node-webcodecs';
import { openVideo, type VideoSource } from '../../media/video-source';
import { nodeDecoderPool } from '../decoding/latent-decoder-node';
import { generate, knownReplacement } from './generate';
import { CONTINUITY_OVERLAP_SEC } from './long-form';
import { percentile } from '../conditioning/prompt-anchor';
import { createNodeAdapter } from '../runtime/ort-node';
import { loadPack, type LoadedPack } from '../pack/pack-loader';
import { directoryPackSource } from '../pack/pack-source-node';
import type { Progress } from '../host/protocol';
import { SessionRunner } from '../runtime/model-session-runner';
import { clipSizes } from './sequence';
import { encodeVideo } from '../conditioning/video-features';
import { predictLoudness } from '../conditioning/clip-conditioning';
import { resampleRowRange } from './sequence';

const PACK_DIR = path.resolve(__dirname, '../../../public/models/foley-test');
const DURATION_SEC = 1.5;

let scratch: string;
let pack: LoadedPack;
let clip: string;
const opened: VideoSource[] = [];

async function open(): Promise<VideoSource> {
  const video = await openVideo(await openAsBlob(clip));
  opened.push(video);
  return video;
}

beforeAll(async () => {
  installNodeWebCodecs();
  scratch = await mkdtemp(path.join(tmpdir(), 'foley-generate-'));
  clip = await makeVideo({ path: path.join(scratch, 'clip.mp4'), durationSec: DURATION_SEC, width: 96, height: 64, fps: 24, codec: 'h264', container: 'mp4', motion: 'moving-box' });
  pack = await loadPack(directoryPackSource(PACK_DIR), { backends: ['cpu'], createAdapter: createNodeAdapter });
}, 60_000);

afterAll(async () => {
  opened.forEach((v) => v.close());
  await pack?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

describe('generate on the test pack with a real MP4', () => {
  it('returns exactly round(duration · sampleRate) samples per channel, the predicted curve and the unknown words', async () => {
    const stages = new Set<Progress['stage']>();
    const result = await generate(pack, await open(), { seed: 5, steps: 2, prompt: 'footsteps on gravel, dragon' }, { onProgress: (p) => stages.add(p.stage) });
    expect(result.sampleRate).toBe(44100);
    expect(result.channels.map((c) => c.length)).toEqual([66150, 66150]);
    expect(result.channels.every((c) => c.every(Number.isFinite))).toBe(true);
    expect(result.channels[0]!.some((v) => v !== 0)).toBe(true);
    expect(result.unknownWords).toEqual(['dragon']);
    expect(result.predictedCurveLufs.map((c) => c.length)).toEqual([9, 9]);
    const lufs = result.predictedCurveLufs.flat();
    expect(Math.min(...lufs)).toBeGreaterThanOrEqual(-70);
    expect(Math.max(...lufs)).toBeLessThanOrEqual(0);
    expect(result.timings.sessionRunMs).toBeGreaterThan(0);
    expect(result.timings.sessionRunMs).toBeLessThanOrEqual(result.timings.totalMs);
    expect([...stages].sort()).toEqual(['decode-audio', 'decode-video', 'denoise', 'encode', 'shape']);
  }, 120_000);

  it('is deterministic for a seed and changes with the seed', async () => {
    const run = async (seed: number) => (await generate(pack, await open(), { seed, steps: 1 })).channels[0]!;
    const a = await run(11);
    expect(Array.from(await run(11))).toEqual(Array.from(a));
    expect(Array.from(await run(12))).not.toEqual(Array.from(a));
  }, 180_000);

  it('decodes on worker threads to exactly the audio of inline decoding', async () => {
    const pool = nodeDecoderPool(2);
    try {
      const threaded = await generate(pack, await open(), { seed: 4, steps: 1 }, { decoder: pool });
      const inline = await generate(pack, await open(), { seed: 4, steps: 1 });
      expect(threaded.channels.map((c) => Array.from(c))).toEqual(inline.channels.map((c) => Array.from(c)));
    } finally {
      pool.dispose();
    }
  }, 180_000);

  it('generates a clip longer than the window in crossfaded windows of the exact total length', async () => {
    // A 0.6 s window with 0.15 s overlaps turns the 1.5 s clip into several windows (the DiT takes any length).
    const sampler = pack.manifest.sampler;
    const saved = { windowSec: sampler.windowSec, overlapSec: sampler.overlapSec };
    Object.assign(sampler, { windowSec: 0.6, overlapSec: 0.15 });
    try {
      let windows = 0;
      const result = await generate(pack, await open(), { seed: 8, steps: 1 }, { onProgress: (p) => p.stage === 'denoise' && (windows = p.windows) });
      expect(windows).toBeGreaterThanOrEqual(3);
      expect(result.channels.map((c) => c.length)).toEqual([66150, 66150]);
      // No silent gap anywhere: every 50 ms block has signal.
      for (let start = 0; start + 2205 <= 66150; start += 2205) {
        const block = result.channels[0]!.subarray(start, start + 2205);
        expect(block.some((v) => Math.abs(v) > 1e-6)).toBe(true);
      }
    } finally {
      Object.assign(sampler, saved);
    }
  }, 180_000);

  it('with window continuity overlaps windows by CONTINUITY_OVERLAP_SEC (at most 40 % of a window), by the pack\'s overlap without', async () => {
    const sampler = pack.manifest.sampler;
    const saved = { windowSec: sampler.windowSec, overlapSec: sampler.overlapSec };
    Object.assign(sampler, { windowSec: 0.6, overlapSec: 0.15 });
    try {
      const overlaps = async (windowContinuity: boolean) => {
        const { windows } = await generate(pack, await open(), { seed: 8, steps: 1, windowContinuity });
        return windows.slice(1).map((w, k) => Number((windows[k]!.endSec - w.startSec).toFixed(4)));
      };
      const hopSec = 512 / 44100;
      const expected = (sec: number) => Number((Math.round(sec / hopSec) * hopSec).toFixed(4));
      expect(CONTINUITY_OVERLAP_SEC).toBe(2);
      expect(new Set(await overlaps(true))).toEqual(new Set([expected(Math.min(CONTINUITY_OVERLAP_SEC, 0.4 * 0.6))]));
      expect(new Set(await overlaps(false))).toEqual(new Set([expected(0.15)]));
    } finally {
      Object.assign(sampler, saved);
    }
  }, 180_000);

  it('stops with an AbortError when cancelled during denoising', async () => {
    const controller = new AbortController();
    const run = generate(pack, await open(), { seed: 1, steps: 20 }, {
      signal: controller.signal,
      onProgress: (p) => p.stage === 'denoise' && p.step === 2 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  }, 120_000);

  it('refuses bad options and prompts with a sentence', async () => {
    const video = await open();
    await expect(generate(pack, video, { seed: 1, steps: 0 })).rejects.toThrow(/steps must be a whole number from 1 to 20 for this pack/);
    // The DiT divides by max(1 − t, 0.05): more than 20 steps would end off the clean estimate (manifest sampler.maxSteps).
    await expect(generate(pack, video, { seed: 1, steps: 21 })).rejects.toThrow(/at most 20/);
    await expect(generate(pack, video, { seed: 1.5 })).rejects.toThrow(/seed must be an integer/);
    const short = { sampleRate: 48000, channels: [new Float32Array(4800).fill(0.1)] };
    await expect(generate(pack, video, { seed: 1, audioPrompt: short })).rejects.toThrow(/audio prompt is 0.10 s long; it needs at least 0.5 s/);
    const silent = { sampleRate: 48000, channels: [new Float32Array(48000)] };
    await expect(generate(pack, video, { seed: 1, audioPrompt: silent })).rejects.toThrow(/audio prompt is silent/);
    await expect(generate(pack, video, { seed: 1, targetCurveLufs: [[-20], [-20], [-20]] })).rejects.toThrow(/has 3 channels; this pack needs 1 or 2/);
  }, 60_000);

  it('follows a target loudness curve and accepts an audio prompt', async () => {
    const tone = { sampleRate: 48000, channels: [Float32Array.from({ length: 48000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 48000))] };
    const result = await generate(pack, await open(), { seed: 2, steps: 1, audioPrompt: tone, targetCurveLufs: [Array(9).fill(-30)] });
    expect(result.channels[1]!.length).toBe(66150);
    const measured = momentaryLoudnessCurve(result.channels, result.sampleRate);
    // Inner points only: the first and last windows hang over the clip's edges, where the signal counts as silent.
    for (const channel of measured.channels) channel.slice(2, -2).forEach((lufs) => expect(Math.abs(lufs + 30)).toBeLessThan(1.5));
  }, 120_000);

  it('with an audio prompt and no curve, anchors the predicted curve to the prompt level unless told not to', async () => {
    // 0.03 amplitude at 1 kHz (K-weighting ≈ +0.7 dB there): about −33 LUFS momentary in each channel, 10 LU under
    // the programme level the free run is moved to (a prompt at −23 LUFS would be anchored to about that level anyway).
    const tone = { sampleRate: 44100, channels: [0, 1].map(() => Float32Array.from({ length: 44100 }, (_, i) => 0.03 * Math.sin((2 * Math.PI * 1000 * i) / 44100))) };
    const promptP90 = percentile(momentaryLoudnessCurve(tone.channels, tone.sampleRate).channels.flatMap((c) => Array.from(c)), 90);
    const anchored = await generate(pack, await open(), { seed: 4, steps: 1, audioPrompt: tone });
    const free = await generate(pack, await open(), { seed: 4, steps: 1, audioPrompt: tone, promptAnchoring: false });
    // Level: the anchored curve's loud points sit at the prompt's (up to the 6 Hz resampling of the latent-rate curve).
    expect(Math.abs(percentile(anchored.predictedCurveLufs.flat(), 90) - promptP90)).toBeLessThan(1.5);
    const shift = anchored.predictedCurveLufs[0]![3]! - free.predictedCurveLufs[0]![3]!;
    expect(Math.abs(shift)).toBeGreaterThan(0.5);
    // Spectrum: with anchoring the output's spectral shape moves towards the 1 kHz tone.
    expect(anchored.channels[0]).not.toEqual(free.channels[0]);
  }, 120_000);

  it('refuses a reference init outside 0 to 0.95 before any model runs', async () => {
    const tone = { sampleRate: 44100, channels: [new Float32Array(44100).fill(0.1)] };
    await expect(generate(pack, await open(), { seed: 2, steps: 1, audioPrompt: tone, referenceInit: 1 })).rejects.toThrow(/reference init must be a number from 0 to 0.95, got 1/);
  }, 120_000);

  it('without a target curve, follows the loudness curve it predicted from the video', async () => {
    const result = await generate(pack, await open(), { seed: 3, steps: 1 });
    const measured = momentaryLoudnessCurve(result.channels, result.sampleRate);
    measured.channels.forEach((channel, c) => {
      const predicted = result.predictedCurveLufs[c]!;
      // Inner points where shaping can reach (above −60 LUFS); the edges hang over the clip as above.
      const errors = Array.from(channel.slice(2, -2), (lufs, i) => ({ lufs, target: predicted[i + 2]! }))
        .filter(({ target }) => target > -60)
        .map(({ lufs, target }) => Math.abs(lufs - target));
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(1.5);
    });
  }, 120_000);
});

describe('encodeVideo', () => {
  it('gives the same features in small chunks as in one run (sync encoder sees motion across chunk edges)', async () => {
    const sizes = clipSizes(pack.manifest, DURATION_SEC);
    const encode = async (chunkFrames: number) =>
      encodeVideo(await open(), new SessionRunner(pack), pack.manifest.video, sizes, chunkFrames, () => undefined);
    const whole = await encode(1000);
    const chunked = await encode(5);
    expect(whole.sync.length).toBe(sizes.sync.count * 64);
    expect(whole.visual.length).toBe(sizes.visual.count * 64);
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(maxDiff(whole.sync, chunked.sync)).toBeLessThan(1e-4);
    expect(maxDiff(whole.visual, chunked.visual)).toBeLessThan(1e-4);
  }, 60_000);
});

describe('predictLoudness', () => {
  it('gives the same curve in chunks as in one whole-clip run (the convs see real context across chunk edges)', async () => {
    const sizes = clipSizes(pack.manifest, DURATION_SEC);
    const runner = new SessionRunner(pack);
    const features = await encodeVideo(await open(), runner, pack.manifest.video, sizes, 1000, () => undefined);
    const syncAtLatent = (start: number, count: number) => resampleRowRange(features.sync, 64, sizes.sync, sizes.latent, start, count);
    const whole = await predictLoudness(runner, features.visual, syncAtLatent, sizes.latentFrames, 100_000);
    const chunked = await predictLoudness(runner, features.visual, syncAtLatent, sizes.latentFrames, 24);
    expect(whole.length).toBe(sizes.latentFrames * 2);
    expect(chunked.reduce((m, v, i) => Math.max(m, Math.abs(v - whole[i]!)), 0)).toBeLessThan(1e-5);
  }, 60_000);
});

describe('knownReplacement', () => {
  it('puts known clip rows on the flow path, (1 − t)·noise + t·known, and leaves every other row as it is', () => {
    const dims = 3;
    // Row 0: reference prefix (mask column 1), rows 1–2 known clip rows, row 3 generated.
    const known = { prefixFrames: 1, knownClipFrames: 2, known: Float32Array.from({ length: 12 }, (_, i) => 10 + i), mask: Float32Array.of(0, 1, 1, 0, 1, 0, 0, 0) };
    const noise = Float32Array.from({ length: 12 }, (_, i) => -i);
    const x = new Float32Array(12).fill(7);
    const out = knownReplacement(known, dims, noise)(x, 0.25);
    expect(Array.from(out)).toEqual([7, 7, 7, ...[3, 4, 5, 6, 7, 8].map((i) => 0.75 * -i + 0.25 * (10 + i)), 7, 7, 7]);
    expect(x.every((v) => v === 7)).toBe(true);
  });
});
