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

/**
 * In-place complex FFT of one power-of-two size on split real/imaginary arrays: iterative decimation in time after
 * a bit-reversal permutation, two radix-2 stages fused into one radix-4 pass (3 twiddle products per 4 points).
 */
export class ComplexFft {
  readonly size: number;
  /** Index pairs (i, j), i < j, to swap for the bit-reversal permutation. */
  private readonly swaps: Uint32Array;
  /** Per radix-4 pass of quarter-span h, at offset h − 1: e^(−2πij/4h), its square and cube, j < h, as re/im. */
  private readonly tw: Float64Array[];

  constructor(size: number) {
    assertPowerOfTwo(size, 'FFT');
    this.size = size;
    this.swaps = bitReversalSwaps(size);
    const length = Math.max(1, size);
    this.tw = Array.from({ length: 6 }, () => new Float64Array(length));
    for (let h = Math.log2(size) % 2 === 1 ? 2 : 1; 4 * h <= size; h *= 4) {
      for (let j = 0; j < h; j++) {
        for (let power = 1; power <= 3; power++) {
          const angle = (-2 * Math.PI * j * power) / (4 * h);
          this.tw[2 * (power - 1)]![h - 1 + j] = Math.cos(angle);
          this.tw[2 * (power - 1) + 1]![h - 1 + j] = Math.sin(angle);
        }
      }
    }
  }

  /** Forward transform, no scaling. */
  forward(re: FloatArray, im: FloatArray): void {
    this.transform(re, im);
  }

