import { describe, expect, it } from 'vitest';
import { findPeaks } from './peaks';

describe('findPeaks (scipy.signal.find_peaks semantics)', () => {
  it('finds strict local maxima and plateau middles, never the ends', () => {
    expect(findPeaks([3, 1, 2, 1, 0, 4, 4, 4, 1, 5])).toEqual([2, 6]);
  });

  it('applies a scalar or per-sample height', () => {
    expect(findPeaks([0, 2, 0, 3, 0], { height: 2.5 })).toEqual([3]);
    expect(findPeaks([0, 2, 0, 3, 0], { height: [0, 1, 0, 4, 0] })).toEqual([1]);
  });

  it('keeps the higher of two peaks closer than the distance', () => {
    expect(findPeaks([0, 2, 0, 3, 0, 0, 0, 1, 0], { minDistance: 5 })).toEqual([3]);
    expect(findPeaks([0, 2, 0, 3, 0, 0, 0, 1, 0], { minDistance: 4 })).toEqual([3, 7]);
  });
});
