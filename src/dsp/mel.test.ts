import { describe, expect, it } from 'vitest';
import { applyMel, hzToMel, melFilterbank, melPseudoInverse, melToHz, type MelFilterbank } from './mel';

/** Dense product of row-major matrices [r × n]·[n × c]. */
function matmul(a: Float64Array, b: Float64Array, r: number, n: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let k = 0; k < n; k++) for (let j = 0; j < c; j++) out[i * c + j] += a[i * n + k]! * b[k * c + j]!;
  return out;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

/** The four Moore–Penrose conditions define the pseudo-inverse uniquely. */
function expectMoorePenrose(fb: MelFilterbank, pinv: Float64Array): void {
  const { nMels: m, bins: k, weights: w } = fb;
  const wp = matmul(w, pinv, m, k, m);
  const pw = matmul(pinv, w, k, m, k);
  expect(maxAbsDiff(matmul(wp, w, m, m, k), w)).toBeLessThan(1e-9);
  expect(maxAbsDiff(matmul(pw, pinv, k, k, m), pinv)).toBeLessThan(1e-9);
  expect(maxAbsDiff(wp, transpose(wp, m, m))).toBeLessThan(1e-9);
  expect(maxAbsDiff(pw, transpose(pw, k, k))).toBeLessThan(1e-9);
}

describe('mel scale', () => {
  it('is the HTK formula and inverts', () => {
    expect(hzToMel(700)).toBeCloseTo(2595 * Math.log10(2), 10);
    expect(hzToMel(1000)).toBeCloseTo(999.99, 1);
    for (const hz of [0, 55, 440, 8000, 22050]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 8);
  });
});

describe('melFilterbank', () => {
  const p = { sampleRate: 44100, nFft: 2048, nMels: 64, fminHz: 0, fmaxHz: 22050 };

  it('builds triangles that peak at 1 without area normalisation', () => {
    const fb = melFilterbank(p);
    expect(fb.bins).toBe(1025);
    for (let m = 0; m < fb.nMels; m++) {
      const row = fb.weights.subarray(m * fb.bins, (m + 1) * fb.bins);
      const peak = Math.max(...row);
      expect(peak).toBeLessThanOrEqual(1);
      // High bands span many bins, so one lands near the apex.
      if (m > 20) expect(peak).toBeGreaterThan(0.9);
      const peakAt = row.indexOf(peak);
      for (let k = fb.firstBin[m]! + 1; k <= peakAt; k++) expect(row[k]!).toBeGreaterThanOrEqual(row[k - 1]!);
      for (let k = peakAt + 1; k < fb.endBin[m]!; k++) expect(row[k]!).toBeLessThanOrEqual(row[k - 1]!);
      expect(row.subarray(0, fb.firstBin[m]!).every((v) => v === 0)).toBe(true);
      expect(row.subarray(fb.endBin[m]!).every((v) => v === 0)).toBe(true);
    }
  });

  it('sums power within each band', () => {
    const fb = melFilterbank({ ...p, nMels: 8 });
    const power = new Float64Array(fb.bins).fill(2);
    const mel = new Float64Array(8);
    applyMel(fb, power, mel);
    for (let m = 0; m < 8; m++) {
      let expected = 0;
      for (let k = 0; k < fb.bins; k++) expected += 2 * fb.weights[m * fb.bins + k]!;
      expect(mel[m]).toBeCloseTo(expected, 10);
    }
  });

  it('rejects bad parameters with every reason', () => {
    expect(() => melFilterbank({ ...p, nFft: 1000, fmaxHz: 0 })).toThrow(/nFft must be a power of two.*fminHz < fmaxHz/);
  });
});

describe('melPseudoInverse', () => {
  it('satisfies the Moore–Penrose conditions (full row rank: 32 bands, nFft 1024)', () => {
    const fb = melFilterbank({ sampleRate: 44100, nFft: 1024, nMels: 32, fminHz: 0, fmaxHz: 22050 });
    expectMoorePenrose(fb, melPseudoInverse(fb));
  });

  it('satisfies them when some low bands hold no bin (80 bands, nFft 512)', () => {
    const fb = melFilterbank({ sampleRate: 44100, nFft: 512, nMels: 80, fminHz: 0, fmaxHz: 22050 });
    const emptyBands = Array.from(fb.endBin).filter((end, m) => end <= fb.firstBin[m]!).length;
    expect(emptyBands).toBeGreaterThan(0);
    expectMoorePenrose(fb, melPseudoInverse(fb));
  });
});
