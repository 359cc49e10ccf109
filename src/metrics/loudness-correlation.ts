/**
 * Loudness-curve correlation, a real-clip score (src/metrics/real-clip.ts): BS.1770 K-weighting derived for the
 * signal's rate, the channels' squared K-weighted samples summed (no gating, no clipping: the curve must follow
 * quiet passages too), mean over 400 ms windows starting every 1/6 s, −0.691 + 10·log10(max(mean, 1e-12)) LUFS;
 * then Pearson's r of two curves over their common length.
 */
import { kWeightingFilter, KWeightingState } from '../dsp/k-weighting';

export const CURVE_RATE_HZ = 6;
export const CURVE_WINDOW_SEC = 0.4;
const ENERGY_FLOOR = 1e-12;

/** Sample index where window k starts (rounded: 1/6 s is not a whole number of samples at 16 kHz). */
function windowStart(k: number, sampleRate: number): number {
  return Math.round((k * sampleRate) / CURVE_RATE_HZ);
}

/** One value per complete 400 ms window, in LUFS; empty when the audio is shorter than 400 ms. */
export function loudnessCurve(channels: readonly Float32Array[], sampleRate: number): Float64Array {
  const length = channels.length === 0 ? 0 : Math.min(...channels.map((c) => c.length));
  const energy = new Float64Array(length);
  const filter = kWeightingFilter(sampleRate);
  for (const c of channels) new KWeightingState(filter).accumulateEnergy(c, 0, length, 1, energy);
  // Prefix sums in float64 turn every window mean into one subtraction.
  const prefix = new Float64Array(length + 1);
  for (let i = 0; i < length; i++) prefix[i + 1] = prefix[i]! + energy[i]!;
  const windowSamples = Math.round(CURVE_WINDOW_SEC * sampleRate);
  const values: number[] = [];
  for (let k = 0; windowStart(k, sampleRate) + windowSamples <= length; k++) {
    const start = windowStart(k, sampleRate);
    const mean = (prefix[start + windowSamples]! - prefix[start]!) / windowSamples;
    values.push(-0.691 + 10 * Math.log10(Math.max(mean, ENERGY_FLOOR)));
  }
  return Float64Array.from(values);
}

/** Pearson's r over the first min(a, b) values; 0 when either side is constant (or has fewer than 2 values). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]! / n;
    meanB += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  // Relative test: a constant curve leaves only rounding noise around its mean.
  const tiny = (v: number, mean: number): boolean => v <= n * (1e-12 * Math.max(1, Math.abs(mean))) ** 2;
  if (tiny(aa, meanA) || tiny(bb, meanB)) return 0;
  return ab / Math.sqrt(aa * bb);
}

/** Correlation of the candidate's loudness curve with the reference's. */
export function loudnessCorrelation(reference: readonly Float32Array[], candidate: readonly Float32Array[], sampleRate: number): number {
  return pearson(loudnessCurve(reference, sampleRate), loudnessCurve(candidate, sampleRate));
}
