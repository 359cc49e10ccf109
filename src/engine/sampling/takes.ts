/**
 * Takes ranked by test-time search: AvSyncDiff's Gaussian Mixture Diffusion Search (GMDS, its Algorithm 1) over the
 * initial noise of generate(), scored by src/metrics/take-score.ts (AV sync, target-curve adherence, reference
 * match).
 *
 * GMDS: a population of N noises P_0 ~ N(0, 1); for t = 1…T and each member x, one η ~ N(0, 1) makes two
 * candidates x_s = β_s·x + √(1 − β_s²)·η and x_l = β_l·x + √(1 − β_l²)·η (the paper's eq. 4; its eq. 5 puts η
 * inside the root, a typo: only this form keeps unit variance), and the better one replaces x. The paper keeps the
 * best candidate seen; for takes we keep the best of each member's line, so take 1 is the paper's best solution and
 * takes 2…N are the bests of the other lines (different starting noises, so different takes, not near-copies).
 *
 * β: the paper gives N = 6 and no β values; it asks β_l > β_s and calls β_s the small, local step, which its own
 * equations contradict (a larger β keeps more of x). We follow the equations and the inequality: β_s = 0.5 keeps
 * half of x's amplitude (a large move, global exploration), β_l = 0.9 keeps 90 % (a small move near a good noise).
 *
 * A noise is stored as its recipe, Σ weight·stream(seed) (Prng streams, dsp/prng.ts), never as samples: a
 * 10-minute clip's noise is megabytes, its recipe a few numbers, and the recipe reproduces it anywhere.
 *
 * Cost: every candidate is a full generate() (video conditioning included, ≈ 2.4 s for a 10 s clip on 2 CPU cores
 * with foley-tiny), so a search costs N·(1 + 2T) generations: --takes 3 with the default T = 1 is 9. Memory holds
 * the best result of each line, N clips of audio. Deterministic for a given seed: member i starts from seed + i
 * (so with T = 0 take i is exactly `generate` with that seed), η of iteration t for member i is seed + N·t + i.
 */

import { Prng } from '../../dsp/prng';
import { resampleChannels } from '../../media/audio-resample';
import type { VideoMotion } from '../../metrics/av-align';
import { SCORE_SAMPLE_RATE } from '../../metrics/real-clip';
import { scoreTake, totalScore, type TakeScores, type TargetCurve } from '../../metrics/take-score';
import { FrameMotion } from '../conditioning/frame-motion';
import type { FrameSource } from '../conditioning/video-features';
import type { GenerateOptions, GenerateResult, NoiseTerm, RankedTake, TakeSearch } from '../host/protocol';
import type { LoadedPack } from '../pack/pack-loader';
import { abortError } from './flow-sampler';
import { generate, type GenerateHooks } from './generate';

export const MAX_TAKES = 16;
export const MAX_ITERATIONS = 8;
export const DEFAULT_ITERATIONS = 1;
/** β of the large move (keeps 50 % of x) and of the small move (keeps 90 %); see the module comment. */
export const BETA_S = 0.5;
export const BETA_L = 0.9;
/** Side of the grey pictures motion is measured on, as the real-clip scores do (src/cli/video-motion.ts). */
const MOTION_SIDE_PX = 64;

export interface TakeHooks extends GenerateHooks {
  /** The video's motion for AV sync (src/cli/video-motion.ts in the CLI); default: read from `source`. */
  motion?: VideoMotion;
  /** Called before each generation: `index` of `count` (N·(1 + 2T) in all). */
  onCandidate?: (index: number, count: number) => void;
}

export class TakeSearchError extends RangeError {
  override name = 'TakeSearchError';
}

/** Refuses a search that cannot run, naming the valid range. */
export function checkSearch(search: TakeSearch): Required<TakeSearch> {
  const { takes, iterations = DEFAULT_ITERATIONS } = search;
  if (!Number.isInteger(takes) || takes < 1 || takes > MAX_TAKES) throw new TakeSearchError(`takes must be a whole number from 1 to ${MAX_TAKES}, got ${takes}`);
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > MAX_ITERATIONS) {
    throw new TakeSearchError(`search iterations must be a whole number from 0 to ${MAX_ITERATIONS}, got ${iterations}`);
  }
  return { takes, iterations };
}

/** Generations a search runs. */
export function searchCost(search: TakeSearch): number {
  const { takes, iterations } = checkSearch(search);
  return takes * (1 + 2 * iterations);
}

/** 32-bit seed arithmetic, as Prng reduces seeds. */
function seedAt(base: number, offset: number): number {
  return (base + offset) >>> 0;
}

/** β·x + √(1 − β²)·η as a recipe. */
export function perturb(x: readonly NoiseTerm[], beta: number, etaSeed: number): NoiseTerm[] {
  return [...x.map((t) => ({ seed: t.seed, weight: beta * t.weight })), { seed: etaSeed, weight: Math.sqrt(1 - beta * beta) }];
}

