/**
 * Display spectrogram for the timeline lane: centred Hann-windowed frames (zero outside the signal), power
 * spectrum, log-spaced frequency bands, dB, mapped to [0, 1] for a colour map. This is the CPU reference of
 * shaders/stft-spectrogram.wgsl; both take their band layout from `logBandTable` so they cannot drift apart.
 */

import { realFft } from './fft';
import { periodicHann } from './stft';

export interface SpectrogramParams {
  sampleRate: number;
  /** Power of two, 16…2048 (the GPU kernel keeps one frame in 16 KiB of workgroup memory). */
  nFft: number;
  hop: number;
  /** Log-frequency rows, lowest frequency first. */
  bands: number;
  fminHz: number;
  fmaxHz: number;
  /** dB relative to a full-scale sine that maps to 0 and 1. */
  minDb: number;
  maxDb: number;
}

export const DEFAULT_SPECTROGRAM: Readonly<SpectrogramParams> = Object.freeze({
  sampleRate: 44_100,
  nFft: 1024,
  hop: 512,
  bands: 128,
  fminHz: 40,
  fmaxHz: 20_000,
  minDb: -100,
  maxDb: 0,
});

export const MAX_SPECTROGRAM_FFT = 2048;

export interface SpectrogramImage {
  frames: number;
  bands: number;
  /** Row-major [frames × bands], values in [0, 1]. */
  data: Float32Array;
}

/** Band b takes the largest power over bins firstBin[b]..lastBin[b] (inclusive): peaks stay visible at any zoom. */
export interface LogBandTable {
  firstBin: Uint32Array;
  lastBin: Uint32Array;
}

export function validateSpectrogramParams(p: SpectrogramParams): void {
  const problems: string[] = [];
  if (!Number.isInteger(p.nFft) || p.nFft < 16 || p.nFft > MAX_SPECTROGRAM_FFT || (p.nFft & (p.nFft - 1)) !== 0) {
    problems.push(`nFft must be a power of two in [16, ${MAX_SPECTROGRAM_FFT}] (got ${p.nFft})`);
  }
  if (!Number.isInteger(p.hop) || p.hop < 1) problems.push(`hop must be a positive integer (got ${p.hop})`);
  if (!Number.isInteger(p.bands) || p.bands < 1) problems.push(`bands must be a positive integer (got ${p.bands})`);
  if (!(p.sampleRate > 0)) problems.push(`sampleRate must be > 0 (got ${p.sampleRate})`);
  if (!(p.fminHz > 0 && p.fmaxHz > p.fminHz)) problems.push(`need 0 < fminHz < fmaxHz (got ${p.fminHz}, ${p.fmaxHz})`);
  if (!(p.maxDb > p.minDb)) problems.push(`need minDb < maxDb (got ${p.minDb}, ${p.maxDb})`);
  if (problems.length > 0) throw new RangeError(`Bad spectrogram parameters: ${problems.join('; ')}`);
}

/** Band edges fminHz·r^b with r = (fmaxHz/fminHz)^(1/bands); a band narrower than a bin takes the bin nearest its centre. */
export function logBandTable(p: SpectrogramParams): LogBandTable {
  validateSpectrogramParams(p);
  const binHz = p.sampleRate / p.nFft;
  const lastBinIndex = p.nFft / 2;
  const ratio = (p.fmaxHz / p.fminHz) ** (1 / p.bands);
  const firstBin = new Uint32Array(p.bands);
  const lastBin = new Uint32Array(p.bands);
  for (let b = 0; b < p.bands; b++) {
    const loHz = p.fminHz * ratio ** b;
    const hiHz = loHz * ratio;
    let first = Math.ceil(loHz / binHz);
    let last = Math.floor(hiHz / binHz);
    if (last < first) first = last = Math.round(Math.sqrt(loHz * hiHz) / binHz);
    firstBin[b] = Math.min(first, lastBinIndex);
    lastBin[b] = Math.min(last, lastBinIndex);
  }
  return { firstBin, lastBin };
}

export function spectrogramFrameCount(lengthSamples: number, hop: number): number {
  return Math.floor(lengthSamples / hop) + 1;
}

/** Power of a full-scale sine's peak bin under a Hann window of n points: (n/4)², the 0 dB reference. */
export function fullScalePower(nFft: number): number {
  return (nFft / 4) ** 2;
}

