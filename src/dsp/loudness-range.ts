/**
 * Loudness Range, LRA (EBU Tech 3342): the spread of the short-term loudness distribution.
 *
 * Stages, as Tech 3342 defines them:
 * 1. short-term loudness values (3 s window, ungated, taken at ≥ 10 Hz — the meter takes them every 100 ms);
 * 2. absolute gate: drop values below −70 LUFS;
 * 3. relative gate: drop values more than 20 LU below the power mean of the remaining values;
 * 4. LRA = 95th − 10th percentile of what is left (nearest rank: sorted[round((n − 1) · p / 100)]).
 */

export const LRA_ABSOLUTE_GATE_LUFS = -70;
export const LRA_RELATIVE_GATE_LU = -20;
export const LRA_LOW_PERCENTILE = 10;
export const LRA_HIGH_PERCENTILE = 95;

export interface LoudnessRange {
  /** High minus low percentile, LU; −Infinity when no short-term value passes the gates. */
  lraLu: number;
  /** 10th percentile of the gated values, LUFS. */
  lowLufs: number;
  /** 95th percentile of the gated values, LUFS. */
  highLufs: number;
}

const UNDEFINED_RANGE: LoudnessRange = { lraLu: -Infinity, lowLufs: -Infinity, highLufs: -Infinity };

/** Power mean of loudness values, back in LUFS. */
function powerMeanLufs(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += 10 ** (v / 10);
  return 10 * Math.log10(sum / values.length);
}

function nearestRank(sorted: Float64Array, percentile: number): number {
  return sorted[Math.round(((sorted.length - 1) * percentile) / 100)];
}

/** LRA from short-term loudness values in LUFS (order irrelevant; −Infinity / NaN entries count as gated). */
export function loudnessRange(shortTermLufs: ArrayLike<number>): LoudnessRange {
  const aboveAbsolute = Float64Array.from(shortTermLufs).filter((v) => v >= LRA_ABSOLUTE_GATE_LUFS);
  if (aboveAbsolute.length === 0) return UNDEFINED_RANGE;
  const relativeGateLufs = powerMeanLufs(aboveAbsolute) + LRA_RELATIVE_GATE_LU;
  const gated = aboveAbsolute.filter((v) => v >= relativeGateLufs).sort();
  const lowLufs = nearestRank(gated, LRA_LOW_PERCENTILE);
  const highLufs = nearestRank(gated, LRA_HIGH_PERCENTILE);
  return { lraLu: highLufs - lowLufs, lowLufs, highLufs };
}
