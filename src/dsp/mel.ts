/**
 * HTK-mel triangular filterbank (peak 1, no area normalisation) and its pseudo-inverse, as docs/model-pack.md
 * defines the latent and training/foley/audio.py computes it: nMels + 2 edges equally spaced in HTK mel from
 * fminHz to fmaxHz, bin k at k · sampleRate / nFft Hz, band m rising from edge m to m+1 and falling to m+2.
 */

import type { FloatArray } from './fft';
import { jacobiRotate } from './symmetric-eigen';

export interface MelParams {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fminHz: number;
  fmaxHz: number;
}

export interface MelFilterbank {
  nMels: number;
  /** STFT bins per frame, nFft / 2 + 1. */
  bins: number;
  /** Row-major [nMels × bins]. */
  weights: Float64Array;
  /** Non-zero weights of band m lie in bins [firstBin[m], endBin[m]). */
  firstBin: Int32Array;
  endBin: Int32Array;
}

/** HTK mel scale: 2595 · log10(1 + hz / 700). */
export function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

export function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

function validate(p: MelParams): void {
  const problems: string[] = [];
  if (!(p.sampleRate > 0)) problems.push(`sampleRate must be > 0 (got ${p.sampleRate})`);
  if (!Number.isInteger(p.nFft) || p.nFft < 2 || (p.nFft & (p.nFft - 1)) !== 0) problems.push(`nFft must be a power of two ≥ 2 (got ${p.nFft})`);
  if (!Number.isInteger(p.nMels) || p.nMels < 1) problems.push(`nMels must be a positive integer (got ${p.nMels})`);
  if (!(p.fminHz >= 0 && p.fmaxHz > p.fminHz)) problems.push(`need 0 ≤ fminHz < fmaxHz (got ${p.fminHz}, ${p.fmaxHz})`);
  if (problems.length > 0) throw new RangeError(`Bad mel parameters: ${problems.join('; ')}`);
}

/** Band edges in Hz as numpy.linspace over mel then back to Hz (float64, like audio.py). */
function bandEdgesHz(p: MelParams): Float64Array {
  const count = p.nMels + 2;
  const lo = hzToMel(p.fminHz);
  const hi = hzToMel(p.fmaxHz);
  const step = (hi - lo) / (count - 1);
  const edges = new Float64Array(count);
  for (let i = 0; i < count; i++) edges[i] = melToHz(i === count - 1 ? hi : lo + i * step);
  return edges;
}

export function melFilterbank(p: MelParams): MelFilterbank {
  validate(p);
  const bins = p.nFft / 2 + 1;
  const edges = bandEdgesHz(p);
  const weights = new Float64Array(p.nMels * bins);
  const firstBin = new Int32Array(p.nMels).fill(bins);
  const endBin = new Int32Array(p.nMels);
  for (let m = 0; m < p.nMels; m++) {
    const lower = edges[m]!;
    const centre = edges[m + 1]!;
    const upper = edges[m + 2]!;
    for (let k = 0; k < bins; k++) {
      const hz = (k * p.sampleRate) / p.nFft;
      const w = Math.max(0, Math.min((hz - lower) / (centre - lower), (upper - hz) / (upper - centre)));
      if (w > 0) {
        weights[m * bins + k] = w;
        firstBin[m] = Math.min(firstBin[m]!, k);
        endBin[m] = k + 1;
      }
    }
    if (endBin[m] === 0) firstBin[m] = 0;
  }
  return { nMels: p.nMels, bins, weights, firstBin, endBin };
}

/** mel[m] = Σ_k weights[m, k] · power[k]; reads `power` from `inOffset`, writes `out` from `outOffset`. */
export function applyMel(fb: MelFilterbank, power: FloatArray, out: FloatArray, inOffset = 0, outOffset = 0): void {
  const { weights, firstBin, endBin, bins } = fb;
  for (let m = 0; m < fb.nMels; m++) {
    let sum = 0;
    const row = m * bins;
    for (let k = firstBin[m]!; k < endBin[m]!; k++) sum += weights[row + k]! * power[inOffset + k]!;
    out[outOffset + m] = sum;
  }
}

/** out[k] = Σ_m weights[m, k] · mel[m] (the transpose of applyMel), written from `outOffset`; each bin touches ≤ 2 bands. */
export function applyMelTranspose(fb: MelFilterbank, mel: FloatArray, out: FloatArray, outOffset = 0): void {
  const { weights, firstBin, endBin, bins } = fb;
  out.fill(0, outOffset, outOffset + bins);
  for (let m = 0; m < fb.nMels; m++) {
    const row = m * bins;
    const value = mel[m]!;
    for (let k = firstBin[m]!; k < endBin[m]!; k++) out[outOffset + k] += weights[row + k]! * value;
  }
}

/**
 * (W·Wᵀ)⁺ for the filterbank W, row-major [nMels × nMels]: the pseudo-inverse of W is Wᵀ·(W·Wᵀ)⁺, so decoding a
 * frame is this small product followed by the sparse applyMelTranspose — 10× fewer operations than the dense
 * [bins × nMels] matrix. Uses a Jacobi eigen-decomposition; eigenvalues below 1e-13 of the largest (singular
 * values below ~3e-7 of the largest) count as zero, because forming W·Wᵀ squares the condition number and
 * smaller ones are rounding noise. Empty bands (all-zero rows) drop out that way.
 */
export function melGramPseudoInverse(fb: MelFilterbank): Float64Array {
  const { nMels, bins, weights } = fb;
  const gram = new Float64Array(nMels * nMels);
  for (let a = 0; a < nMels; a++) {
    for (let b = a; b < nMels; b++) {
      const lo = Math.max(fb.firstBin[a]!, fb.firstBin[b]!);
      const hi = Math.min(fb.endBin[a]!, fb.endBin[b]!);
      let sum = 0;
      for (let k = lo; k < hi; k++) sum += weights[a * bins + k]! * weights[b * bins + k]!;
      gram[a * nMels + b] = sum;
      gram[b * nMels + a] = sum;
    }
  }
  return symmetricPseudoInverse(gram, nMels, 1e-13);
}

/** Moore–Penrose pseudo-inverse of the filterbank as a dense row-major [bins × nMels] matrix, like numpy.linalg.pinv. */
export function melPseudoInverse(fb: MelFilterbank): Float64Array {
  const { nMels, bins } = fb;
  const gramInverse = melGramPseudoInverse(fb);
  const pinv = new Float64Array(bins * nMels);
  const column = new Float64Array(bins);
  for (let m = 0; m < nMels; m++) {
    applyMelTranspose(fb, gramInverse.subarray(m * nMels, (m + 1) * nMels), column);
    for (let k = 0; k < bins; k++) pinv[k * nMels + m] = column[k]!;
  }
  return pinv;
}

/** Pseudo-inverse of a symmetric positive semi-definite n × n matrix by cyclic Jacobi rotations. */
function symmetricPseudoInverse(matrix: Float64Array, n: number, relativeCutoff: number): Float64Array {
  const a = matrix.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += a[p * n + q]! ** 2;
    if (offDiagonal < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) jacobiRotate(a, v, n, p, q);
    }
  }
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, a[i * n + i]!);
  const result = new Float64Array(n * n);
  for (let e = 0; e < n; e++) {
    const lambda = a[e * n + e]!;
    if (!(lambda > relativeCutoff * largest)) continue;
    for (let i = 0; i < n; i++) {
      const vi = v[i * n + e]! / lambda;
      for (let j = 0; j < n; j++) result[i * n + j] += vi * v[j * n + e]!;
    }
  }
  return result;
}