  /** Inverse transform including the 1/N scaling: conj(FFT(conj x)) / N, done by swapping the real and imaginary arrays. */
  inverse(re: FloatArray, im: FloatArray): void {
    this.inverseUnscaled(re, im);
    const scale = 1 / this.size;
    for (let i = 0; i < this.size; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }

  /** Inverse without the 1/N, for callers that fold the scaling into their own pass. */
  inverseUnscaled(re: FloatArray, im: FloatArray): void {
    this.transform(im, re);
  }

  private transform(re: FloatArray, im: FloatArray): void {
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
    let h = 1;
    // An odd number of radix-2 stages leaves one, done first where its twiddle is 1.
    if (Math.log2(n) % 2 === 1) {
      for (let k = 0; k < n; k += 2) butterfly2(re, im, k);
      h = 2;
    }
    for (; 4 * h <= n; h *= 4) this.radix4Pass(re, im, h);
  }

  /**
   * Combines groups of four length-h DFTs into length-4h DFTs. After bit reversal the quarters A, B, C, D of a
   * group hold the sub-DFTs of residues 0, 2, 1, 3 (mod 4), so X[j + q·h] = A + (−i)^q·W^j·C + (−1)^q·W^2j·B + i^q·W^3j·D.
   */
  private radix4Pass(re: FloatArray, im: FloatArray, h: number): void {
    const n = this.size;
    const [w1Re, w1Im, w2Re, w2Im, w3Re, w3Im] = this.tw as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    for (let j = 0; j < h; j++) {
      const t = h - 1 + j;
      const ar = w1Re[t]!;
      const ai = w1Im[t]!;
      const br = w2Re[t]!;
      const bi = w2Im[t]!;
      const cr = w3Re[t]!;
      const ci = w3Im[t]!;
      for (let a = j; a < n; a += 4 * h) {
        const b = a + h;
        const c = b + h;
        const d = c + h;
        const t0r = re[a]!;
        const t0i = im[a]!;
        const t1r = re[c]! * ar - im[c]! * ai;
        const t1i = re[c]! * ai + im[c]! * ar;
        const t2r = re[b]! * br - im[b]! * bi;
        const t2i = re[b]! * bi + im[b]! * br;
        const t3r = re[d]! * cr - im[d]! * ci;
        const t3i = re[d]! * ci + im[d]! * cr;
        const sr = t0r + t2r;
        const si = t0i + t2i;
        const dr = t0r - t2r;
        const di = t0i - t2i;
        const pr = t1r + t3r;
        const pi = t1i + t3i;
        // −i·(t1 − t3)
        const qr = t1i - t3i;
        const qi = t3r - t1r;
        re[a] = sr + pr;
        im[a] = si + pi;
        re[b] = dr + qr;
        im[b] = di + qi;
        re[c] = sr - pr;
        im[c] = si - pi;
        re[d] = dr - qr;
        im[d] = di - qi;
      }
    }
  }
}

function butterfly2(re: FloatArray, im: FloatArray, k: number): void {
  const r0 = re[k]!;
  const i0 = im[k]!;
  re[k] = r0 + re[k + 1]!;
  im[k] = i0 + im[k + 1]!;
  re[k + 1] = r0 - re[k + 1]!;
  im[k + 1] = i0 - im[k + 1]!;
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
 * The windowed variants fold a window into the packing and unpacking, which is what an STFT needs.
 */
export class RealFft {
  readonly size: number;
  readonly bins: number;
  private readonly half: ComplexFft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
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
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
    this.wRe = new Float64Array(m + 1);
    this.wIm = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.wRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.wIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** `input` has N samples; writes bins 0..N/2 into `outRe`/`outIm` from index `outOffset` (rows of a spectrogram in place). */
  forward(input: FloatArray, outRe: FloatArray, outIm: FloatArray, outOffset = 0): void {
    const m = this.size / 2;
    for (let k = 0; k < m; k++) {
      this.zr[k] = input[2 * k]!;
      this.zi[k] = input[2 * k + 1]!;
    }
    this.finishForward(outRe, outIm, outOffset);
  }

  /** Spectrum of input[inOffset + i] · window[i], i < N. */
  forwardWindowed(input: FloatArray, inOffset: number, window: FloatArray, outRe: FloatArray, outIm: FloatArray, outOffset: number): void {
    const m = this.size / 2;
    for (let k = 0; k < m; k++) {
      this.zr[k] = input[inOffset + 2 * k]! * window[2 * k]!;
      this.zi[k] = input[inOffset + 2 * k + 1]! * window[2 * k + 1]!;
    }
    this.finishForward(outRe, outIm, outOffset);
  }

  /** Inverse of `forward` (scaled by 1/N): bins 0..N/2 from `inOffset` in, N real samples out. Imaginary parts of DC and Nyquist are ignored. */
  inverse(inRe: FloatArray, inIm: FloatArray, output: FloatArray, inOffset = 0): void {
    this.startInverse(inRe, inIm, inOffset);
    const m = this.size / 2;
    for (let k = 0; k < m; k++) {
      output[2 * k] = this.zr[k]!;
      output[2 * k + 1] = this.zi[k]!;
    }
  }

  /** Overlap-add: output[outOffset + i] += window[i] · inverse(spectrum)[i], i < N. */
  inverseWindowedAdd(inRe: FloatArray, inIm: FloatArray, inOffset: number, window: FloatArray, output: FloatArray, outOffset: number): void {
    this.startInverse(inRe, inIm, inOffset);
    const m = this.size / 2;
    for (let k = 0; k < m; k++) {
      output[outOffset + 2 * k] += this.zr[k]! * window[2 * k]!;
      output[outOffset + 2 * k + 1] += this.zi[k]! * window[2 * k + 1]!;
    }
  }

  /** FFT of the packed z, then the split step X[k] = Fe[k] + e^(−2πik/N)·Fo[k] for k and m − k together. */
  private finishForward(outRe: FloatArray, outIm: FloatArray, outOffset: number): void {
    const m = this.size / 2;
    const { zr, zi, wRe, wIm } = this;
    this.half.forward(zr, zi);
    outRe[outOffset] = zr[0]! + zi[0]!;
    outIm[outOffset] = 0;
    outRe[outOffset + m] = zr[0]! - zi[0]!;
    outIm[outOffset + m] = 0;
    for (let k = 1, l = m - 1; k <= l; k++, l--) {
      // Even part Fe = (Z[k] + conj Z[l]) / 2, odd part Fo = (Z[k] − conj Z[l]) / 2i, with l = m − k.
      const er = 0.5 * (zr[k]! + zr[l]!);
      const ei = 0.5 * (zi[k]! - zi[l]!);
      const or = 0.5 * (zi[k]! + zi[l]!);
      const oi = -0.5 * (zr[k]! - zr[l]!);
      const tr = wRe[k]! * or - wIm[k]! * oi;
      const ti = wRe[k]! * oi + wIm[k]! * or;
      outRe[outOffset + k] = er + tr;
      outIm[outOffset + k] = ei + ti;
      // Bin l: Fe[l] = conj Fe[k], Fo[l] = conj Fo[k], e^(−2πil/N) = −conj e^(−2πik/N).
      outRe[outOffset + l] = er - tr;
      outIm[outOffset + l] = ti - ei;
    }
  }

  /** Rebuilds Z = Fe + i·Fo from bins 0..N/2 and inverse-transforms it, leaving x[2k] + i·x[2k+1] in z (scaling folded in here). */
  private startInverse(inRe: FloatArray, inIm: FloatArray, inOffset: number): void {
    const m = this.size / 2;
    const { zr, zi, wRe, wIm } = this;
    // 1/2 from the even/odd split times the 1/m the unscaled inverse FFT leaves out; imaginary DC and Nyquist are dropped.
    const half = 0.5 / m;
    zr[0] = half * (inRe[inOffset]! + inRe[inOffset + m]!);
    zi[0] = half * (inRe[inOffset]! - inRe[inOffset + m]!);
    for (let k = 1; k < m; k++) {
      const xr = inRe[inOffset + k]!;
      const xi = inIm[inOffset + k]!;
      const yr = inRe[inOffset + m - k]!;
      const yi = -inIm[inOffset + m - k]!;
      // Fe = (X[k] + conj X[m−k]) / 2, Fo = (X[k] − conj X[m−k]) · e^(+2πik/N) / 2, Z = Fe + i·Fo.
      const er = half * (xr + yr);
      const ei = half * (xi + yi);
      const dr = half * (xr - yr);
      const di = half * (xi - yi);
      const or = dr * wRe[k]! + di * wIm[k]!;
      const oi = di * wRe[k]! - dr * wIm[k]!;
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.half.inverseUnscaled(zr, zi);
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
