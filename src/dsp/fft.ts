/**
 * Radix-2 FFT plans. A plan precomputes the bit-reversal permutation and per-stage twiddles for one size, so
 * transforms allocate nothing; get shared plans from `complexFft(n)` / `realFft(n)`.
 * Sign convention (as numpy/torch): forward X[k] = Σ x[n]·e^(−2πikn/N), inverse scaled by 1/N.
 */

export type FloatArray = Float32Array | Float64Array;

function assertPowerOfTwo(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
    throw new RangeError(`${what} size must be a power of two ≥ 1, got ${n}`);
  }
}

/** In-place complex FFT of one power-of-two size on split real/imaginary arrays. */
export class ComplexFft {
  readonly size: number;
  /** Index pairs (i, j), i < j, to swap for the bit-reversal permutation. */
  private readonly swaps: Uint32Array;
  /** Twiddles of stage s (butterfly span 2h) at offset h − 1: cos/sin(−2πj / 2h), j < h. Stages of span ≤ 4 are hard-coded. */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;

  constructor(size: number) {
    assertPowerOfTwo(size, 'FFT');
    this.size = size;
    this.swaps = bitReversalSwaps(size);
    this.twRe = new Float64Array(Math.max(1, size - 1));
    this.twIm = new Float64Array(Math.max(1, size - 1));
    for (let half = 1; half < size; half *= 2) {
      for (let j = 0; j < half; j++) {
        const angle = (-Math.PI * j) / half;
        this.twRe[half - 1 + j] = Math.cos(angle);
        this.twIm[half - 1 + j] = Math.sin(angle);
      }
    }
  }

  forward(re: FloatArray, im: FloatArray): void {
    this.transform(re, im, 1);
  }

  /** Inverse transform including the 1/N scaling. */
  inverse(re: FloatArray, im: FloatArray): void {
    this.transform(re, im, -1);
    const scale = 1 / this.size;
    for (let i = 0; i < this.size; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }

  /** `sign` = 1 forward, −1 inverse (conjugated twiddles, no scaling). */
  private transform(re: FloatArray, im: FloatArray, sign: 1 | -1): void {
    const n = this.size;
    if (re.length < n || im.length < n) throw new RangeError(`FFT of size ${n} needs arrays of length ≥ ${n}`);
    const swaps = this.swaps;
    for (let s = 0; s < swaps.length; s += 2) {
      const i = swaps[s]!;
      const j = swaps[s + 1]!;
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
    if (n >= 4) radix4FirstStages(re, im, n, sign);
    else if (n === 2) butterfly2(re, im);
    const twRe = this.twRe;
    const twIm = this.twIm;
    for (let half = 4; half < n; half *= 2) {
      const span = half * 2;
      const off = half - 1;
      for (let start = 0; start < n; start += span) {
        for (let j = 0; j < half; j++) {
          const wr = twRe[off + j]!;
          const wi = sign * twIm[off + j]!;
          const a = start + j;
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          const ar = re[a]!;
          const ai = im[a]!;
          re[a] = ar + xr;
          im[a] = ai + xi;
          re[b] = ar - xr;
          im[b] = ai - xi;
        }
      }
    }
  }
}

function butterfly2(re: FloatArray, im: FloatArray): void {
  const r0 = re[0]!;
  const i0 = im[0]!;
  re[0] = r0 + re[1]!;
  im[0] = i0 + im[1]!;
  re[1] = r0 - re[1]!;
  im[1] = i0 - im[1]!;
}

/** The span-2 and span-4 stages in one pass: their twiddles are 1 and ∓i, so no multiplications. */
function radix4FirstStages(re: FloatArray, im: FloatArray, n: number, sign: 1 | -1): void {
  for (let k = 0; k < n; k += 4) {
    const r0 = re[k]!;
    const i0 = im[k]!;
    const r1 = re[k + 1]!;
    const i1 = im[k + 1]!;
    const r2 = re[k + 2]!;
    const i2 = im[k + 2]!;
    const r3 = re[k + 3]!;
    const i3 = im[k + 3]!;
    const ar = r0 + r1;
    const ai = i0 + i1;
    const br = r0 - r1;
    const bi = i0 - i1;
    const cr = r2 + r3;
    const ci = i2 + i3;
    // (r2 − r3, i2 − i3) times −i (forward) or +i (inverse).
    const dr = sign * (i2 - i3);
    const di = -sign * (r2 - r3);
    re[k] = ar + cr;
    im[k] = ai + ci;
    re[k + 2] = ar - cr;
    im[k + 2] = ai - ci;
    re[k + 1] = br + dr;
    im[k + 1] = bi + di;
    re[k + 3] = br - dr;
    im[k + 3] = bi - di;
  }
}

function bitReversalSwaps(n: number): Uint32Array {
  const bits = Math.round(Math.log2(n));
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
    if (i < r) pairs.push(i, r);
  }
  return Uint32Array.from(pairs);
}

/**
 * FFT of a real signal of even power-of-two length N through one complex FFT of N/2 points (even samples as real
 * parts, odd samples as imaginary parts) and a split step; the spectrum is the N/2 + 1 non-negative bins.
 */
export class RealFft {
  readonly size: number;
  readonly bins: number;
  private readonly half: ComplexFft;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;
  /** e^(−2πik/N) for k ≤ N/2. */
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;

