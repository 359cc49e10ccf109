import { describe, expect, it } from 'vitest';
import { EtaEstimator } from './eta';

describe('EtaEstimator', () => {
  it('extrapolates the pace of denoise steps across windows', () => {
    let nowMs = 0;
    const eta = new EtaEstimator(() => nowMs);
    expect(eta.update({ stage: 'denoise', step: 0, steps: 4, window: 0, windows: 2 })).toBeNull();
    nowMs = 2000;
    // 2 of 8 steps took 2 s → 6 steps left at 1 s each.
    expect(eta.update({ stage: 'denoise', step: 2, steps: 4, window: 0, windows: 2 })).toBeCloseTo(6, 9);
    nowMs = 8000;
    expect(eta.update({ stage: 'denoise', step: 4, steps: 4, window: 1, windows: 2 })).toBe(0);
  });

  it('has no estimate outside denoising', () => {
    expect(new EtaEstimator(() => 0).update({ stage: 'encode', done: 1, total: 3 })).toBeNull();
  });
});
