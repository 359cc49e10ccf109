import { describe, expect, it } from 'vitest';
import { describeEta, describeProgress } from './progress-text';

describe('describeProgress', () => {
  it('counts denoising over steps and windows', () => {
    const first = describeProgress({ stage: 'denoise', step: 1, steps: 4, window: 0, windows: 2 });
    expect(first.label).toBe('Generating sound (1 of 4 steps done, window 1 of 2)');
    expect(first.fraction).toBeCloseTo(1 / 8);
    expect(describeProgress({ stage: 'denoise', step: 4, steps: 4, window: 1, windows: 2 }).fraction).toBe(1);
  });

  it('names the phase that runs after each event, never standing on "all steps done"', () => {
    expect(describeProgress({ stage: 'denoise', step: 4, steps: 4, window: 1, windows: 2 }).label).toBe('Decoding audio (all 8 steps done)');
    expect(describeProgress({ stage: 'denoise', step: 4, steps: 4, window: 0, windows: 2 }).label).toBe('Preparing window 2 of 2 (window 1 done)');
    expect(describeProgress({ stage: 'decode-video', doneSec: 2, totalSec: 2 }).label).toBe('Encoding the video for the model');
    expect(describeProgress({ stage: 'decode-audio', done: 1, total: 2 }).label).toBe('Decoding audio (1 of 2 windows)');
    expect(describeProgress({ stage: 'shape', durationSec: 10 })).toEqual({ label: 'Shaping loudness (10.0 s)', fraction: 1 });
  });

  it('never divides by zero or leaves 0..1', () => {
    expect(describeProgress({ stage: 'encode', done: 3, total: 0 }).fraction).toBe(0);
    expect(describeProgress({ stage: 'decode-video', doneSec: 5, totalSec: 2 }).fraction).toBe(1);
  });
});

describe('describeEta', () => {
  it('rounds to seconds, then minutes, and hides unknown estimates', () => {
    expect(describeEta(null)).toBeNull();
    expect(describeEta(Number.NaN)).toBeNull();
    expect(describeEta(12.4)).toBe('about 12 s left');
    expect(describeEta(600)).toBe('about 10 min left');
  });

  it('says "over" when a phase ahead is not measured yet', () => {
    expect(describeEta(12.9, true)).toBe('over 12 s left');
    expect(describeEta(150, true)).toBe('over 2 min left');
    expect(describeEta(0.4, true)).toBeNull();
  });
});