  constructor(size: number) {
    assertPowerOfTwo(size, 'Real FFT');
    if (size < 2) throw new RangeError(`Real FFT size must be ≥ 2, got ${size}`);
    this.size = size;
    const m = size / 2;
    this.bins = m + 1;
    this.half = complexFft(m);
    this.workRe = new Float64Array(m);
    this.workIm = new Float64Array(m);
    this.wRe = new Float64Array(m + 1);
    this.wIm = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.wRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.wIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** `input` has N samples; writes bins 0..N/2 into `outRe`/`outIm` from index `outOffset` (lets callers fill rows of a spectrogram in place). */
  forward(input: FloatArray, outRe: FloatArray, outIm: FloatArray, outOffset = 0): void {
    const m = this.size / 2;
    const zr = this.workRe;
    const zi = this.workIm;
    for (let k = 0; k < m; k++) {
      zr[k] = input[2 * k]!;
      zi[k] = input[2 * k + 1]!;
    }
    this.half.forward(zr, zi);
    const wRe = this.wRe;
    const wIm = this.wIm;
    for (let k = 0; k <= m; k++) {
      const a = k === m ? 0 : k;
      const b = k === 0 ? 0 : m - k;
      // Even part Fe = (Z[k] + conj Z[m−k]) / 2, odd part Fo = (Z[k] − conj Z[m−k]) / 2i.
      const er = 0.5 * (zr[a]! + zr[b]!);
      const ei = 0.5 * (zi[a]! - zi[b]!);
      const or = 0.5 * (zi[a]! + zi[b]!);
      const oi = -0.5 * (zr[a]! - zr[b]!);
      outRe[outOffset + k] = er + wRe[k]! * or - wIm[k]! * oi;
      outIm[outOffset + k] = ei + wRe[k]! * oi + wIm[k]! * or;
    }
  }

  /** Inverse of `forward` (scaled by 1/N): bins 0..N/2 from `inOffset` in, N real samples out. Imaginary parts of DC and Nyquist are ignored. */
  inverse(inRe: FloatArray, inIm: FloatArray, output: FloatArray, inOffset = 0): void {
    const m = this.size / 2;
    const zr = this.workRe;
    const zi = this.workIm;
    const wRe = this.wRe;
    const wIm = this.wIm;
    for (let k = 0; k < m; k++) {
      const xr = inRe[inOffset + k]!;
      const xi = k === 0 ? 0 : inIm[inOffset + k]!;
      const yr = inRe[inOffset + m - k]!;
      const yi = k === 0 ? 0 : -inIm[inOffset + m - k]!;
      // Fe = (X[k] + conj X[m−k]) / 2, Fo = (X[k] − conj X[m−k]) · e^(+2πik/N) / 2, Z = Fe + i·Fo.
      const er = 0.5 * (xr + yr);
      const ei = 0.5 * (xi + yi);
      const dr = 0.5 * (xr - yr);
      const di = 0.5 * (xi - yi);
      const or = dr * wRe[k]! + di * wIm[k]!;
      const oi = di * wRe[k]! - dr * wIm[k]!;
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.half.inverse(zr, zi);
    for (let k = 0; k < m; k++) {
      output[2 * k] = zr[k]!;
      output[2 * k + 1] = zi[k]!;
    }
  }
}

const complexPlans = new Map<number, ComplexFft>();
const realPlans = new Map<number, RealFft>();

/** Shared complex plan for size n (complex plans hold no scratch state, so sharing is safe). */
export function complexFft(n: number): ComplexFft {
  let plan = complexPlans.get(n);
  if (!plan) {
    plan = new ComplexFft(n);
    complexPlans.set(n, plan);
  }
  return plan;
}

/** Real plans own scratch buffers: share one only within a single thread of work (JS is single-threaded per realm). */
export function realFft(n: number): RealFft {
  let plan = realPlans.get(n);
  if (!plan) {
    plan = new RealFft(n);
    realPlans.set(n, plan);
  }
  return plan;
}
