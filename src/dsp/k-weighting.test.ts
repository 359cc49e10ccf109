import { describe, expect, it } from 'vitest';
import { KWeightingState, kWeightedBlockEnergies, kWeightingFilter, kWeightingGainDb, type Biquad } from './k-weighting';
import { readTrainingFixture } from './training-fixture';

/** ITU-R BS.1770-4 Tables 1 and 2: the published 48 kHz coefficients. */
const PUBLISHED_48K = {
  shelf: { b0: 1.53512485958697, b1: -2.69169618940638, b2: 1.19839281085285, a1: -1.69065929318241, a2: 0.73248077421585 },
  highPass: { b0: 1, b1: -2, b2: 1, a1: -1.99004745483398, a2: 0.99007225036621 },
};

describe('kWeightingFilter', () => {
  it('reproduces the published 48 kHz coefficients from the analog prototypes', () => {
    const f = kWeightingFilter(48000);
    for (const stage of ['shelf', 'highPass'] as const) {
      for (const key of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) {
        expect(Math.abs(f[stage][key] - PUBLISHED_48K[stage][key])).toBeLessThan(1e-8);
      }
    }
  });

  it('has the 48 kHz response at other rates (bilinear warping only near Nyquist: ≤ 0.25 dB at 8 kHz)', () => {
    const reference = kWeightingFilter(48000);
    const cases: [number, number][] = [[8000, 0.25], [22050, 0.04], [44100, 0.005], [96000, 0.01], [192000, 0.01]];
    for (const [sampleRate, toleranceDb] of cases) {
      const f = kWeightingFilter(sampleRate);
      for (const hz of [20, 38, 100, 1000, 1500, 3000]) {
        if (hz > sampleRate * 0.4) continue;
        expect(Math.abs(kWeightingGainDb(f, hz, sampleRate) - kWeightingGainDb(reference, hz, 48000))).toBeLessThan(toleranceDb);
      }
    }
  });

  it('is ≈ +0.69 dB at 1 kHz (why BS.1770 subtracts 0.691), ≈ +4 dB at 10 kHz and cuts DC', () => {
    const f = kWeightingFilter(48000);
    expect(kWeightingGainDb(f, 997, 48000)).toBeCloseTo(0.691, 2);
    expect(kWeightingGainDb(f, 10000, 48000)).toBeGreaterThan(3.9);
    expect(kWeightingGainDb(f, 5, 48000)).toBeLessThan(-30);
  });

  it('is the biquads of training/foley/loudness.py at 16, 44.1 and 48 kHz (k-weighting.json)', () => {
    type Row = [b0: number, b1: number, b2: number, a1: number, a2: number];
    const fixture = readTrainingFixture<{ filters: { sampleRate: number; shelf: Row; highPass: Row }[] }>('k-weighting.json');
    const row = (b: Biquad): Row => [b.b0, b.b1, b.b2, b.a1, b.a2];
    expect(fixture.filters.map((f) => f.sampleRate)).toEqual([16000, 44100, 48000]);
    for (const { sampleRate, shelf, highPass } of fixture.filters) {
      const f = kWeightingFilter(sampleRate);
      // The same float64 formulas: equal to the last bits (measured ≤ 4e-16); 1e-13 fails on any changed constant.
      row(f.shelf).forEach((v, i) => expect(Math.abs(v - shelf[i]!), `${sampleRate} Hz shelf[${i}]`).toBeLessThan(1e-13));
      row(f.highPass).forEach((v, i) => expect(Math.abs(v - highPass[i]!), `${sampleRate} Hz highPass[${i}]`).toBeLessThan(1e-13));
    }
  });

  it('refuses rates where the shelf would sit above Nyquist', () => {
    expect(() => kWeightingFilter(3000)).toThrow(RangeError);
    expect(() => kWeightingFilter(Number.NaN)).toThrow(RangeError);
  });
});

describe('KWeightingState', () => {
  it('treats NaN and ±Infinity as silence and counts them', () => {
    const state = new KWeightingState(kWeightingFilter(48000));
    const input = Float32Array.from([0.5, Number.NaN, Infinity, -Infinity, 0.5]);
    const energy = new Float64Array(input.length);
    state.accumulateEnergy(input, 0, input.length, 1, energy);
    expect(state.nonFiniteSamples).toBe(3);
    expect(energy.every(Number.isFinite)).toBe(true);
  });
});

describe('kWeightedBlockEnergies', () => {
  it('gives the mean square per complete 100 ms block, consistent with the loudness formula', () => {
    const sampleRate = 44100;
    const x = Float32Array.from({ length: 2 * sampleRate + 100 }, (_, n) => 10 ** (-23 / 20) * Math.sin((2 * Math.PI * 1000 * n) / sampleRate));
    const [left, right] = kWeightedBlockEnergies([x, x], sampleRate);
    expect(left.length).toBe(20);
    expect(-0.691 + 10 * Math.log10(left[10] + right[10])).toBeCloseTo(-23, 1);
    expect(kWeightedBlockEnergies([new Float32Array(100)], sampleRate)[0].length).toBe(0);
  });
});
