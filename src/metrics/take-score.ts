/**
 * The score that ranks takes (test-time search, src/engine/sampling/takes.ts): the scores `foley score` prints,
 * read against what the user asked for instead of a real recording, so no ground truth is needed. Audio comes in at
 * SCORE_SAMPLE_RATE (the engine resamples), like every real-clip score.
 *
 * Components, each in [0, 1], higher is better; a component without its input is null and left out:
 * - avSync: AV-Align of the take's onsets against the video's motion peaks (av-align.ts, the same as
 *   `foley score --video`). Needs the video's motion.
 * - loudness: adherence to the target loudness curve, 1 / (1 + e / 3 LU) where e is the mean |take − target| in LU
 *   over every point and channel, the take measured as the target was (momentary 400 ms windows at the curve's
 *   rate, clipped to the curve's range; dsp/loudness-curve.ts). 3 LU of error scores 0.5. Needs a target curve.
 * - prompt: match to the reference recording, 1 / (1 + melFD / 500) with melFD the log-mel Fréchet distance of
 *   `foley score` (frechet.ts). 500 sits between what the shipped pack scores against the real clip's own audio
 *   (≈ 870, MODEL_CARD.md) and the looped reference (≈ 190), so the scale separates takes where they differ.
 *   Needs a reference recording; a text prompt alone has no audio to compare with (no text–audio model here).
 *
 * total = Σ weight · component / Σ weight over the components present (TAKE_SCORE_WEIGHTS: sync 0.5, prompt 0.3,
 * loudness 0.2). Sync weighs most because it is what a sound editor checks first and the one thing the search can
 * change most: generation already shapes every take to the target curve, so loudness differs little between takes.
 */
import { momentaryLoudnessCurve, resampleCurve } from '../dsp/loudness-curve';
import { avAlign, type VideoMotion } from './av-align';
import { melFrechetDistance, MEL_HOP_SAMPLES } from './frechet';
import { onsetTimes } from './onsets';
import { SCORE_SAMPLE_RATE, toStereo } from './real-clip';
import { SCORE_WINDOW_SAMPLES } from './spectral-frames';

export const TAKE_SCORE_WEIGHTS = { avSync: 0.5, prompt: 0.3, loudness: 0.2 } as const;
/** Loudness error, LU, that halves the loudness component. */
export const LOUDNESS_SCALE_LU = 3;
/** Log-mel Fréchet distance that halves the prompt component. */
export const MEL_FD_SCALE = 500;

/** A target loudness curve as `--target-curve` gives it: LUFS per channel, `rate` points per second. */
export interface TargetCurve {
  rate: number;
  windowSec: number;
  minLufs: number;
  maxLufs: number;
  /** [channel][point], LUFS. */
  channels: readonly (readonly number[])[];
}

export interface TakeScoreInput {
  /** The take, planar at SCORE_SAMPLE_RATE. */
  audio: readonly Float32Array[];
  /** The video's motion (one value per frame step); absent: no avSync. */
  motion?: VideoMotion;
  target?: TargetCurve;
  /** The reference recording, planar at SCORE_SAMPLE_RATE; absent: no prompt component. */
  reference?: readonly Float32Array[];
}

export interface TakeScores {
  avSync: number | null;
  loudness: number | null;
  prompt: number | null;
  /** Mean |take − target| in LU behind `loudness`. */
  loudnessErrorLu: number | null;
  /** Log-mel Fréchet distance behind `prompt`. */
  melFD: number | null;
}

/** Mean absolute difference in LU between the take's curve and the target, the target stretched to the take's length. */
export function loudnessErrorLu(audio: readonly Float32Array[], target: TargetCurve): number {
  const { rate, windowSec, minLufs, maxLufs } = target;
  const measured = momentaryLoudnessCurve(audio, SCORE_SAMPLE_RATE, { rate, windowSec, minLufs, maxLufs }).channels;
  let sum = 0;
  let count = 0;
  measured.forEach((curve, c) => {
    const wanted = target.channels[Math.min(c, target.channels.length - 1)]!;
    // The engine stretches a curve of another length over the clip (loudness-conditioning.ts); so does the score.
    const aligned = resampleCurve(Float32Array.from(wanted), curve.length);
    for (let k = 0; k < curve.length; k++) {
      sum += Math.abs(curve[k]! - Math.min(maxLufs, Math.max(minLufs, aligned[k]!)));
      count++;
    }
  });
  return count === 0 ? 0 : sum / count;
}

/** Enough samples for a Gaussian fit of log-mel frames (two frames at least). */
function fitsTwoMelFrames(channels: readonly Float32Array[]): boolean {
  return (channels[0]?.length ?? 0) >= SCORE_WINDOW_SAMPLES + MEL_HOP_SAMPLES;
}

export function scoreTake({ audio, motion, target, reference }: TakeScoreInput): TakeScores {
  const stereo = toStereo(audio);
  const avSync = motion ? avAlign(onsetTimes(stereo, SCORE_SAMPLE_RATE), motion) : null;
  const error = target ? loudnessErrorLu(stereo, target) : null;
  const usable = reference !== undefined && fitsTwoMelFrames(reference) && fitsTwoMelFrames(stereo);
  const melFD = usable ? melFrechetDistance(toStereo(reference), stereo, SCORE_SAMPLE_RATE) : null;
  return {
    avSync,
    loudness: error === null ? null : 1 / (1 + error / LOUDNESS_SCALE_LU),
    prompt: melFD === null ? null : 1 / (1 + Math.max(0, melFD) / MEL_FD_SCALE),
    loudnessErrorLu: error,
    melFD,
  };
}

/** The weighted mean of the components present; 0 when none is. */
export function totalScore(scores: TakeScores): number {
  let sum = 0;
  let weights = 0;
  for (const key of ['avSync', 'prompt', 'loudness'] as const) {
    const value = scores[key];
    if (value === null) continue;
    sum += TAKE_SCORE_WEIGHTS[key] * value;
    weights += TAKE_SCORE_WEIGHTS[key];
  }
  return weights === 0 ? 0 : sum / weights;
}
