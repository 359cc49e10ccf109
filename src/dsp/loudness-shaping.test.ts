import { describe, expect, it, vi } from 'vitest';
import { momentaryLoudnessCurve, type LoudnessCurve } from './loudness-curve';
import { renderGainDb, shapeLoudness } from './loudness-shaping';
import { truePeakDbtp } from './true-peak';

vi.setConfig({ testTimeout: 180_000 });

const sampleRate = 48000;
const durationSec = 8;
const length = sampleRate * durationSec;

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

const random = lcg(7);
const noise = Float32Array.from({ length }, () => random() * 0.5);
const tones = Float32Array.from({ length }, (_, n) => 0.3 * Math.sin((2 * Math.PI * 440 * n) / sampleRate) + 0.1 * Math.sin((2 * Math.PI * 1320 * n) / sampleRate));

/** Recorded-like Foley: impacts and footstep-like bursts (noise + a damped resonance, random decays) on a noise bed. */
function impacts(seed: number): Float32Array {
  const r = lcg(seed);
  const x = Float32Array.from({ length }, () => r() * 0.002);
  for (let event = 0; event < 11; event++) {
    const start = Math.floor((0.3 + event * 0.69 + (r() + 0.5) * 0.2) * sampleRate);
    const amplitude = 0.2 + 0.7 * (r() + 0.5);
    const decaySec = 0.03 + 0.15 * (r() + 0.5);
    const hz = 80 + 400 * (r() + 0.5);
    for (let i = 0; i < sampleRate && start + i < length; i++) {
      const envelope = amplitude * Math.exp(-i / (decaySec * sampleRate));
      x[start + i] += envelope * (1.2 * r() + 0.4 * Math.sin((2 * Math.PI * hz * i) / sampleRate));
    }
  }
  return x;
}

const foley = impacts(3);
const points = durationSec * 6;
/** A drawn-like target: slow swells between −40 and −20 LUFS, different per channel. */
const swell = (phase: number): Float32Array => Float32Array.from({ length: points }, (_, k) => -30 + 10 * Math.sin((2 * Math.PI * (k + 0.5)) / 18 + phase));
const curve = (channels: Float32Array[]): LoudnessCurve => ({ rate: 6, windowSec: 0.4, unit: 'LUFS', channels });
/** A reference-derived target: the curve of a different Foley take (fast attacks, decays, quiet gaps). */
const referenceCurve = momentaryLoudnessCurve([impacts(11), impacts(12)], sampleRate);

function meanAbsErrorAboveFloor(achieved: LoudnessCurve, target: LoudnessCurve): number {
  let sum = 0;
  let count = 0;
  target.channels.forEach((t, c) => {
    t.forEach((lufs, k) => {
      if (lufs <= -60) return;
      sum += Math.abs(achieved.channels[c][k] - lufs);
      count++;
    });
  });
  return sum / count;
}

describe('shapeLoudness acceptance: measured curve within 1.0 LU MAE of the target above −60 LUFS', () => {
  it.each([
    ['noise', noise, curve([swell(0), swell(1)])],
    ['tones', tones, curve([swell(0), swell(2)])],
    ['Foley-like impacts', foley, curve([swell(0), swell(1)])],
    ['noise → reference Foley curve', noise, referenceCurve],
    ['tones → reference Foley curve', tones, referenceCurve],
    ['Foley-like impacts → reference Foley curve', foley, referenceCurve],
    ['another Foley-like take → reference Foley curve', impacts(5), referenceCurve],
  ])('%s', (_name, source, target) => {
    const result = shapeLoudness([source, source.slice()], sampleRate, target);
    const achieved = momentaryLoudnessCurve(result.channels, sampleRate);
    const error = meanAbsErrorAboveFloor(achieved, target);
    expect(error).toBeLessThanOrEqual(1.0);
    expect(result.meanAbsErrorLu).toBeCloseTo(error, 4);
    expect(truePeakDbtp(result.channels)).toBeLessThanOrEqual(-1 + 1e-6);
  });
});

describe('shapeLoudness details', () => {
  it('renders gains continuously between point centres (no zipper steps)', () => {
    const gains = Float32Array.from([0, -30, 10]);
    const db = renderGainDb(gains, 6, 48000, 24000);
    let largestStepDb = 0;
    for (let n = 1; n < db.length; n++) largestStepDb = Math.max(largestStepDb, Math.abs(db[n] - db[n - 1]));
    expect(largestStepDb).toBeLessThanOrEqual(40 / 8000 + 1e-4); // the steepest segment spread over 1/6 s
    expect(db[4000]).toBeCloseTo(0, 2); // centre of point 0
    expect(db[12000]).toBeCloseTo(-30, 2); // centre of point 1
  });

  it('a mono target drives every channel; the limiter can be switched off', () => {
    const target = curve([Float32Array.from({ length: 18 }, () => -3)]);
    const short = noise.subarray(0, 3 * sampleRate);
    const limited = shapeLoudness([short, short], sampleRate, target);
    expect(truePeakDbtp(limited.channels)).toBeLessThanOrEqual(-1 + 1e-6);
    const free = shapeLoudness([short, short], sampleRate, target, { truePeakCeilingDbtp: null });
    expect(free.meanAbsErrorLu).toBeLessThan(0.2);
    expect(truePeakDbtp(free.channels)).toBeGreaterThan(-1);
  });

  it('survives silence, empty, one-sample and non-finite input', () => {
    const target = curve([swell(0)]);
    expect(shapeLoudness([new Float32Array(length)], sampleRate, target).channels[0].every((v) => v === 0)).toBe(true);
    expect(shapeLoudness([new Float32Array(0)], sampleRate, target).channels[0].length).toBe(0);
    expect(shapeLoudness([Float32Array.of(0.5)], sampleRate, target).channels[0].length).toBe(1);
    expect(shapeLoudness([], sampleRate, target).channels).toEqual([]);
    const broken = noise.slice();
    broken[10] = Number.NaN;
    broken[20] = Infinity;
    expect(shapeLoudness([broken], sampleRate, target).channels[0].every(Number.isFinite)).toBe(true);
  });
});
