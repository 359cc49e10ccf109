/**
 * Loudness shaping: make any audio follow a target momentary-loudness curve (the curve format of
 * loudness-curve.ts: per-channel LUFS at `rate` points per second, 400 ms windows).
 *
 * Stages:
 * 1. measure the audio's curve at the target's rate and window;
 * 2. per channel, gains in dB at GAIN_KNOTS_PER_POINT knots per curve point, solved so the model's curve meets
 *    the target, clamped to [−maxCutDb, +maxBoostDb];
 * 3. render the gain per sample: linear in dB between knot centres (continuous, so no zipper noise);
 * 4. optional look-ahead true-peak limiter (default ceiling −1 dBTP), gain shared by all channels;
 * 5. re-measure; where the result misses the target, aim the model at target + miss and repeat until the
 *    mean absolute error over points whose target is above `floorLufs` is below `toleranceLu` (or stops improving).
 * Step 2 is not a simple subtraction: a 400 ms window spans ~2.4 points, so each measured point depends on
 * many knot gains, and a plain "add the error" iteration oscillates (the window's response is negative near
 * the 3 Hz grid Nyquist). Instead the gains solve a damped Gauss–Newton least-squares problem on a model of
 * the audio (its K-weighted energy in 1/(10·rate) s bins), see `solveGains`.
 */
import { momentaryLoudnessCurve, resampleCurve, type LoudnessCurve } from './loudness-curve';
import { limitTruePeak } from './true-peak';

export interface ShapingOptions {
  /** True-peak ceiling in dBTP, or null for no limiter. Default −1. */
  truePeakCeilingDbtp?: number | null;
  /** Largest boost, dB: silence cannot be made loud, and hiss should not be raised without bound. Default 40. */
  maxBoostDb?: number;
  /** Largest cut, dB. Default 100. */
  maxCutDb?: number;
  /** Points whose target is at or below this (LUFS) count as "silent" and are left out of the error. Default −60. */
  floorLufs?: number;
  /** Measure → correct passes. Default 8. */
  maxIterations?: number;
  /** Stop once the mean absolute error is below this, LU. Default 0.2. */
  toleranceLu?: number;
}

export interface ShapingResult {
  channels: Float32Array[];
  /** Gain per knot and channel, dB (before the limiter); knots sit at the centres of 1/gainRate s intervals. */
  gainDb: Float32Array[];
  /** Knots per second: the target's rate × GAIN_KNOTS_PER_POINT. */
  gainRate: number;
  /** The output's own curve (at the target's rate/window, clipped to [−70, 0] LUFS). */
  achieved: LoudnessCurve;
  /** Mean |achieved − target| over points with target > floorLufs, LU (0 when there are none). */
  meanAbsErrorLu: number;
  iterations: number;
}

/** Gain in dB per sample from gains at `rate` knots per second: linear between knot centres, held at the ends. */
export function renderGainDb(knotGainsDb: Float32Array, rate: number, sampleRate: number, length: number): Float32Array {
  const out = new Float32Array(length);
  const last = knotGainsDb.length - 1;
  if (last < 0) return out;
  for (let n = 0; n < length; n++) {
    const position = Math.min(last, Math.max(0, ((n + 0.5) / sampleRate) * rate - 0.5));
    const left = Math.floor(position);
    const right = Math.min(last, left + 1);
    out[n] = knotGainsDb[left] + (knotGainsDb[right] - knotGainsDb[left]) * (position - left);
  }
  return out;
}

/** Target curve for each audio channel at the audio's point count (a mono target drives every channel). */
function targetsFor(target: LoudnessCurve, channelCount: number, points: number): Float32Array[] {
  return Array.from({ length: channelCount }, (_, c) => {
    const curve = target.channels[Math.min(c, target.channels.length - 1)];
    return curve.length === points ? curve : resampleCurve(curve, points);
  });
}

function sanitised(channel: Float32Array): Float32Array {
  return channel.map((v) => (Number.isFinite(v) ? v : 0));
}

function meanAbsError(measured: Float32Array[], targets: Float32Array[], floorLufs: number): number {
  let sum = 0;
  let count = 0;
  targets.forEach((t, c) => {
    for (let k = 0; k < t.length; k++) {
      if (t[k] <= floorLufs) continue;
      sum += Math.abs(measured[c][k] - t[k]);
      count++;
    }
  });
  return count === 0 ? 0 : sum / count;
}

/** Model bins per curve point: the 400 ms window at 6 Hz is exactly 24 bins of 1/60 s. */
const BINS_PER_POINT = 10;
/**
 * Gain knots per curve point (30 Hz at 6 points/s). With one knot per point an impact starting inside a window
 * cannot be flattened (the gain would have to rise on the bed and fall at the onset within 1/6 s); with several,
 * the solver has the freedom and the smoothness term picks the gentlest gain that meets the curve.
 */
export const GAIN_KNOTS_PER_POINT = 5;

