import { describe, expect, it } from 'vitest';
import { computePeaks, peakBucketCount } from './peaks';

describe('computePeaks', () => {
  it('keeps the largest magnitude of each bucket, per channel', () => {
    const left = new Float32Array([0.1, -0.9, 0.2, 0.3, 0, 0, -0.5, 0.4]);
    const right = new Float32Array(8).fill(0.25);
    const [l, r] = computePeaks([left, right], 4);
    expect(Array.from(l)).toEqual([0.9, 0.3, 0, 0.5].map(Math.fround));
    expect(Array.from(r)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('handles more buckets than samples and empty input', () => {
    expect(Array.from(computePeaks([new Float32Array([0.5, -1])], 4)[0])).toEqual([0.5, 0.5, 1, 1]);
    expect(Array.from(computePeaks([new Float32Array(0)], 3)[0])).toEqual([0, 0, 0]);
  });

  it('caps the bucket count', () => {
    expect(peakBucketCount(2)).toBe(800);
    expect(peakBucketCount(3600)).toBe(20_000);
  });
});
