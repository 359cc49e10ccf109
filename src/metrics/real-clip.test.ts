import { describe, expect, it } from 'vitest';
import { loopReference, motionEnergyR, referenceAvAlign, scoreClip, SCORE_SAMPLE_RATE, toStereo } from './real-clip';
import { bursts, RATE, sine } from './test-signals';

describe('real-clip scores', () => {
  const events = [0.4, 1.0, 1.6, 2.5, 3.3];
  const reference = bursts(events, 4, 1);

  it('gives the best scores to the same events in other noise, mono or stereo', () => {
    expect(SCORE_SAMPLE_RATE).toBe(RATE);
    const scores = scoreClip(reference, [bursts(events, 4, 2)[0]!]);
    expect(scores.onsetF1).toBe(1);
    expect(scores.loudnessR).toBeGreaterThan(0.9);
    expect(scores.avAlign).toBeNull();
    expect(scores.seconds).toBe(4);
  });

  it('scores a shorter candidate over the overlap, and refuses an overlap under 0.5 s', () => {
    const short = bursts(events.filter((t) => t < 2.5), 2.5, 2);
    const scores = scoreClip(reference, short);
    expect(scores.seconds).toBe(2.5);
    expect(scores.onsetF1).toBe(1);
    expect(() => scoreClip(reference, [new Float32Array(RATE / 4)])).toThrow(/only 0.25 s of audio overlap/);
  });

  it('AV-Align counts only the motion inside the overlap', () => {
    const fps = 20;
    const motion = new Float64Array(80).fill(0.01);
    for (const t of events) motion[Math.round(t * fps) - 1] = 0.3;
    const scores = scoreClip(reference, bursts(events.slice(0, 3), 2, 2), { fps, motion });
    expect(scores.avAlign).toBe(1);
  });

  it('loop-ref repeats the first 2 s to the full length', () => {
    const ramp = Float32Array.from({ length: 5 * RATE }, (_, i) => i);
    const [looped] = loopReference([ramp]);
    expect(looped).toHaveLength(5 * RATE);
    expect(looped![2 * RATE]).toBe(0);
    expect(looped![4 * RATE + 7]).toBe(7);
    expect(toStereo([ramp])).toEqual([ramp, ramp]);
  });

  it('the motion-energy baseline follows motion that tracks the loudness', () => {
    const fps = 25;
    // Quiet still first half, loud busy second half: the 1 s average keeps that slow shape.
    const swell = [sine(300, 6, (t) => (t < 3 ? 0.01 : 0.5))];
    const motion = Float64Array.from({ length: 149 }, (_, k) => ((k + 1) / fps < 3 ? 0.001 : 0.2));
    expect(motionEnergyR(swell, { fps, motion })).toBeGreaterThan(0.9);
    expect(motionEnergyR(reference, { fps, motion: new Float64Array(99).fill(0.1) })).toBe(0);
  });

  it("the reference's own AV-Align is its onsets against the motion peaks", () => {
    const fps = 20;
    const motion = new Float64Array(80).fill(0.01);
    for (const t of events.slice(0, 3)) motion[Math.round(t * fps) - 1] = 0.3;
    // Three of five onsets meet the three peaks: 3 / (5 + 3 − 3).
    expect(referenceAvAlign(reference, { fps, motion })).toBeCloseTo(3 / 5, 9);
    expect(referenceAvAlign(reference, { fps, motion })).toBe(scoreClip(reference, reference, { fps, motion }).avAlign);
  });
});