/** One channel's audio as the solver sees it: power (10^(LUFS/10)) per bin and the bins each point's window covers. */
interface GainModel {
  binPower: Float64Array;
  /** Window of point k: bins [windowStart[k], windowStart[k] + windowBins), clipped to the signal. */
  windowStart: Int32Array;
  windowBins: number;
  /** Hat-function weights: bin b's gain = (1 − w)·g[leftKnot[b]] + w·g[leftKnot[b] + 1], w = rightWeight[b]. */
  leftKnot: Int32Array;
  rightWeight: Float64Array;
  /** Knots from the first to the last one a window's row can touch, relative to the point's own first knot. */
  rowStart: number;
  rowWidth: number;
}

function buildModel(channel: Float32Array, sampleRate: number, rate: number, windowSec: number, points: number): GainModel {
  const binRate = rate * BINS_PER_POINT;
  const binsPerKnot = BINS_PER_POINT / GAIN_KNOTS_PER_POINT;
  const bins = momentaryLoudnessCurve([channel], sampleRate, { rate: binRate, windowSec: 1 / binRate, minLufs: -300, maxLufs: 300 }).channels[0];
  const windowBins = Math.max(1, Math.round(windowSec * binRate));
  const last = points * GAIN_KNOTS_PER_POINT - 1;
  const leftKnot = new Int32Array(bins.length);
  const rightWeight = new Float64Array(bins.length);
  bins.forEach((_, b) => {
    const position = Math.min(last, Math.max(0, (b + 0.5) / binsPerKnot - 0.5));
    leftKnot[b] = Math.min(Math.floor(position), Math.max(0, last - 1));
    rightWeight[b] = last === 0 ? 0 : position - leftKnot[b];
  });
  const reach = Math.ceil(windowBins / 2 / binsPerKnot) + 2;
  return {
    binPower: Float64Array.from(bins, (lufs) => 10 ** (lufs / 10)),
    windowStart: Int32Array.from({ length: points }, (_, k) => Math.round((k + 0.5) * BINS_PER_POINT - windowBins / 2)),
    windowBins,
    leftKnot,
    rightWeight,
    rowStart: Math.floor(GAIN_KNOTS_PER_POINT / 2) - reach,
    rowWidth: 2 * reach + 1,
  };
}

/** Model loudness of every point for knot gains `g` (dB) and the Jacobian rows ∂m_k/∂g_j, j = k·K + rowStart + i. */
function evaluateModel(model: GainModel, g: Float32Array, points: number): { loudness: Float64Array; jacobian: Float64Array[] } {
  const { binPower, windowStart, windowBins, leftKnot, rightWeight, rowStart, rowWidth } = model;
  const loudness = new Float64Array(points);
  const jacobian = Array.from({ length: points }, () => new Float64Array(rowWidth));
  for (let k = 0; k < points; k++) {
    let total = 0;
    const row = jacobian[k];
    const offset = k * GAIN_KNOTS_PER_POINT + rowStart;
    for (let b = Math.max(0, windowStart[k]); b < Math.min(binPower.length, windowStart[k] + windowBins); b++) {
      const j = leftKnot[b];
      const w = rightWeight[b];
      const p = binPower[b] * 10 ** ((g[j] * (1 - w) + (w > 0 ? g[j + 1] * w : 0)) / 10);
      total += p;
      row[j - offset] += p * (1 - w);
      if (w > 0) row[j + 1 - offset] += p * w;
    }
    loudness[k] = 10 * Math.log10(total / windowBins);
    if (total > 0) for (let i = 0; i < rowWidth; i++) row[i] /= total;
  }
  return { loudness, jacobian };
}

/** Solves the symmetric positive-definite band system A x = b in place (A given as rows of ±bandwidth). */
function solveBanded(a: Float64Array[], b: Float64Array, bandwidth: number): Float64Array {
  const n = b.length;
  const at = (i: number, j: number): number => a[i][j - i + bandwidth];
  for (let i = 0; i < n; i++) {
    for (let r = i + 1; r <= Math.min(n - 1, i + bandwidth); r++) {
      const factor = at(r, i) / at(i, i);
      for (let c = i; c <= Math.min(n - 1, i + bandwidth); c++) a[r][c - r + bandwidth] -= factor * at(i, c);
      b[r] -= factor * b[i];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i];
    for (let c = i + 1; c <= Math.min(n - 1, i + bandwidth); c++) sum -= at(i, c) * x[c];
    x[i] = sum / at(i, i);
  }
  return x;
}

