import { describe, expect, it } from 'vitest';
import { frameCountForRate, SampleSchedule } from './sample-schedule';
import type { SampleTarget } from './sample-schedule';

/** Streams frames at the given times through a schedule; returns which frame time each (rate, k) got. */
function assign(rates: number[], durationSec: number, frameTimes: number[]): Map<string, number> {
  const s = new SampleSchedule(rates, durationSec);
  const got = new Map<string, number>();
  const put = (targets: SampleTarget[], t: number) => targets.forEach((x) => got.set(`${x.rateIndex}:${x.frameIndex}`, t));
  let prev: number | null = null;
  for (const t of frameTimes) {
    put(s.takeBefore(t), prev ?? t);
    prev = t;
  }
  if (prev !== null) put(s.takeRest(), prev);
  expect(s.done).toBe(true);
  return got;
}

describe('SampleSchedule', () => {
  it('counts floor(durationSec·rate) frames per rate (at least one), t = k/r from 0, end exclusive', () => {
    expect(frameCountForRate(2, 8)).toBe(16);
    expect(frameCountForRate(2.0000000000000004, 24)).toBe(48);
    expect(frameCountForRate(1.99, 8)).toBe(15);
    // A single 24 fps frame sampled at 8 fps: t = 0 is on screen, so one sample (the engine counts one too).
    expect(frameCountForRate(1 / 24, 8)).toBe(1);
    expect(frameCountForRate(0, 8)).toBe(0);
    expect(new SampleSchedule([8, 24], 2).totalFrames).toBe(64);
  });

  it('gives each sample time the last frame at or before it (µs-rounded timestamps count as "at")', () => {
    const frames = Array.from({ length: 30 }, (_, n) => Math.round((n / 30) * 1e6) / 1e6);
    const got = assign([8, 10], 1, frames);
    for (let k = 0; k < 8; k++) expect(got.get(`0:${k}`)).toBe(frames[Math.floor((k / 8) * 30 + 1e-9)]);
    // 10 fps against 30 fps: every sample time coincides (after rounding) with a frame start.
    for (let k = 0; k < 10; k++) expect(got.get(`1:${k}`)).toBe(frames[3 * k]);
  });

  it('gives sample times before the first frame to the first frame, and the tail to the last', () => {
    const got = assign([4], 2, [0.3, 0.9]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((k) => got.get(`0:${k}`))).toEqual([0.3, 0.3, 0.3, 0.3, 0.9, 0.9, 0.9, 0.9]);
  });

  it('rejects rates that are not positive', () => {
    expect(() => new SampleSchedule([0], 1)).toThrow(RangeError);
    expect(() => new SampleSchedule([Number.NaN], 1)).toThrow(RangeError);
  });
});
