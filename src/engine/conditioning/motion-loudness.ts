/**
 * The picture's motion energy added to the predicted loudness curve.
 *
 * The loudness predictor learnt when things get louder from synthetic scenes; on real footage its curve follows the
 * real loudness weakly (r 0.186 on the 33 real dev clips through the CLI, foley-tiny 0.3.2), less than the trivial
 * motion-energy curve does (0.245: log of the 1 s mean frame difference, src/metrics/av-align.ts). They fail on
 * different clips, so the sum does better than either: 0.264 with 4 LU per standard deviation of motion energy
 * (`npm run eval:real -- --protocols video`, paired +0.078 ± 0.036; 2 LU gave 0.256 and cost onset F1 −0.016).
 * The motion energy is averaged over the loudness curve's own window (0.4 s, the momentary loudness it is added to),
 * not the baseline's 1 s: loudness r 0.265 → 0.291 (paired +0.026 ± 0.020), mel-FD 863 → 831, onset F1 unchanged;
 * at 6 LU per standard deviation r rose by 0.011 more but mel-FD by 11 % and onset F1 fell (not kept).
 * The curve moves by `luPerSd` × the motion energy's z-score at each latent frame, on every channel; its level (and
 * whatever sets it: programme level, audio prompt) is applied afterwards, as to any predicted curve. Still pictures
 * (constant motion) and clips of one frame leave the curve as predicted; nearly still ones move it little
 * (MOTION_SD_FLOOR).
 */

import { motionEnergyAt, type VideoMotion } from '../../metrics/av-align';
import type { LoudnessSpec } from '../pack/manifest';
import type { TimeGrid } from '../sampling/sequence';

/** Loudness units the curve moves per standard deviation of motion energy. */
export const MOTION_LU_PER_SD = 4;
/**
 * Least standard deviation (natural-log units of motion energy) the z-score divides by: a still picture's codec
 * flicker varies its motion energy by a few per cent, which must not swing the curve by ±4 LU. Real dev clips
 * spread from 0.06 to 1.2; their loudness r with the floor at 0.25 is 0.270 against 0.266 without (offline, on
 * 0.3.2's output curves).
 */
export const MOTION_SD_FLOOR = 0.25;

/** `rows` [latent.count, channels] in [0, 1] with the motion energy's z-score × luPerSd added (clipped to [0, 1]). */
export function withMotionEnergy(rows: Float32Array, channels: number, motion: VideoMotion, latent: TimeGrid, spec: LoudnessSpec, luPerSd = MOTION_LU_PER_SD): Float32Array {
  const times = Float64Array.from({ length: latent.count }, (_, k) => (k + latent.phase) / latent.rate);
  const energy = motionEnergyAt(motion, times, spec.windowSec);
  if (energy.length === 0) return rows;
  const mean = energy.reduce((s, v) => s + v, 0) / energy.length;
  const sd = Math.sqrt(energy.reduce((s, v) => s + (v - mean) ** 2, 0) / energy.length);
  if (!(sd > 1e-9)) return rows;
  const scale = luPerSd / Math.max(sd, MOTION_SD_FLOOR) / (spec.maxLufs - spec.minLufs);
  return rows.map((value, i) => Math.min(1, Math.max(0, value + (energy[Math.floor(i / channels)]! - mean) * scale)));
}
