/**
 * The level of the predicted loudness curve when nothing else sets it.
 *
 * The loudness predictor learnt its levels from synthetic training clips (one-shots at −44…−18 LUFS over silence),
 * so on real footage it predicts −30 to −67 LUFS integrated where the real sound of those clips measures −9 to −32.
 * Its shape (when it gets louder or quieter) is what the picture tells it; its absolute level is not, so the curve is
 * moved as a whole until its integrated loudness (BS.1770 gating over the curve's points) is a delivery target —
 * EBU R128's −23 LUFS by default — as an editor would normalise a stem. A drawn curve or an anchored audio prompt
 * sets the level instead (clip-conditioning.ts); `programLufs: null` keeps the model's own level.
 */

import { gatedLoudnessLufs, lufsToEnergy } from '../../dsp/loudness-meter';
import type { LoudnessSpec } from '../pack/manifest';

/** EBU R128 programme loudness. */
export const DEFAULT_PROGRAM_LUFS = -23;

/**
 * Integrated loudness of normalised loudness rows [frames, channels] (the predictor's output): each frame is a
 * gating block whose energy is the sum of its channels' (BS.1770 sums channel powers), gated as the meter gates.
 */
export function curveIntegratedLufs(rows: Float32Array, channels: number, spec: LoudnessSpec): number {
  const frames = rows.length / channels;
  const energies = new Float64Array(frames);
  const rangeLufs = spec.maxLufs - spec.minLufs;
  for (let k = 0; k < frames; k++) {
    let energy = 0;
    // The pack's floor (row value 0) means "this quiet or quieter": silence, not a sound at minLufs.
    for (let c = 0; c < channels; c++) {
      const value = rows[k * channels + c]!;
      if (value > 0) energy += lufsToEnergy(spec.minLufs + value * rangeLufs);
    }
    energies[k] = energy;
  }
  return gatedLoudnessLufs(energies);
}

/** The rows moved as a whole so their integrated loudness is `targetLufs` (clipped to the pack's range); silence stays. */
export function levelToProgram(rows: Float32Array, channels: number, spec: LoudnessSpec, targetLufs: number): Float32Array {
  const integrated = curveIntegratedLufs(rows, channels, spec);
  // A curve that is silent throughout (below the absolute gate) has no level to move; it stays silent.
  if (!Number.isFinite(integrated)) return rows;
  const shift = (targetLufs - integrated) / (spec.maxLufs - spec.minLufs);
  return rows.map((value) => Math.min(1, Math.max(0, value + shift)));
}
