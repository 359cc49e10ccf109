/**
 * The picture's motion energy added to the predicted loudness curve.
 *
 * The loudness predictor learnt when things get louder from synthetic scenes; on real footage its curve follows the
 * real loudness weakly (r 0.186 on the 33 real dev clips through the CLI, foley-tiny 0.3.2), less than the trivial
 * motion-energy curve does (0.245: log of the 1 s mean frame difference, src/metrics/av-align.ts). They fail on
 * different clips, so the sum does better than either: 0.264 (0.3.2) with 4 LU per standard deviation of motion energy
 * (`npm run eval:real -- --protocols video`, paired +0.078 ± 0.036; 2 LU gave 0.256 and cost onset F1 −0.016).
 * The motion energy is averaged over the loudness curve's own window (0.4 s, the momentary loudness it is added to),
 * not the baseline's 1 s: on 0.3.3 loudness r 0.265 → 0.291 (paired +0.026 ± 0.020), mel-FD 863 → 831, onset F1 unchanged;
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
 * 0.3.2's output curves, with the 1 s average; not re-measured for the 400 ms one, which a flicker moves a little more).
 */
export const MOTION_SD_FLOOR = 0.25;
/**
 * Motion (mean |Δgrey|, grey in [0, 1]) added before the log: about half a grey level of 255, what an encoder leaves on a
 * still picture. The metric's 1e-4 let an invisible keyframe refresh of a still shot (one step of 0.0009) swing the
 * log by 0.64 nat over 400 ms and the curve by 10 LU; here the same step moves it by 0.7 LU. Offline on the dev clips
 * the bare motion energy's r with the real loudness changes by −0.002 ± 0.004 (1e-4 → 0.002).
 */
export const MOTION_STILL_LEVEL = 0.002;

/** Least mean |Δgrey| (grey in [0, 1]) of a frame step that can be a hard cut; real dev clips' cuts measure 0.08–0.15. */
const CUT_MIN_MOTION = 0.05;
/** A cut's step is at least this many times the mean motion of the CUT_CONTEXT steps on either side … */
const CUT_RATIO = 4;
/** … over this many steps each side (0.25 s at 24 fps); */
const CUT_CONTEXT = 6;
/** … and no other step within this many (83 ms at 24 fps) reaches half of it: a flash lights up and goes out. */
const CUT_SPREAD = 2;

/**
 * Motion with every hard cut replaced by the mean of the steps around it. A cut is one frame step far above the
 * motion around it: the picture changes at once and stays changed, which is no movement and makes no sound (the
 * training scenes' cuts are silent too). Left in, a cut between two still shots lifts the 400 ms motion energy by
 * several of its standard deviations and the curve by up to 20 LU for that moment. A muzzle flash or a firework, which
 * do make sound, light up and go out, so they span two or more large steps and are kept.
 */
export function withoutCuts(motion: Float64Array): Float64Array {
  const out = Float64Array.from(motion);
  for (let k = 0; k < motion.length; k++) {
    const step = motion[k]!;
    if (step < CUT_MIN_MOTION) continue;
    let around = 0;
    let count = 0;
    let spread = false;
    for (let j = Math.max(0, k - CUT_CONTEXT); j <= Math.min(motion.length - 1, k + CUT_CONTEXT); j++) {
      if (j === k) continue;
      around += motion[j]!;
      count++;
      if (Math.abs(j - k) <= CUT_SPREAD && motion[j]! >= step / 2) spread = true;
    }
    const mean = count > 0 ? around / count : 0;
    if (count > 0 && !spread && step >= CUT_RATIO * mean) out[k] = mean;
  }
  return out;
}

/**
 * `rows` [latent.count, channels] in [0, 1] with the motion energy's z-score × luPerSd added (clipped to [0, 1]); hard
 * cuts do not count as motion (withoutCuts).
 */
export function withMotionEnergy(rows: Float32Array, channels: number, motion: VideoMotion, latent: TimeGrid, spec: LoudnessSpec, luPerSd = MOTION_LU_PER_SD): Float32Array {
  const times = Float64Array.from({ length: latent.count }, (_, k) => (k + latent.phase) / latent.rate);
  const energy = motionEnergyAt({ fps: motion.fps, motion: withoutCuts(motion.motion) }, times, spec.windowSec, MOTION_STILL_LEVEL);
  if (energy.length === 0) return rows;
  const mean = energy.reduce((s, v) => s + v, 0) / energy.length;
  const sd = Math.sqrt(energy.reduce((s, v) => s + (v - mean) ** 2, 0) / energy.length);
  if (!(sd > 1e-9)) return rows;
  const scale = luPerSd / Math.max(sd, MOTION_SD_FLOOR) / (spec.maxLufs - spec.minLufs);
  return rows.map((value, i) => Math.min(1, Math.max(0, value + (energy[Math.floor(i / channels)]! - mean) * scale)));
}