/**
 * generate()'s initialNoise hook for a recipe: each call returns the next `length` values of Σ weight·stream(seed),
 * so windows drawn in order see the same values one stream of one seed would give them.
 */
export function noiseSource(terms: readonly NoiseTerm[]): (length: number) => Float32Array {
  const streams = terms.map((t) => ({ prng: new Prng(t.seed), weight: t.weight }));
  return (length) => {
    const out = new Float32Array(length);
    const draw = new Float32Array(length);
    for (const { prng, weight } of streams) {
      prng.fillGaussian(draw);
      for (let i = 0; i < length; i++) out[i]! += weight * draw[i]!;
    }
    return out;
  };
}

/** Motion of the picture as the real-clip scores define it (64×64 grey, mean |Δ| per frame step) at `fps`. */
export async function frameMotion(source: FrameSource, fps: number, signal?: AbortSignal): Promise<VideoMotion> {
  const motion = new FrameMotion();
  for await (const frame of source.sampleFrames({ rates: [fps], width: MOTION_SIDE_PX, height: MOTION_SIDE_PX, signal })) motion.push(frame.data);
  return { fps, motion: motion.motion() };
}

interface Scorer {
  score(result: GenerateResult): { scores: TakeScores; total: number };
}

function scorer(pack: LoadedPack, options: GenerateOptions, motion: VideoMotion): Scorer {
  const { curveRate, windowSec, minLufs, maxLufs } = pack.manifest.loudness;
  const target: TargetCurve | undefined = options.targetCurveLufs ? { rate: curveRate, windowSec, minLufs, maxLufs, channels: options.targetCurveLufs } : undefined;
  const prompt = options.audioPrompt;
  const reference = prompt ? resampleChannels(prompt.channels, prompt.sampleRate, SCORE_SAMPLE_RATE) : undefined;
  return {
    score(result) {
      const audio = resampleChannels(result.channels, result.sampleRate, SCORE_SAMPLE_RATE);
      const scores = scoreTake({ audio, motion, target, reference });
      return { scores, total: totalScore(scores) };
    },
  };
}

/** What the search needs of an evaluated candidate. */
export interface Candidate {
  seed: number;
  noise: NoiseTerm[];
  total: number;
}

interface Line<C extends Candidate> {
  /** The member's current noise, P_t[i]. */
  current: NoiseTerm[];
  best: C;
}

/**
 * GMDS over recipes: `evaluate(seed, noise)` runs and scores one candidate (`seed`: its line's seed). Returns the
 * best candidate of each line, best first; equal totals keep the lines' order.
 */
export async function searchNoise<C extends Candidate>(baseSeed: number, search: TakeSearch, evaluate: (seed: number, noise: NoiseTerm[]) => Promise<C>): Promise<C[]> {
  const { takes, iterations } = checkSearch(search);
  const lines: Line<C>[] = [];
  for (let i = 0; i < takes; i++) {
    const seed = seedAt(baseSeed, i);
    const first = await evaluate(seed, [{ seed, weight: 1 }]);
    lines.push({ current: first.noise, best: first });
  }
  for (let t = 1; t <= iterations; t++) {
    for (const [i, line] of lines.entries()) {
      const etaSeed = seedAt(baseSeed, takes * t + i);
      const small = await evaluate(line.best.seed, perturb(line.current, BETA_S, etaSeed));
      const large = await evaluate(line.best.seed, perturb(line.current, BETA_L, etaSeed));
      const chosen = large.total > small.total ? large : small;
      line.current = chosen.noise;
      if (chosen.total > line.best.total) line.best = chosen;
    }
  }
  return lines.map((l) => l.best).sort((a, b) => b.total - a.total);
}

/**
 * N takes of `options` ranked best first by GMDS (see the module comment). `options.seed` seeds the whole search;
 * a region (`options.region`) is searched like a whole clip: each take is a take of that region.
 */
export async function generateTakes(pack: LoadedPack, source: FrameSource, options: GenerateOptions, search: TakeSearch, hooks: TakeHooks = {}): Promise<RankedTake[]> {
  const count = searchCost(search);
  const motion = hooks.motion ?? (await frameMotion(source, pack.manifest.video.syncFps, hooks.signal));
  const { score } = scorer(pack, options, motion);
  let index = 0;
  return searchNoise(options.seed, search, async (seed, noise) => {
    if (hooks.signal?.aborted) throw abortError(hooks.signal);
    hooks.onCandidate?.(index++, count);
    const result = await generate(pack, source, { ...options, seed }, { ...hooks, initialNoise: noiseSource(noise) });
    return { seed, noise, ...score(result), result };
  });
}
