import { describe, expect, it } from 'vitest';
import { loudnessCorrelation, loudnessCurve, pearson } from './loudness-correlation';
import { RATE, sine } from './test-signals';

describe('loudness-curve correlation', () => {
  it('reads a full-scale 1 kHz stereo sine as 0 LUFS (BS.1770 calibration) in every 400 ms window', () => {
    const tone = sine(1000, 2);
    const curve = loudnessCurve([tone, tone], RATE);
    // Windows start every 1/6 s and need 400 ms: floor((2 − 0.4)·6) + 1 of them.
    expect(curve).toHaveLength(10);
    for (const v of curve) expect(v).toBeCloseTo(0, 1);
  });

  it('floors silence at 1e-12 of energy', () => {
    expect(loudnessCurve([new Float32Array(RATE)], RATE)[0]).toBeCloseTo(-0.691 - 120, 6);
  });

  it('is 1 for the same envelope on another pitch, −1 for the mirrored dB ramp, 0 against silence', () => {
    // Envelopes linear in dB (10 dB/s), so the falling curve is exactly the rising one negated plus a constant.
    const gain = (t: number): number => 0.01 * 10 ** (t / 2);
    const rising = sine(440, 4, gain);
    const risingHigh = sine(2000, 4, gain);
    const falling = sine(440, 4, (t) => gain(4 - t));
    expect(loudnessCorrelation([rising], [risingHigh], RATE)).toBeGreaterThan(0.999);
    expect(loudnessCorrelation([rising], [falling], RATE)).toBeLessThan(-0.99);
    expect(loudnessCorrelation([rising], [new Float32Array(4 * RATE)], RATE)).toBe(0);
  });

  it('correlates over the common length only', () => {
    expect(pearson([1, 2, 3, 100], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});
