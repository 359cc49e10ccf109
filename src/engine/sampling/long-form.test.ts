import { describe, expect, it } from 'vitest';
import { planWindows, windowGain, WindowMixer, type AudioChunk } from './long-form';

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

describe('windowGain', () => {
  it('joins windows with an equal-power crossfade and leaves the rest at 1', () => {
    const totalSamples = Math.round(25 * 8000);
    const windows = planWindows({ totalSamples, sampleRate: 8000, hop: 64, windowSec: 10, overlapSec: 1 });
    for (let n = 0; n < totalSamples; n += 7) {
      const power = windows.reduce((sum, w) => (n >= w.startSample && n < w.startSample + w.lengthSamples ? sum + windowGain(w, n - w.startSample) ** 2 : sum), 0);
      expect(power).toBeCloseTo(1, 5);
    }
    const first = windows[0]!;
    expect(windowGain(first, first.lengthSamples - first.fadeOutSamples - 1)).toBe(1);
  });
});

describe('WindowMixer', () => {
  const totalSamples = Math.round(25 * 8000);
  const windows = planWindows({ totalSamples, sampleRate: 8000, hop: 64, windowSec: 10, overlapSec: 1 });
  const audioOf = (k: number) => [Float32Array.from({ length: windows[k]!.lengthSamples }, (_, i) => Math.sin(0.01 * i + k))];

  it('hands on contiguous chunks that equal the windows summed under their gains, each as soon as it is final', async () => {
    const chunks: AudioChunk[] = [];
    const mixer = new WindowMixer((chunk) => void chunks.push({ startSample: chunk.startSample, channels: chunk.channels.map((c) => c.slice()) }));
    for (let k = 0; k < windows.length; k++) {
      await mixer.push(windows[k]!, audioOf(k));
      const w = windows[k]!;
      // Everything before this window's fade-out has been handed on.
      const handed = chunks.at(-1)!.startSample + chunks.at(-1)!.channels[0]!.length;
      expect(handed).toBe(w.startSample + w.lengthSamples - w.fadeOutSamples);
    }
    const expected = new Float32Array(totalSamples);
    windows.forEach((w, k) => audioOf(k)[0]!.forEach((v, i) => (expected[w.startSample + i]! += windowGain(w, i) * v)));
    let at = 0;
    for (const chunk of chunks) {
      expect(chunk.startSample).toBe(at);
      const error = chunk.channels[0]!.reduce((worst, v, i) => Math.max(worst, Math.abs(v - expected[at + i]!)), 0);
      expect(error).toBeLessThan(1e-6);
      at += chunk.channels[0]!.length;
    }
    expect(at).toBe(totalSamples);
  });

  it('refuses audio of the wrong length and windows out of order', async () => {
    const mixer = new WindowMixer(() => undefined);
    await expect(mixer.push(windows[0]!, [new Float32Array(99)])).rejects.toThrow(/expected/);
    await mixer.push(windows[0]!, audioOf(0));
    await expect(mixer.push(windows[2]!, audioOf(2))).rejects.toThrow(/in order/);
  });
});
