/**
 * Real-clip scores that need the picture (src/metrics/real-clip.ts). Motion is one value per frame step:
 * motion[k] = mean |frame[k+1] − frame[k]| of 64×64 grey frames in [0, 1], at time (k + 1) / fps (the media
 * layer computes it; this module only reads the numbers).
 * - AV-Align: motion z-scored, peaks = local maxima with z ≥ 0.5; an audio onset is matched when a motion peak
 *   lies within one frame period; score = matched / (onsets + peaks − matched), 1 when both are empty.
 * - Motion-energy curve: the trivial loudness baseline log(1 s moving average of motion + 1e-4), read at the
 *   loudness curve's window centres k/6 + 0.2 s.
 */
import { CURVE_RATE_HZ, CURVE_WINDOW_SEC } from './loudness-correlation';
import { findPeaks } from './peaks';

export interface VideoMotion {
  /** Frames per second of the stream (its average frame rate). */
  fps: number;
  /** motion[k] at time (k + 1) / fps. */
  motion: Float64Array;
}

const PEAK_Z = 0.5;
const MOTION_FLOOR = 1e-4;

/** Times in seconds of the motion peaks (z ≥ 0.5); none when the motion is constant. */
export function motionPeakTimes({ fps, motion }: VideoMotion): number[] {
  const n = motion.length;
  if (n === 0) return [];
  const mean = motion.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(motion.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) return [];
  const z = motion.map((v) => (v - mean) / std);
  return findPeaks(z, { height: PEAK_Z }).map((k) => (k + 1) / fps);
}

/** AV-Align of audio onset times (seconds) against the video's motion peaks. */
export function avAlign(onsetTimesSec: readonly number[], video: VideoMotion): number {
  const peaks = motionPeakTimes(video);
  if (onsetTimesSec.length === 0 && peaks.length === 0) return 1;
  const framePeriodSec = 1 / video.fps;
  const matched = onsetTimesSec.filter((t) => peaks.some((p) => Math.abs(p - t) <= framePeriodSec + 1e-9)).length;
  return matched / (onsetTimesSec.length + peaks.length - matched);
}

/** Centred moving average over `width` samples, each output the mean of the samples that exist in its window. */
function movingAverage(values: Float64Array, width: number): Float64Array {
  const before = (width - 1) >> 1;
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  return values.map((_, i) => {
    const lo = Math.max(0, i - before);
    const hi = Math.min(values.length, i - before + width);
    return (prefix[hi]! - prefix[lo]!) / (hi - lo);
  });
}

/** Linear interpolation of (x, y) at t, held flat outside (numpy.interp). */
function interpolate(x: Float64Array, y: Float64Array, t: number): number {
  if (t <= x[0]!) return y[0]!;
  if (t >= x[x.length - 1]!) return y[y.length - 1]!;
  // Binary search for the first x ≥ t: the engine reads a 10-minute clip's motion at every latent frame.
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! < t) lo = mid;
    else hi = mid;
  }
  const w = (t - x[hi - 1]!) / (x[hi]! - x[hi - 1]!);
  return y[hi - 1]! + w * (y[hi]! - y[hi - 1]!);
}

/**
 * Motion energy log(`windowSec` moving average of motion + `floor`) at each of `timesSec`; empty without motion. The
 * baseline curve keeps its 1 s and 1e-4; the engine averages over the loudness curve's own window and floors at the
 * motion a still picture's codec leaves (motion-loudness.ts).
 */
export function motionEnergyAt(video: VideoMotion, timesSec: ArrayLike<number>, windowSec = 1, floor = MOTION_FLOOR): Float64Array {
  const { fps, motion } = video;
  if (motion.length === 0) return new Float64Array(0);
  const smooth = movingAverage(motion, Math.max(1, Math.round(fps * windowSec)));
  const times = Float64Array.from(motion, (_, k) => (k + 1) / fps);
  const energy = smooth.map((v) => Math.log(v + floor));
  return Float64Array.from(timesSec, (t) => interpolate(times, energy, t));
}

/** The motion-energy baseline curve, `points` values at the loudness curve's times; empty without motion. */
export function motionEnergyCurve(video: VideoMotion, points: number): Float64Array {
  return motionEnergyAt(video, Float64Array.from({ length: points }, (_, k) => k / CURVE_RATE_HZ + CURVE_WINDOW_SEC / 2));
}
