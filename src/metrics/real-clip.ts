/**
 * The real-clip scores of one candidate against the real recording of a clip, and the two baselines every model
 * must beat; each score's module states its definition in full. Audio comes in already at SCORE_SAMPLE_RATE (the media
 * layer decodes and resamples); here both sides are made stereo and cut to their overlap.
 */
import { avAlign, motionEnergyCurve, type VideoMotion } from './av-align';
import { melFrechetDistance } from './frechet';
import { loudnessCorrelation, loudnessCurve, pearson } from './loudness-correlation';
import { f1, matchOnsets, onsetTimes, shiftedOnsetF1 } from './onsets';

/** 16 kHz: half the dev set (and every 16 kHz model) has nothing above 8 kHz, so both sides are compared in that band. */
export const SCORE_SAMPLE_RATE = 16_000;
/** Shortest overlap worth a score: two loudness windows and a handful of mel frames. */
export const MIN_OVERLAP_SEC = 0.5;
/** The `ref` protocol hands the model the first 2 s of the real audio; `loop-ref` loops exactly that. */
export const REFERENCE_PROMPT_SEC = 2;

export interface ClipScores {
  onsetF1: number;
  /** Onset F1 of the candidate's onsets moved out of time (onsets.ts shiftedOnsetF1): onset F1 above it is sync. */
  onsetF1Shifted: number;
  loudnessR: number;
  melFD: number;
  /** null without a video. */
  avAlign: number | null;
  /** Length of the overlap that was scored. */
  seconds: number;
}

/** Two channels: mono duplicated, more than two cut to the first pair (front left/right in every layout). */
export function toStereo(channels: readonly Float32Array[]): Float32Array[] {
  if (channels.length === 0) throw new RangeError('audio with no channels');
  return channels.length === 1 ? [channels[0]!, channels[0]!] : [channels[0]!, channels[1]!];
}

function cut(channels: readonly Float32Array[], length: number): Float32Array[] {
  return channels.map((c) => c.subarray(0, length));
}

/** Motion steps whose time (k + 1) / fps lies inside the first `seconds`. */
function motionWithin(video: VideoMotion, seconds: number): VideoMotion {
  const count = Math.max(0, Math.min(video.motion.length, Math.floor(seconds * video.fps + 1e-9)));
  return { fps: video.fps, motion: video.motion.subarray(0, count) };
}

function overlapSamples(reference: readonly Float32Array[], candidate: readonly Float32Array[]): number {
  const length = Math.min(...reference.map((c) => c.length), ...candidate.map((c) => c.length));
  if (length < MIN_OVERLAP_SEC * SCORE_SAMPLE_RATE) {
    throw new RangeError(`only ${(length / SCORE_SAMPLE_RATE).toFixed(2)} s of audio overlap; scoring needs at least ${MIN_OVERLAP_SEC} s`);
  }
  return length;
}

/** Every score of `candidate` against `reference` (planar, SCORE_SAMPLE_RATE) over their overlap. */
export function scoreClip(reference: readonly Float32Array[], candidate: readonly Float32Array[], video?: VideoMotion): ClipScores {
  const length = overlapSamples(reference, candidate);
  const ref = cut(toStereo(reference), length);
  const cand = cut(toStereo(candidate), length);
  const rate = SCORE_SAMPLE_RATE;
  const candidateOnsets = onsetTimes(cand, rate);
  const referenceOnsets = onsetTimes(ref, rate);
  const seconds = length / rate;
  return {
    onsetF1: f1(matchOnsets(candidateOnsets, referenceOnsets)),
    onsetF1Shifted: shiftedOnsetF1(candidateOnsets, referenceOnsets, seconds),
    loudnessR: loudnessCorrelation(ref, cand, rate),
    melFD: melFrechetDistance(ref, cand, rate),
    avAlign: video ? avAlign(candidateOnsets, motionWithin(video, seconds)) : null,
    seconds,
  };
}

/** The `loop-ref` baseline's audio: the first 2 s of the reference repeated to the reference's length. */
export function loopReference(reference: readonly Float32Array[]): Float32Array[] {
  const head = Math.min(REFERENCE_PROMPT_SEC * SCORE_SAMPLE_RATE, reference[0]?.length ?? 0);
  return reference.map((c) => {
    const out = new Float32Array(c.length);
    for (let i = 0; i < c.length; i += head) out.set(c.subarray(0, Math.min(head, c.length - i)), i);
    return out;
  });
}

/**
 * AV-Align of the real recording's own onsets: what the score gives the sound that really goes with the picture, so
 * a candidate's AV-Align is read against it (the motion peaks it counts are not where every real sound starts).
 */
export function referenceAvAlign(reference: readonly Float32Array[], video: VideoMotion): number {
  const seconds = (reference[0]?.length ?? 0) / SCORE_SAMPLE_RATE;
  return avAlign(onsetTimes(toStereo(reference), SCORE_SAMPLE_RATE), motionWithin(video, seconds));
}

/** The motion-energy baseline: correlation of the motion-energy curve with the reference's loudness curve. */
export function motionEnergyR(reference: readonly Float32Array[], video: VideoMotion): number {
  const curve = loudnessCurve(toStereo(reference), SCORE_SAMPLE_RATE);
  const seconds = (reference[0]?.length ?? 0) / SCORE_SAMPLE_RATE;
  return pearson(curve, motionEnergyCurve(motionWithin(video, seconds), curve.length));
}
