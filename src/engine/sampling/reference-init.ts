/**
 * A window's starting state taken partly from the reference recording (SDEdit for flow matching): the flow starts at
 * t0 instead of 0, from x_t0 = (1 − t0)·noise + t0·data, where data is the reference's latent looped over the
 * window's clip frames (clip frame f takes reference row f mod its length, so windows continue the loop) and the
 * known rows (reference prefix, the window before's overlap, a take outside a region) are themselves. The DiT then
 * only has the remaining 1 − t0 of the path to move the reference's texture and rhythm toward the picture.
 */

import type { Latent } from '../../dsp/log-mel';
import type { WindowKnown } from '../conditioning/known-frames';

export const MAX_REFERENCE_INIT = 0.95;
/**
 * Default t0 with a reference. 33 real dev clips, `ref` protocol (paired against t0 = 0): t0 0.3 / 0.6 / 0.8 / 0.9 gave
 * onset F1 0.262 / 0.264 / 0.271 / 0.266 (0.240 from noise), mel-FD 474 / 456 / 447 / 440 (605), loudness r 0.272 /
 * 0.285 / 0.283 / 0.282 (0.277), AV-Align 0.177 / 0.164 / 0.170 / 0.176 (0.169). 0.6 takes nearly all of the gain
 * and leaves the picture 40 % of the path to move the sound (0.8: F1 +0.007 ± 0.009, mel-FD −3 % ± 1.5 % more).
 */
export const DEFAULT_REFERENCE_INIT = 0.6;

export function checkReferenceInit(t0: number): number {
  if (!(Number.isFinite(t0) && t0 >= 0 && t0 <= MAX_REFERENCE_INIT)) throw new RangeError(`reference init must be a number from 0 to ${MAX_REFERENCE_INIT}, got ${t0}`);
  return t0;
}

/** The state at t0 for rows [prefix + window frames] × dims; `noise` is not modified. */
export function referenceStart(noise: Float32Array, dims: number, t0: number, reference: Latent, known: WindowKnown | null, windowStartFrame: number): Float32Array {
  const rows = noise.length / dims;
  const prefix = known?.prefixFrames ?? 0;
  const out = new Float32Array(noise.length);
  for (let j = 0; j < rows; j++) {
    const isKnown = known !== null && (known.mask[j * 2] === 1 || known.mask[j * 2 + 1] === 1);
    const sourceRow = (windowStartFrame + j - prefix) % reference.frames;
    const source = isKnown ? known.known.subarray(j * dims, (j + 1) * dims) : reference.data.subarray(sourceRow * dims, (sourceRow + 1) * dims);
    for (let i = 0; i < dims; i++) out[j * dims + i] = (1 - t0) * noise[j * dims + i]! + t0 * source[i]!;
  }
  return out;
}
