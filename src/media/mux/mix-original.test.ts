import { describe, expect, it } from 'vitest';
import { matchChannelCount, mixOriginal, originalGainProblem } from './mix-original';

const constant = (value: number, length: number) => new Float32Array(length).fill(value);

describe('mixOriginal', () => {
  it('adds the original at the set level: −6.02 dB halves it', () => {
    const take = { sampleRate: 100, channels: [constant(0.1, 10), constant(0.2, 10)] };
    const original = { sampleRate: 100, channels: [constant(0.5, 10), constant(-0.5, 10)] };
    const mixed = mixOriginal(take, original, 20 * Math.log10(0.5));
    expect(mixed.channels[0]![3]).toBeCloseTo(0.1 + 0.25, 6);
    expect(mixed.channels[1]![3]).toBeCloseTo(0.2 - 0.25, 6);
    // The take itself is not changed.
    expect(take.channels[0]![3]).toBeCloseTo(0.1, 6);
  });

  it('keeps the take\'s rate and length: a longer original is cut, a shorter one leaves silence after it', () => {
    const take = { sampleRate: 8000, channels: [constant(0, 8000)] };
    const longer = mixOriginal(take, { sampleRate: 16000, channels: [constant(0.5, 20000)] }, 0);
    expect(longer.sampleRate).toBe(8000);
    expect(longer.channels[0]!.length).toBe(8000);
    expect(longer.channels[0]![4000]).toBeCloseTo(0.5, 2);
    const shorter = mixOriginal(take, { sampleRate: 8000, channels: [constant(0.5, 100)] }, 0);
    expect(shorter.channels[0]![99]).toBeCloseTo(0.5, 6);
    expect(shorter.channels[0]![100]).toBe(0);
  });

  it('refuses a level outside −60…12 dB or not a number', () => {
    const take = { sampleRate: 100, channels: [constant(0, 4)] };
    expect(() => mixOriginal(take, take, -61)).toThrow(/from -60 to 12 dB/);
    expect(originalGainProblem(Number.NaN)).toMatch(/from -60 to 12 dB/);
    expect(originalGainProblem(-12)).toBeNull();
  });
});

describe('matchChannelCount', () => {
  it('feeds a mono original to every channel and averages a stereo original for a mono take', () => {
    const mono = [constant(0.3, 4)];
    expect(matchChannelCount(mono, 2).map((c) => c[0])).toEqual([mono[0]![0], mono[0]![0]]);
    const [average] = matchChannelCount([constant(0.2, 4), constant(0.6, 4)], 1);
    expect(average![0]).toBeCloseTo(0.4, 6);
  });

  it('uses the first channels of a surround original for a stereo take', () => {
    const six = Array.from({ length: 6 }, (_, c) => constant(c, 2));
    expect(matchChannelCount(six, 2).map((c) => c[0])).toEqual([0, 1]);
  });
});
