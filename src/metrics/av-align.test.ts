import { describe, expect, it } from 'vitest';
import { avAlign, motionEnergyCurve, motionPeakTimes } from './av-align';

const FPS = 25;

/** Motion with a spike at each given frame step over a small steady level. */
function spikes(steps: number[], count = 100): Float64Array {
  const motion = new Float64Array(count).fill(0.01);
  for (const k of steps) motion[k] = 0.2;
  return motion;
}

describe('AV-Align', () => {
  const steps = [10, 40, 70];
  const video = { fps: FPS, motion: spikes(steps) };
  const peakTimes = steps.map((k) => (k + 1) / FPS);

  it('places motion peaks at (k + 1) / fps and finds none in constant motion', () => {
    expect(motionPeakTimes(video)).toEqual(peakTimes);
    expect(motionPeakTimes({ fps: FPS, motion: new Float64Array(50).fill(0.3) })).toEqual([]);
  });

  it('is 1 for onsets on the peaks (within a frame), 0 when they are 100 ms off, 1 when both are empty', () => {
    expect(avAlign(peakTimes.map((t) => t + 0.03), video)).toBe(1);
    expect(avAlign(peakTimes.map((t) => t + 0.1), video)).toBe(0);
    expect(avAlign([], { fps: FPS, motion: new Float64Array(50) })).toBe(1);
  });

  it('counts the union: 2 of 3 peaks hit plus one stray onset is 2 / (3 + 3 − 2)', () => {
    expect(avAlign([peakTimes[0]!, peakTimes[1]!, 3.5], video)).toBeCloseTo(0.5, 12);
  });
});

describe('motion-energy curve', () => {
  it('is log(1 s moving average + 1e-4) read at k/6 + 0.2 s', () => {
    const motion = Float64Array.from({ length: 100 }, (_, k) => (k < 50 ? 0 : 0.5));
    const curve = motionEnergyCurve({ fps: FPS, motion }, 18);
    expect(curve).toHaveLength(18);
    expect(curve[0]).toBeCloseTo(Math.log(1e-4), 9);
    expect(curve[17]).toBeCloseTo(Math.log(0.5 + 1e-4), 9);
    for (let k = 1; k < 18; k++) expect(curve[k]).toBeGreaterThanOrEqual(curve[k - 1]!);
  });
});
