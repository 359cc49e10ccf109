/**
 * Log-mel Fréchet distance per clip, a real-clip score (src/metrics/real-clip.ts): channel mix, un-padded STFT
 * (2048 Hann, hop 960) power, 64 HTK mel bands with edges evenly spaced in mel from 20 Hz to 8 kHz,
 * features log(mel power + 1e-8) per frame; the distance between the Gaussian fits of two feature sets is
 * |μ1 − μ2|² + tr(C1 + C2 − 2·sqrt(C1·C2)).
 *
 * tr sqrt(C1·C2) is computed as Σ sqrt(λ) over the eigenvalues λ of the symmetric C1^½·C2·C1^½, which has the same
 * eigenvalues as C1·C2; rounding can push a few λ below zero, and those count 0, which is what the real part of
 * scipy.linalg.sqrtm gives for them.
 */
import { applyMel, melFilterbank } from '../dsp/mel';
import { frameSpectra, monoMix, SCORE_WINDOW_SAMPLES } from './spectral-frames';
import { symmetricEigen } from '../dsp/symmetric-eigen';

export const MEL_HOP_SAMPLES = 960;
export const MEL_BANDS = 64;
const MEL_FLOOR = 1e-8;

/** Feature rows: row-major [frames × dims]. */
export interface FeatureRows {
  rows: number;
  dims: number;
  values: Float64Array;
}

export function logMelFeatures(channels: readonly Float32Array[], sampleRate: number): FeatureRows {
  const spectra = frameSpectra(monoMix(channels), MEL_HOP_SAMPLES, 'power');
  const bank = melFilterbank({ sampleRate, nFft: SCORE_WINDOW_SAMPLES, nMels: MEL_BANDS, fminHz: 20, fmaxHz: 8000 });
  const values = new Float64Array(spectra.frames * MEL_BANDS);
  applyMelRows(bank, spectra.values, spectra.frames, spectra.bins, values);
  for (let i = 0; i < values.length; i++) values[i] = Math.log(values[i]! + MEL_FLOOR);
  return { rows: spectra.frames, dims: MEL_BANDS, values };
}

function applyMelRows(bank: ReturnType<typeof melFilterbank>, power: Float64Array, frames: number, bins: number, out: Float64Array): void {
  for (let t = 0; t < frames; t++) applyMel(bank, power, out, t * bins, t * MEL_BANDS);
}

/** Mean and unbiased covariance (divided by rows − 1, as numpy.cov). */
export function gaussianFit(f: FeatureRows): { mean: Float64Array; covariance: Float64Array } {
  const { rows, dims, values } = f;
  if (rows < 2) throw new RangeError(`a Gaussian fit needs at least 2 feature rows, got ${rows}`);
  const mean = new Float64Array(dims);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) mean[d]! += values[r * dims + d]! / rows;
  const covariance = new Float64Array(dims * dims);
  const centred = new Float64Array(dims);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dims; d++) centred[d] = values[r * dims + d]! - mean[d]!;
    for (let i = 0; i < dims; i++) for (let j = i; j < dims; j++) covariance[i * dims + j]! += centred[i]! * centred[j]!;
  }
  for (let i = 0; i < dims; i++) {
    for (let j = i; j < dims; j++) {
      covariance[i * dims + j]! /= rows - 1;
      covariance[j * dims + i] = covariance[i * dims + j]!;
    }
  }
  return { mean, covariance };
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik !== 0) for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}

/** Symmetric PSD square root V·diag(sqrt(max(λ, 0)))·Vᵀ. */
function psdSqrt(c: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(c, n);
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = vectors[i * n + j]! * Math.sqrt(Math.max(0, values[j]!));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += scaled[i * n + k]! * vectors[j * n + k]!;
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/** tr sqrt(C1·C2) for symmetric PSD C1, C2. */
export function traceSqrtProduct(c1: Float64Array, c2: Float64Array, n: number): number {
  const root = psdSqrt(c1, n);
  const inner = multiply(multiply(root, c2, n), root, n);
  // Symmetrise: the two products leave rounding asymmetry the Jacobi method would otherwise read as signal.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) inner[i * n + j] = inner[j * n + i] = (inner[i * n + j]! + inner[j * n + i]!) / 2;
  let sum = 0;
  for (const lambda of symmetricEigen(inner, n).values) sum += Math.sqrt(Math.max(0, lambda));
  return sum;
}

/** Fréchet distance between the Gaussian fits of two feature sets of the same width. */
export function frechetDistance(a: FeatureRows, b: FeatureRows): number {
  if (a.dims !== b.dims) throw new RangeError(`feature widths differ: ${a.dims} vs ${b.dims}`);
  const n = a.dims;
  const fa = gaussianFit(a);
  const fb = gaussianFit(b);
  let distance = 0;
  for (let d = 0; d < n; d++) distance += (fa.mean[d]! - fb.mean[d]!) ** 2;
  for (let d = 0; d < n; d++) distance += fa.covariance[d * n + d]! + fb.covariance[d * n + d]!;
  return distance - 2 * traceSqrtProduct(fa.covariance, fb.covariance, n);
}

/** Log-mel Fréchet distance of a candidate against a reference, both planar at the same rate. */
export function melFrechetDistance(reference: readonly Float32Array[], candidate: readonly Float32Array[], sampleRate: number): number {
  return frechetDistance(logMelFeatures(candidate, sampleRate), logMelFeatures(reference, sampleRate));
}
