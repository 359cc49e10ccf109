import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropImpactTimes, makeVideo } from '../../../e2e/fixtures';
import { Prng } from '../../dsp/prng';
import { installNodeWebCodecs } from '../../media/node-webcodecs';
import { openVideo, type VideoSource } from '../../media/video-source';
import type { VideoMotion } from '../../metrics/av-align';
import { scoreTake, totalScore } from '../../metrics/take-score';
import { bursts } from '../../metrics/test-signals';
import type { NoiseTerm } from '../host/protocol';
import { loadPack, type LoadedPack } from '../pack/pack-loader';
import { directoryPackSource } from '../pack/pack-source-node';
import { createNodeAdapter } from '../runtime/ort-node';
import { generate } from './generate';
import { checkSearch, frameMotion, generateTakes, noiseSource, perturb, searchCost, searchNoise } from './takes';

const PACK_DIR = path.resolve(__dirname, '../../../public/models/foley-test');

describe('noise recipes', () => {
  it('one term of weight 1 is the seed\'s own stream, drawn on across calls as generate() draws windows', () => {
    const source = noiseSource([{ seed: 7, weight: 1 }]);
    const expected = new Prng(7).fillGaussian(new Float32Array(300));
    const drawn = new Float32Array([...source(100), ...source(200)]);
    expect(drawn).toEqual(expected);
  });

  it('a GMDS move keeps unit variance: Σ weight² = 1 and the samples have variance ≈ 1', () => {
    let x: NoiseTerm[] = [{ seed: 1, weight: 1 }];
    x = perturb(perturb(perturb(x, 0.5, 2), 0.9, 3), 0.5, 4);
    expect(x.reduce((s, t) => s + t.weight ** 2, 0)).toBeCloseTo(1, 12);
    const values = noiseSource(x)(200_000);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('refuses 0, fractional and too many takes, and counts N·(1 + 2T) generations', () => {
    expect(() => checkSearch({ takes: 0 })).toThrow(/from 1 to 16, got 0/);
    expect(() => checkSearch({ takes: 1.5 })).toThrow(/whole number/);
    expect(() => checkSearch({ takes: 1000 })).toThrow(/from 1 to 16/);
    expect(() => checkSearch({ takes: 2, iterations: -1 })).toThrow(/iterations/);
    expect(searchCost({ takes: 3 })).toBe(9);
    expect(searchCost({ takes: 3, iterations: 0 })).toBe(3);
  });
});

describe('GMDS ranking with real audio and the product scorer', () => {
  const FPS = 24;
  const DURATION_SEC = 6;
  const IMPACTS_SEC = [0.75, 1.5, 2.25, 3, 3.75, 4.5, 5.25];
  const motion: VideoMotion = { fps: FPS, motion: new Float64Array(DURATION_SEC * FPS - 1).fill(0.01) };
  for (const t of IMPACTS_SEC) motion.motion[Math.round(t * FPS) - 1] = 0.3;

  /** A "generator" whose clicks land |x₀| · 150 ms after the motion peaks (x₀: the noise's first value). */
  function evaluator(calls: { n: number }) {
    return async (seed: number, noise: NoiseTerm[]) => {
      calls.n++;
      const lagSec = Math.abs(noiseSource(noise)(1)[0]!) * 0.15;
      const scores = scoreTake({ audio: bursts(IMPACTS_SEC.map((t) => t + lagSec), DURATION_SEC, seed), motion });
      return { seed, noise, lagSec, scores, total: totalScore(scores) };
    };
  }

  it('ranks clicks on the peaks first, never loses a line\'s first take, improves on best-of-N, and repeats itself', async () => {
    const calls = { n: 0 };
    const plain = await searchNoise(11, { takes: 4, iterations: 0 }, evaluator(calls));
    expect(calls.n).toBe(4);
    const searched = await searchNoise(11, { takes: 4, iterations: 3 }, evaluator(calls));
    expect(calls.n).toBe(4 + 4 * 7);
    for (const takes of [plain, searched]) {
      const totals = takes.map((t) => t.total);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
      // Aligned (within a frame) above misaligned.
      const firstLate = takes.findIndex((t) => t.lagSec > 0.06);
      if (firstLate >= 0) expect(takes.slice(firstLate).every((t) => t.lagSec > 0.03)).toBe(true);
    }
    expect(searched[0]!.total).toBeGreaterThanOrEqual(plain[0]!.total);
    expect(searched[0]!.scores.avSync).toBeGreaterThan(0.8);
    expect(searched[0]!.lagSec).toBeLessThan(1 / FPS);
    for (const first of plain) expect(searched.find((t) => t.seed === first.seed)!.total).toBeGreaterThanOrEqual(first.total);
    const again = await searchNoise(11, { takes: 4, iterations: 3 }, evaluator({ n: 0 }));
    expect(again.map((t) => [t.seed, t.total, t.noise])).toEqual(searched.map((t) => [t.seed, t.total, t.noise]));
  });
});

describe('generateTakes on the test pack with a real MP4', () => {
  let scratch: string;
  let pack: LoadedPack;
  let clip: string;
  const opened: VideoSource[] = [];
  const open = async () => {
    const video = await openVideo(await openAsBlob(clip));
    opened.push(video);
    return video;
  };

  beforeAll(async () => {
    installNodeWebCodecs();
    scratch = await mkdtemp(path.join(tmpdir(), 'foley-takes-'));
    clip = await makeVideo({ path: path.join(scratch, 'drops.mp4'), durationSec: 2, width: 96, height: 64, fps: 24, codec: 'h264', container: 'mp4', motion: 'drops' });
    pack = await loadPack(directoryPackSource(PACK_DIR), { backends: ['cpu'], createAdapter: createNodeAdapter });
  }, 60_000);

  afterAll(async () => {
    opened.forEach((v) => v.close());
    await pack?.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads the drops\' motion peaks from the frames, one per impact', async () => {
    const { motion, fps } = await frameMotion(await open(), 24);
    expect(motion.length).toBe(47);
    const peaks = Array.from(motion.keys()).filter((k) => motion[k]! > 0 && motion[k + 1] === 0);
    expect(peaks.length).toBeGreaterThanOrEqual(dropImpactTimes(2).length - 1);
    expect(fps).toBe(24);
  });

  it('with T = 0 each take is exactly generate() with seed + i, ranked; the search repeats itself', async () => {
    const options = { seed: 40, steps: 2 };
    const candidates: number[] = [];
    const takes = await generateTakes(pack, await open(), options, { takes: 2, iterations: 0 }, { onCandidate: (i, n) => candidates.push(i, n) });
    expect(candidates).toEqual([0, 2, 1, 2]);
    expect(takes.map((t) => t.seed).sort()).toEqual([40, 41]);
    expect(takes[0]!.total).toBeGreaterThanOrEqual(takes[1]!.total);
    for (const take of takes) {
      const plain = await generate(pack, await open(), { ...options, seed: take.seed });
      expect(take.result.channels).toEqual(plain.channels);
      expect(take.scores.avSync).not.toBeNull();
      expect(take.scores.prompt).toBeNull();
    }
    // The hook is what the search moves: another recipe, other audio; the seed's own recipe, the same audio.
    const moved = await generate(pack, await open(), { ...options, seed: 40 }, { initialNoise: noiseSource(perturb([{ seed: 40, weight: 1 }], 0.5, 9)) });
    expect(moved.channels).not.toEqual(takes.find((t) => t.seed === 40)!.result.channels);
    const searched = await generateTakes(pack, await open(), options, { takes: 1, iterations: 1 });
    const again = await generateTakes(pack, await open(), options, { takes: 1, iterations: 1 });
    expect(again.map((t) => [t.seed, t.total, t.noise])).toEqual(searched.map((t) => [t.seed, t.total, t.noise]));
    expect(again[0]!.result.channels).toEqual(searched[0]!.result.channels);
  }, 120_000);
});
