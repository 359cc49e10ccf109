import { describe, expect, it } from 'vitest';
import { DEFAULT_SPECTROGRAM, logBandTable, PooledSpectrogram, spectrogram, spectrogramFrames, spectrogramFrameSpan, type SpectrogramParams } from './spectrogram';

const P: SpectrogramParams = { ...DEFAULT_SPECTROGRAM };

function sine(frequencyHz: number, amplitude: number, lengthSamples: number): Float32Array {
  return Float32Array.from({ length: lengthSamples }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / P.sampleRate));
}

function bandOf(frequencyHz: number): number {
  return Math.floor(Math.log(frequencyHz / P.fminHz) / Math.log((P.fmaxHz / P.fminHz) ** (1 / P.bands)));
}

describe('logBandTable', () => {
  it('covers the spectrum with ascending, non-empty bands', () => {
    const { firstBin, lastBin } = logBandTable(P);
    for (let b = 0; b < P.bands; b++) {
      expect(lastBin[b]!).toBeGreaterThanOrEqual(firstBin[b]!);
      if (b > 0) expect(firstBin[b]!).toBeGreaterThanOrEqual(firstBin[b - 1]!);
    }
    expect(lastBin[P.bands - 1]!).toBe(Math.floor(P.fmaxHz / (P.sampleRate / P.nFft)));
  });

  it('rejects bad parameters', () => {
    expect(() => logBandTable({ ...P, nFft: 4096 })).toThrow(/nFft/);
    expect(() => logBandTable({ ...P, fminHz: 0 })).toThrow(/fminHz/);
    expect(() => logBandTable({ ...P, minDb: 0 })).toThrow(/minDb/);
  });
});

describe('spectrogram', () => {
  it('puts a full-scale sine at 0 dB (value 1) in its band and −40 dB sines at 0.6', () => {
    for (const hz of [250, 1000, 5000]) {
      const loud = spectrogram(sine(hz, 1, 16_384), P);
      const quiet = spectrogram(sine(hz, 0.01, 16_384), P);
      const t = 10;
      const row = loud.data.subarray(t * P.bands, (t + 1) * P.bands);
      const peakBand = row.indexOf(Math.max(...row));
      expect(Math.abs(peakBand - bandOf(hz))).toBeLessThanOrEqual(1);
      // Between bins a Hann peak loses up to 1.4 dB (scalloping).
      expect(row[peakBand]!).toBeGreaterThan(0.985);
      expect(row[peakBand]!).toBeLessThanOrEqual(1);
      expect(quiet.data[t * P.bands + peakBand]!).toBeCloseTo(row[peakBand]! - 0.4, 2);
      // Two octaves below, only Hann side lobes remain: at least 50 dB down.
      expect(row[bandOf(hz / 4)]!).toBeLessThan(0.5);
    }
  });

  it('maps silence to 0 and gives floor(N / hop) + 1 frames', () => {
    const image = spectrogram(new Float32Array(5000), P);
    expect(image.frames).toBe(Math.floor(5000 / P.hop) + 1);
    expect(image.data.every((v) => v === 0)).toBe(true);
  });

  it('computes the same frames in slices as in one go', () => {
    const x = sine(700, 0.5, 20_000).map((v, i) => v * (i % 3000 < 1500 ? 1 : 0.1));
    const whole = spectrogram(x, P);
    const sliced = new Float32Array(whole.data.length);
    const table = logBandTable(P);
    for (let t = 0; t < whole.frames; t += 7) spectrogramFrames(x, P, table, t, Math.min(7, whole.frames - t), sliced);
    expect(sliced).toEqual(whole.data);
  });

  it('computes the same frames from parts of the signal (each only its frames\' span) as from the whole', () => {
    const x = sine(700, 0.5, 20_000).map((v, i) => v * (i % 3000 < 1500 ? 1 : 0.1));
    const whole = spectrogram(x, P);
    const parted = new Float32Array(whole.data.length).fill(-1);
    const table = logBandTable(P);
    for (let t = 0; t < whole.frames; t += 9) {
      const count = Math.min(9, whole.frames - t);
      const { start, end } = spectrogramFrameSpan(t, count, P, x.length);
      expect(end - start).toBeLessThanOrEqual((count - 1) * P.hop + P.nFft);
      spectrogramFrames(x.slice(start, end), P, table, t, count, parted, start);
    }
    expect(parted).toEqual(whole.data);
  });
});

describe('PooledSpectrogram', () => {
  const frames = 10;
  const bands = 2;
  // Frame t has bands [t, 10 − t] / 10.
  const part = (first: number, count: number) => Float32Array.from({ length: count * bands }, (_, i) => (i % 2 === 0 ? first + (i >> 1) : frames - first - (i >> 1)) / 10);

  it('keeps a row per frame without columns, however the frames are split', () => {
    const image = new PooledSpectrogram(frames, bands);
    image.add(part(0, 4), 0, 4);
    image.add(part(4, 6), 4, 6);
    expect(image.image().data).toEqual(part(0, 10));
  });

  it('max-pools equal groups of consecutive frames into the columns, across part boundaries', () => {
    const image = new PooledSpectrogram(frames, bands, 4);
    for (let first = 0; first < frames; first += 3) image.add(part(first, Math.min(3, frames - first)), first, Math.min(3, frames - first));
    // Groups floor(t · 4 / 10): {0,1,2} {3,4} {5,6,7} {8,9}.
    expect(Array.from(image.image().data, (v) => Math.round(v * 10))).toEqual([2, 10, 4, 7, 7, 5, 9, 2]);
    expect(image.image().frames).toBe(4);
    expect(() => new PooledSpectrogram(frames, bands, 0)).toThrow('columns must be a positive integer');
  });
});
