import { describe, expect, it } from 'vitest';
import { mixWindow, planWindows } from './long-form';

const BASE = { sampleRate: 44100, hop: 512, windowSec: 10, overlapSec: 1 };

describe('planWindows', () => {
  it('uses one window for a clip no longer than windowSec', () => {
    expect(planWindows({ ...BASE, totalSamples: 441000 })).toEqual([
      { index: 0, startSample: 0, lengthSamples: 441000, fadeInSamples: 0, fadeOutSamples: 0 },
    ]);
  });

  for (const durationSec of [10.01, 19, 25.3, 60, 61.7, 300]) {
    it(`covers a ${durationSec} s clip exactly with hop-aligned, overlapping windows`, () => {
      const totalSamples = Math.round(durationSec * BASE.sampleRate);
      const windows = planWindows({ ...BASE, totalSamples });
      const overlap = Math.round((BASE.overlapSec * BASE.sampleRate) / BASE.hop) * BASE.hop;
      expect(windows[0]!.startSample).toBe(0);
      expect(windows.at(-1)!.startSample + windows.at(-1)!.lengthSamples).toBe(totalSamples);
      expect(windows.length).toBe(Math.ceil((totalSamples - overlap) / (BASE.windowSec * BASE.sampleRate - overlap)));
      windows.forEach((w, k) => {
        expect(w.startSample % BASE.hop).toBe(0);
        expect(w.lengthSamples).toBeLessThanOrEqual(BASE.windowSec * BASE.sampleRate + BASE.hop);
        if (k > 0) {
          const previous = windows[k - 1]!;
          expect(previous.startSample + previous.lengthSamples - w.startSample).toBe(overlap);
          expect(w.fadeInSamples).toBe(overlap);
          expect(previous.fadeOutSamples).toBe(overlap);
        }
      });
    });
  }

  it('rejects a window shorter than two overlaps and an empty clip', () => {
    expect(() => planWindows({ ...BASE, windowSec: 1.5, totalSamples: 1e6 })).toThrow(/twice overlapSec/);
    expect(() => planWindows({ ...BASE, totalSamples: 0 })).toThrow(/positive/);
  });
});

describe('mixWindow', () => {
  it('joins windows with an equal-power crossfade and leaves the rest untouched', () => {
    const totalSamples = Math.round(25 * 8000);
    const windows = planWindows({ totalSamples, sampleRate: 8000, hop: 64, windowSec: 10, overlapSec: 1 });
    // Each window contributes a constant per-window level in its own channel, so gains can be read back exactly.
    const perWindow = windows.map(() => new Float32Array(totalSamples));
    windows.forEach((w, k) => mixWindow([perWindow[k]!], w, [new Float32Array(w.lengthSamples).fill(1)]));
    for (let n = 0; n < totalSamples; n += 7) {
      const power = perWindow.reduce((sum, channel) => sum + channel[n]! ** 2, 0);
      expect(power).toBeCloseTo(1, 5);
    }
    const first = windows[0]!;
    expect(perWindow[0]![first.lengthSamples - first.fadeOutSamples - 1]).toBe(1);
  });

  it('refuses audio of the wrong length', () => {
    const [w] = planWindows({ totalSamples: 100, sampleRate: 8000, hop: 64, windowSec: 10, overlapSec: 1 });
    expect(() => mixWindow([new Float32Array(100)], w!, [new Float32Array(99)])).toThrow(/expected 100/);
  });
});
