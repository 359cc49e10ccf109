import { describe, expect, it } from 'vitest';
import { f1, matchOnsets, onsetF1, onsetTimes, runningMedian, shiftedOnsetF1 } from './onsets';
import { bursts, RATE } from './test-signals';

const EVENTS = [0.5, 1.1, 1.7, 2.4, 3.2];

describe('onsets (spec: 2048/480 flux, median + 0.1, 5 frames apart)', () => {
  it('finds every burst within ±50 ms and nothing else', () => {
    const found = onsetTimes(bursts(EVENTS, 4), RATE);
    expect(found).toHaveLength(EVENTS.length);
    found.forEach((t, i) => expect(Math.abs(t - EVENTS[i]!)).toBeLessThanOrEqual(0.05));
  });

  it('scores F1 1 for the same events in other noise, 0 when shifted by 100 ms', () => {
    const reference = bursts(EVENTS, 4, 1);
    expect(onsetF1(reference, bursts(EVENTS, 4, 2), RATE)).toBe(1);
    expect(onsetF1(reference, bursts(EVENTS.map((t) => t + 0.1), 4, 2), RATE)).toBe(0);
  });

  it('has no onsets in silence or a steady tone; F1 is 1 when both sides have none, 0 when one has', () => {
    const silence = [new Float32Array(3 * RATE), new Float32Array(3 * RATE)];
    expect(onsetTimes(silence, RATE)).toEqual([]);
    expect(onsetF1(silence, silence, RATE)).toBe(1);
    expect(onsetF1(silence, bursts(EVENTS, 3), RATE)).toBe(0);
    expect(onsetF1(bursts(EVENTS, 3), silence, RATE)).toBe(0);
  });

  it('matches one to one and respects the tolerance', () => {
    expect(matchOnsets([0.5, 0.51], [0.5])).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 0 });
    expect(matchOnsets([0.56], [0.5])).toEqual({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
    expect(f1(matchOnsets([0.5, 1, 2], [0.52, 1.5]))).toBeCloseTo((2 * 1) / (2 + 2 + 1), 12);
  });

  it('takes a running median over the samples that exist near the ends', () => {
    expect(Array.from(runningMedian(Float64Array.from([5, 1, 3, 9, 7]), 3))).toEqual([3, 3, 3, 7, 8]);
  });

  it('scores the same onsets moved out of time: low for onsets in time with irregular events, equal for a steady pulse', () => {
    // In time with irregular events: F1 1, moved by a fifth of the clip at a time almost nothing matches.
    expect(f1(matchOnsets(EVENTS, EVENTS))).toBe(1);
    expect(shiftedOnsetF1(EVENTS, EVENTS, 4)).toBeLessThan(0.3);
    // A pulse every 0.4 s over 4 s lands on itself under every shift (multiples of 0.8 s): onset F1 cannot see a
    // steady pulse's timing, and the moved score says so by equalling it.
    const pulse = Array.from({ length: 10 }, (_, k) => 0.2 + 0.4 * k);
    expect(shiftedOnsetF1(pulse, pulse, 4)).toBeCloseTo(1, 9);
    expect(() => shiftedOnsetF1(EVENTS, EVENTS, 0)).toThrow(RangeError);
  });
});
