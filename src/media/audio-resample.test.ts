import { describe, expect, it } from 'vitest';
import { resampleChannel } from './audio-resample';

function tone(frequencyHz: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * frequencyHz * i) / rate));
}

function rms(x: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! ** 2;
  return Math.sqrt(sum / (to - from));
}

describe('resampleChannel', () => {
  it('keeps a 1 kHz tone (amplitude and phase) from 44.1 and 48 kHz to 16 kHz', () => {
    for (const rate of [44_100, 48_000]) {
      const out = resampleChannel(tone(1000, rate, 1), rate, 16_000);
      expect(out).toHaveLength(16_000);
      const expected = tone(1000, 16_000, 1);
      let worst = 0;
      for (let i = 1000; i < 15_000; i++) worst = Math.max(worst, Math.abs(out[i]! - expected[i]!));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('removes what the lower rate cannot hold: a 12 kHz tone at 48 kHz leaves < −60 dB at 16 kHz (no alias at 4 kHz)', () => {
    const out = resampleChannel(tone(12_000, 48_000, 1), 48_000, 16_000);
    expect(rms(out, 1000, 15_000)).toBeLessThan(1e-3);
  });

  it('upsamples 16 → 48 kHz keeping the tone', () => {
    const out = resampleChannel(tone(440, 16_000, 0.5), 16_000, 48_000);
    expect(out).toHaveLength(24_000);
    expect(rms(out, 3000, 21_000)).toBeCloseTo(Math.SQRT1_2, 2);
  });
});
