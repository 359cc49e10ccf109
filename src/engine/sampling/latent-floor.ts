/**
 * A floor under each window's generated latent: no band of a frame may fall more than FLOOR_DB below that band's
 * mean over the window's active frames. The DiT sometimes generates frames of near-digital silence (−83 to
 * −95 dBFS after decoding, in 0.1–0.4 s holes) between events, which no recording has: real rooms keep a bed of
 * sound. Filling the holes with the window's own spectrum 30 dB down (the range prompt-anchor.ts calls active) keeps every event and its decay, and loudness
 * shaping still makes the result as quiet as the target curve asks.
 */

import { bandMeans } from '../conditioning/prompt-anchor';

/** How far under a band's active mean a frame may fall, in dB of power. */
export const FLOOR_DB = 30;

/** Raises, in place, every latent value below its band's floor; returns how many values were raised. */
export function applyLatentFloor(latent: Float32Array, frames: number, channels: number, nMels: number, std: number): number {
  if (frames === 0) return 0;
  const means = bandMeans(latent, frames, channels, nMels, std);
  const dims = channels * nMels;
  const drop = (FLOOR_DB / 10) * Math.LN10; // nats of power
  let raised = 0;
  for (let c = 0; c < channels; c++) {
    for (let m = 0; m < nMels; m++) {
      const floor = (means[c]![m]! - drop) / std;
      for (let f = 0; f < frames; f++) {
        const i = f * dims + c * nMels + m;
        if (latent[i]! < floor) {
          latent[i] = floor;
          raised++;
        }
      }
    }
  }
  return raised;
}
