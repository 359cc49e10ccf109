/**
 * The loudness curve in the two units it lives in: LUFS at `curveRate` points per second per channel (what the user
 * sees and edits), and [0, 1] at latent frames (what loudness_predictor returns and the DiT reads).
 */

import type { LoudnessSpec } from '../pack/manifest';
import { resampleRows, type ClipSizes } from '../sampling/sequence';

/** [L, channels] normalised loudness → [channel][point] LUFS on the clip's curve grid. */
export function loudnessToCurveLufs(loudness: Float32Array, channels: number, sizes: ClipSizes, spec: LoudnessSpec): number[][] {
  const atPoints = resampleRows(loudness, channels, sizes.latent, sizes.curve);
  const rangeLufs = spec.maxLufs - spec.minLufs;
  return Array.from({ length: channels }, (_, c) =>
    Array.from({ length: sizes.curve.count }, (_, k) => spec.minLufs + atPoints[k * channels + c]! * rangeLufs),
  );
}

/**
 * A user curve ([channel][point] LUFS at curveRate, point k centred at (k + 0.5)/curveRate s) → [L, channels]
 * normalised and clipped to [0, 1]. One channel applies to every channel; any other mismatch is refused.
 */
export function curveLufsToLoudness(curve: number[][], channels: number, sizes: ClipSizes, spec: LoudnessSpec): Float32Array {
  if (curve.length !== 1 && curve.length !== channels) {
    throw new RangeError(`the target loudness curve has ${curve.length} channels; this pack needs 1 or ${channels}`);
  }
  const points = curve[0]!.length;
  if (points === 0 || curve.some((c) => c.length !== points)) throw new RangeError('the target loudness curve needs the same, non-zero number of points in every channel');
  const rows = new Float32Array(points * channels);
  for (let c = 0; c < channels; c++) {
    const values = curve[Math.min(c, curve.length - 1)]!;
    values.forEach((lufs, k) => {
      if (!Number.isFinite(lufs)) throw new RangeError(`the target loudness curve has a non-numeric value at channel ${c}, point ${k}`);
      rows[k * channels + c] = Math.min(1, Math.max(0, (lufs - spec.minLufs) / (spec.maxLufs - spec.minLufs)));
    });
  }
  return resampleRows(rows, channels, { count: points, rate: spec.curveRate, phase: 0.5 }, sizes.latent);
}
