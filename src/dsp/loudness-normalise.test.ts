import { describe, expect, it, vi } from 'vitest';
import { measureLoudness } from './loudness-meter';
import { LOUDNESS_TARGETS_LUFS, normaliseLoudness } from './loudness-normalise';

vi.setConfig({ testTimeout: 120_000 });

function noiseBursts(durationSec: number, sampleRate: number, seed: number): Float32Array {
  let state = seed;
  const random = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Float32Array.from({ length: durationSec * sampleRate }, (_, n) => random() * 0.05 * (1 + 20 * Math.exp(-((n / sampleRate) % 1) * 8)));
}

describe('normaliseLoudness', () => {
  const sampleRate = 48000;
  const audio = [noiseBursts(8, sampleRate, 1), noiseBursts(8, sampleRate, 2)];

  it.each(Object.entries(LOUDNESS_TARGETS_LUFS))('reaches %s (%i LUFS) within 0.1 LU with true peak ≤ −1 dBTP', (_name, targetLufs) => {
    const result = normaliseLoudness(audio, sampleRate, { targetLufs });
    const measured = measureLoudness(result.channels, sampleRate);
    expect(Math.abs(measured.integrated - targetLufs)).toBeLessThanOrEqual(0.1);
    expect(measured.truePeak).toBeLessThanOrEqual(-1 + 1e-6);
    expect(result.integratedAfterLufs).toBeCloseTo(measured.integrated, 6);
  });

  it('limits only when needed, and reduce-gain mode never limits', () => {
    expect(normaliseLoudness(audio, sampleRate, { targetLufs: -30 }).limited).toBe(false);
    expect(normaliseLoudness(audio, sampleRate, { targetLufs: -8 }).limited).toBe(true);
    const safe = normaliseLoudness(audio, sampleRate, { targetLufs: -8, truePeakMode: 'reduce-gain' });
    expect(safe.truePeakAfterDbtp).toBeCloseTo(-1, 2);
    expect(safe.integratedAfterLufs).toBeLessThan(-8.5);
  });

  it('honours a custom ceiling', () => {
    const result = normaliseLoudness(audio, sampleRate, { targetLufs: -14, truePeakCeilingDbtp: -3 });
    expect(measureLoudness(result.channels, sampleRate).truePeak).toBeLessThanOrEqual(-3 + 1e-6);
  });

  it('leaves silence, empty and too-short audio unchanged and scrubs non-finite samples', () => {
    for (const channels of [[new Float32Array(48000)], [new Float32Array(0)], [Float32Array.of(0.3)], []]) {
      const result = normaliseLoudness(channels, sampleRate, { targetLufs: -23 });
      expect(result.gainDb).toBe(0);
      expect(result.channels.length).toBe(channels.length);
    }
    const withNaN = audio[0].slice();
    withNaN[100] = Number.NaN;
    const result = normaliseLoudness([withNaN], sampleRate, { targetLufs: -23 });
    expect(result.channels[0].every(Number.isFinite)).toBe(true);
    expect(() => normaliseLoudness(audio, sampleRate, { targetLufs: Number.NaN })).toThrow(RangeError);
  });
});
