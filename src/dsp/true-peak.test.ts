import { describe, expect, it } from 'vitest';
import { TruePeakState, limitTruePeak, truePeakDbtp, truePeakEnvelope, truePeakLimiterGain, truePeakPerChannel } from './true-peak';

function sine(length: number, cyclesPerSample: number, amplitude: number, phaseRad: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => amplitude * Math.sin(2 * Math.PI * cyclesPerSample * i + phaseRad));
}

describe('true peak', () => {
  it('finds the inter-sample peak a sample-peak meter misses (fs/4 at 45°: samples at 0.707)', () => {
    const x = sine(4800, 0.25, 1, Math.PI / 4);
    let samplePeak = 0;
    for (const v of x) samplePeak = Math.max(samplePeak, Math.abs(v));
    expect(20 * Math.log10(samplePeak)).toBeCloseTo(-3.01, 1);
    expect(truePeakDbtp([x])).toBeGreaterThan(-0.2);
    expect(truePeakDbtp([x])).toBeLessThan(0.2);
  });

  it('never reports less than the sample peak and handles DC, silence and empty input', () => {
    // A step from silence to DC overshoots when reconstructed (Gibbs), so only the lower bound is exact.
    const dc = truePeakDbtp([new Float32Array(100).fill(0.25)]);
    expect(dc).toBeGreaterThanOrEqual(20 * Math.log10(0.25));
    expect(dc).toBeLessThan(20 * Math.log10(0.25) + 1.5);
    expect(truePeakDbtp([new Float32Array(100)])).toBe(-Infinity);
    expect(truePeakDbtp([new Float32Array(0)])).toBe(-Infinity);
    expect(truePeakDbtp([])).toBe(-Infinity);
    expect(truePeakDbtp([Float32Array.of(0.5)])).toBeGreaterThanOrEqual(20 * Math.log10(0.5));
  });

  it('gives the same result streamed in odd-sized chunks as in one piece', () => {
    const x = Float32Array.from({ length: 10007 }, (_, i) => Math.sin(i * 1.3) * Math.exp(-i / 3000));
    const state = new TruePeakState();
    for (let from = 0; from < x.length; from += 7) state.process(x, from, Math.min(x.length, from + 7));
    expect(state.peakWithTail()).toBeCloseTo(truePeakPerChannel([x])[0], 12);
  });

  it('treats NaN and ±Infinity as silence', () => {
    const x = sine(1000, 0.01, 0.5, 0);
    x[10] = Number.NaN;
    x[500] = Infinity;
    x[700] = -Infinity;
    const peak = truePeakDbtp([x]);
    expect(peak).toBeGreaterThan(-6.1);
    expect(peak).toBeLessThan(-5.9);
  });

  it('envelope bounds every sample and reaches the true peak', () => {
    const x = sine(4800, 0.25, 0.5, Math.PI / 4);
    const env = truePeakEnvelope(x);
    let max = 0;
    for (let i = 0; i < x.length; i++) {
      expect(env[i]).toBeGreaterThanOrEqual(Math.abs(x[i]));
      max = Math.max(max, env[i]);
    }
    expect(max).toBeCloseTo(truePeakPerChannel([x])[0], 6);
  });
});

describe('true-peak limiter', () => {
  const sampleRate = 48000;
  const burst = Float32Array.from({ length: sampleRate }, (_, n) => Math.sin(n * 0.3) * (n > 20000 && n < 21000 ? 1.5 : 0.2));

  it('holds the ceiling and leaves audio far from the peak untouched', () => {
    const [out] = limitTruePeak([burst], sampleRate, { ceilingDbtp: -1 });
    expect(truePeakDbtp([out])).toBeLessThanOrEqual(-1 + 1e-6);
    expect(out[5000]).toBe(burst[5000]);
    expect(Math.abs(out[47000] / burst[47000] - 1)).toBeLessThan(0.01); // recovered after the 80 ms release
  });

  it('ramps the gain smoothly (no steps) and starts before the peak', () => {
    const gain = truePeakLimiterGain([burst], sampleRate, { ceilingDbtp: -1, lookAheadSec: 0.005 });
    let largestStep = 0;
    for (let i = 1; i < gain.length; i++) largestStep = Math.max(largestStep, Math.abs(gain[i] - gain[i - 1]));
    const depth = 1 - Math.min(...gain);
    expect(largestStep).toBeLessThanOrEqual(depth / 480 + 1e-6); // a linear ramp over 2 × 5 ms
    expect(gain[20000 - 200]).toBeLessThan(1);
    for (const g of gain) expect(g).toBeLessThanOrEqual(1);
  });
});
