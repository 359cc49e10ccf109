/**
 * Centred short-time Fourier transform and its inverse, matching torch.stft / torch.istft with center=True,
 * pad_mode='reflect', a periodic Hann window, onesided output and no normalisation. Frame t is centred on sample
 * t·hop, so a signal of N samples has floor(N / hop) + 1 frames.
 */

import { realFft, type FloatArray, type RealFft } from './fft';

/** Spectrum frames, row-major [frames × bins], bins = nFft / 2 + 1. */
export interface Spectrogram {
  frames: number;
  bins: number;
  re: Float32Array;
  im: Float32Array;
}

/** torch.istft refuses envelopes below this; we leave such samples undivided instead of failing. */
const ENVELOPE_EPSILON = 1e-11;

export function stftFrameCount(lengthSamples: number, hop: number): number {
  return Math.floor(lengthSamples / hop) + 1;
}

/** Periodic Hann (torch.hann_window(n, periodic=True)): w[i] = 0.5 − 0.5·cos(2πi / n). */
export function periodicHann(size: number): Float64Array {
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return w;
}

/** Index into a signal of length n after reflect padding ("dcb|abcd|cba"); repeats the reflection for signals shorter than the pad, where torch would refuse. */
export function reflectIndex(index: number, n: number): number {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  let j = index % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}

/** One (nFft, hop) configuration with reusable window, FFT plan and scratch buffers; not re-entrant. */
export class StftPlan {
  readonly nFft: number;
  readonly hop: number;
  readonly bins: number;
  readonly window: Float64Array;
  private readonly fft: RealFft;
  private padded = new Float64Array(0);
  private overlap = new Float64Array(0);
  private envelope = new Float64Array(0);
  private envelopeFrames = -1;

  constructor(nFft: number, hop: number) {
    if (!Number.isInteger(hop) || hop < 1 || hop > nFft) {
      throw new RangeError(`STFT hop must be an integer in [1, nFft=${nFft}], got ${hop}`);
    }
    this.fft = realFft(nFft);
    this.nFft = nFft;
    this.hop = hop;
    this.bins = nFft / 2 + 1;
    this.window = periodicHann(nFft);
  }

  /** Empty spectrogram with room for `frames` frames. */
  allocate(frames: number): Spectrogram {
    return { frames, bins: this.bins, re: new Float32Array(frames * this.bins), im: new Float32Array(frames * this.bins) };
  }

  /** Centred STFT of `signal` (N ≥ 1 samples) into `out` (allocated when absent or of the wrong size). */
  forward(signal: FloatArray, out?: Spectrogram): Spectrogram {
    const n = signal.length;
    if (n < 1) throw new RangeError('STFT of an empty signal');
    const { hop, bins, window } = this;
    const frames = stftFrameCount(n, hop);
    const spec = out && out.frames === frames && out.bins === bins ? out : this.allocate(frames);
    const padded = this.reflectPad(signal);
    for (let t = 0; t < frames; t++) this.fft.forwardWindowed(padded, t * hop, window, spec.re, spec.im, t * bins);
    return spec;
  }

  /** Inverse STFT by windowed overlap-add divided by the summed squared window; `lengthSamples` of output, zero beyond the last frame. */
  inverse(spec: Spectrogram, lengthSamples: number, out?: Float32Array): Float32Array {
    const { nFft, hop, bins, window } = this;
    if (spec.bins !== bins) throw new RangeError(`iSTFT expects ${bins} bins per frame, got ${spec.bins}`);
    const result = out && out.length === lengthSamples ? out : new Float32Array(lengthSamples);
    const olaLength = (spec.frames - 1) * hop + nFft;
    if (this.overlap.length < olaLength) this.overlap = new Float64Array(olaLength);
    const ola = this.overlap;
    ola.fill(0, 0, olaLength);
    for (let t = 0; t < spec.frames; t++) this.fft.inverseWindowedAdd(spec.re, spec.im, t * bins, window, ola, t * hop);
    const envelope = this.windowEnvelope(spec.frames);
    const half = nFft / 2;
    const available = Math.min(lengthSamples, olaLength - half);
    for (let i = 0; i < available; i++) {
      const e = envelope[i + half]!;
      result[i] = e > ENVELOPE_EPSILON ? ola[i + half]! / e : ola[i + half]!;
    }
    result.fill(0, Math.max(0, available));
    return result;
  }

  private reflectPad(signal: FloatArray): Float64Array {
    const n = signal.length;
    const half = this.nFft / 2;
    const length = n + this.nFft;
    if (this.padded.length !== length) this.padded = new Float64Array(length);
    const padded = this.padded;
    for (let i = 0; i < n; i++) padded[half + i] = signal[i]!;
    for (let i = 0; i < half; i++) {
      padded[i] = signal[reflectIndex(i - half, n)]!;
      padded[half + n + i] = signal[reflectIndex(n + i, n)]!;
    }
    return padded;
  }

  /** Σ_t w²[i − t·hop], cached for the last frame count (Griffin-Lim reuses it every iteration). */
  private windowEnvelope(frames: number): Float64Array {
    if (frames === this.envelopeFrames) return this.envelope;
    const { nFft, hop, window } = this;
    const envelope = new Float64Array((frames - 1) * hop + nFft);
    for (let t = 0; t < frames; t++) {
      for (let i = 0; i < nFft; i++) envelope[t * hop + i] += window[i]! * window[i]!;
    }
    this.envelope = envelope;
    this.envelopeFrames = frames;
    return envelope;
  }
}

/** One-off centred STFT (see StftPlan for repeated use). */
export function stft(signal: FloatArray, nFft: number, hop: number): Spectrogram {
  return new StftPlan(nFft, hop).forward(signal);
}

/** One-off inverse of `stft`, trimmed or zero-padded to `lengthSamples`. */
export function istft(spec: Spectrogram, nFft: number, hop: number, lengthSamples: number): Float32Array {
  return new StftPlan(nFft, hop).inverse(spec, lengthSamples);
}