/** Normal equations of one Gauss–Newton step: Σ_k w_k J_kᵀJ_k and Σ_k w_k J_kᵀ r_k, as band rows. */
function normalEquations(model: GainModel, g: Float32Array, aim: Float32Array, floorLufs: number, bandwidth: number): { a: Float64Array[]; rhs: Float64Array } {
  const n = g.length;
  const { loudness, jacobian } = evaluateModel(model, g, aim.length);
  const a = Array.from({ length: n }, () => new Float64Array(2 * bandwidth + 1));
  const rhs = new Float64Array(n);
  for (let k = 0; k < aim.length; k++) {
    const weight = aim[k] > floorLufs ? 1 : 0.05;
    const residual = Number.isFinite(loudness[k]) ? aim[k] - loudness[k] : 0;
    const offset = k * GAIN_KNOTS_PER_POINT + model.rowStart;
    const row = jacobian[k];
    for (let p = 0; p < row.length; p++) {
      const i = offset + p;
      if (row[p] === 0 || i < 0 || i >= n) continue;
      rhs[i] += weight * row[p] * residual;
      for (let q = 0; q < row.length; q++) {
        const j = offset + q;
        if (row[q] !== 0 && j >= 0 && j < n) a[i][j - i + bandwidth] += weight * row[p] * row[q];
      }
    }
  }
  return { a, rhs };
}

/**
 * Damped Gauss–Newton on the model: minimise Σ_k w_k (m_k(g) − aim_k)² + λ|Δg|² + μ|D g|² over the knot gains g,
 * with w_k = 1 above the floor and 0.05 below it (quiet points only need to stay quiet), and a smoothness term μ
 * on neighbouring knots: there are more knots than points, and it picks the gentlest of the gains that fit.
 */
function solveGains(model: GainModel, aim: Float32Array, start: Float32Array, floorLufs: number, clampGain: (db: number) => number): Float32Array {
  const n = start.length;
  const g = start.slice();
  const bandwidth = model.rowWidth;
  const damping = 0.02;
  const smoothness = 0.002;
  for (let iteration = 0; iteration < 25; iteration++) {
    const { a, rhs } = normalEquations(model, g, aim, floorLufs, bandwidth);
    for (let i = 0; i < n; i++) {
      a[i][bandwidth] += damping;
      for (const j of [i - 1, i + 1]) {
        if (j < 0 || j >= n) continue;
        a[i][bandwidth] += smoothness;
        a[i][j - i + bandwidth] -= smoothness;
        rhs[i] -= smoothness * (g[i] - g[j]);
      }
    }
    const step = solveBanded(a, rhs, bandwidth);
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const next = clampGain(g[i] + Math.max(-20, Math.min(20, step[i])));
      largest = Math.max(largest, Math.abs(next - g[i]));
      g[i] = next;
    }
    if (largest < 0.01) break;
  }
  return g;
}

/** Makes `channels` follow `target` (see the module comment). Never throws for empty, silent or non-finite input. */
export function shapeLoudness(channels: readonly Float32Array[], sampleRate: number, target: LoudnessCurve, options: ShapingOptions = {}): ShapingResult {
  const { truePeakCeilingDbtp = -1, maxBoostDb = 40, maxCutDb = 100, floorLufs = -60, maxIterations = 8, toleranceLu = 0.2 } = options;
  const input = channels.map(sanitised);
  const curveOptions = { rate: target.rate, windowSec: target.windowSec };
  const measure = (audio: Float32Array[]): Float32Array[] => momentaryLoudnessCurve(audio, sampleRate, curveOptions).channels;
  const points = measure(input)[0]?.length ?? 0;
  const targets = target.channels.length === 0 ? measure(input) : targetsFor(target, input.length, points);
  const models = input.map((x) => buildModel(x, sampleRate, target.rate, target.windowSec, points));
  const clampGain = (db: number): number => Math.min(maxBoostDb, Math.max(-maxCutDb, db));
  const aims = targets.map((t) => t.slice());
  const gainRate = target.rate * GAIN_KNOTS_PER_POINT;
  let gainDb: Float32Array[] = input.map(() => new Float32Array(points * GAIN_KNOTS_PER_POINT));
  let best = { audio: input, gains: gainDb, error: Infinity, iteration: 0 };
  for (let iteration = 1; iteration <= maxIterations && points > 0; iteration++) {
    gainDb = models.map((model, c) => solveGains(model, aims[c], gainDb[c], floorLufs, clampGain));
    const shaped = input.map((x, c) => {
      const db = renderGainDb(gainDb[c], gainRate, sampleRate, x.length);
      return x.map((v, n) => v * 10 ** (db[n] / 20));
    });
    const audio = truePeakCeilingDbtp === null ? shaped : limitTruePeak(shaped, sampleRate, { ceilingDbtp: truePeakCeilingDbtp });
    const measured = measure(audio);
    const error = meanAbsError(measured, targets, floorLufs);
    if (error < best.error) best = { audio, gains: gainDb, error, iteration };
    // Done when close enough, or when two passes in a row did not improve (the limiter or the clamps are in the way).
    if (error < toleranceLu || iteration - best.iteration >= 2) break;
    aims.forEach((aim, c) => {
      for (let k = 0; k < points; k++) if (targets[c][k] > floorLufs) aim[k] += Math.max(-6, Math.min(6, targets[c][k] - measured[c][k]));
    });
  }
  return {
    channels: best.audio,
    gainDb: best.gains,
    gainRate,
    achieved: momentaryLoudnessCurve(best.audio, sampleRate, curveOptions),
    meanAbsErrorLu: best.error === Infinity ? 0 : best.error,
    iterations: best.iteration,
  };
}