/** Maps power to [0, 1]: 10·log10(power / fullScale) from minDb..maxDb; the 1e-20 keeps log10 finite on silence. */
export function powerToUnit(power: number, reference: number, minDb: number, maxDb: number): number {
  const db = 10 * Math.log10(power / reference + 1e-20);
  return Math.min(1, Math.max(0, (db - minDb) / (maxDb - minDb)));
}

/** The whole image at once (see `spectrogramFrames` to compute it in slices). */
export function spectrogram(samples: Float32Array, p: SpectrogramParams): SpectrogramImage {
  const frames = spectrogramFrameCount(samples.length, p.hop);
  const image = { frames, bands: p.bands, data: new Float32Array(frames * p.bands) };
  spectrogramFrames(samples, p, logBandTable(p), 0, frames, image.data);
  return image;
}

/** Samples [start, end) of a signal of `lengthSamples` that frames [firstFrame, firstFrame + frameCount) read: t·hop ± nFft/2. */
export function spectrogramFrameSpan(firstFrame: number, frameCount: number, p: Pick<SpectrogramParams, 'nFft' | 'hop'>, lengthSamples: number): { start: number; end: number } {
  const half = p.nFft / 2;
  return { start: Math.max(0, firstFrame * p.hop - half), end: Math.max(0, Math.min(lengthSamples, (firstFrame + frameCount - 1) * p.hop + half)) };
}

/**
 * Frames [firstFrame, firstFrame + frameCount) into `out` rows starting at firstFrame (row-major [frames × bands]).
 * `samples[i]` is sample `sampleOffset + i` of the signal and everything outside them reads as zero, so a part of a
 * long signal gives the same frames as the whole when it covers their spectrogramFrameSpan. Frame t goes to row
 * t − outFirstFrame of `out`.
 */
export function spectrogramFrames(samples: Float32Array, p: SpectrogramParams, table: LogBandTable, firstFrame: number, frameCount: number, out: Float32Array, sampleOffset = 0, outFirstFrame = 0): void {
  const { nFft, hop, bands } = p;
  const fft = realFft(nFft);
  const window = periodicHann(nFft);
  const edge = new Float64Array(nFft);
  const re = new Float64Array(fft.bins);
  const im = new Float64Array(fft.bins);
  const reference = fullScalePower(nFft);
  const half = nFft / 2;
  for (let t = firstFrame; t < firstFrame + frameCount; t++) {
    const start = t * hop - half - sampleOffset;
    if (start >= 0 && start + nFft <= samples.length) fft.forwardWindowed(samples, start, window, re, im, 0);
    else {
      // Frames overhanging either end see zeros there.
      for (let i = 0; i < nFft; i++) edge[i] = start + i >= 0 && start + i < samples.length ? samples[start + i]! : 0;
      fft.forwardWindowed(edge, 0, window, re, im, 0);
    }
    for (let b = 0; b < bands; b++) {
      let peak = 0;
      for (let k = table.firstBin[b]!; k <= table.lastBin[b]!; k++) peak = Math.max(peak, re[k]! * re[k]! + im[k]! * im[k]!);
      out[(t - outFirstFrame) * bands + b] = powerToUnit(peak, reference, p.minDb, p.maxDb);
    }
  }
}

/**
 * An image being filled a part at a time: frame rows as they are, or max-pooled into at most `columns` rows (equal
 * groups of consecutive frames), so a picture as wide as the screen still shows every loud frame.
 */
export class PooledSpectrogram {
  readonly rows: number;
  readonly data: Float32Array;

  constructor(
    private readonly frames: number,
    readonly bands: number,
    columns = frames,
  ) {
    if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer (got ${columns})`);
    this.rows = Math.min(frames, columns);
    this.data = new Float32Array(this.rows * bands);
  }

  /** Frames [firstFrame, firstFrame + count), rows of `part` ([count × bands]). */
  add(part: Float32Array, firstFrame: number, count: number): void {
    const { bands } = this;
    if (this.rows === this.frames) return this.data.set(part.subarray(0, count * bands), firstFrame * bands);
    for (let i = 0; i < count; i++) {
      const row = Math.floor(((firstFrame + i) * this.rows) / this.frames) * bands;
      for (let b = 0; b < bands; b++) this.data[row + b] = Math.max(this.data[row + b]!, part[i * bands + b]!);
    }
  }

  image(): SpectrogramImage {
    return { frames: this.rows, bands: this.bands, data: this.data };
  }
}
