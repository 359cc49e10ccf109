/** Waveform peaks for drawing: per channel, the largest absolute sample in each of `bucketCount` equal buckets. */
export function computePeaks(channels: readonly Float32Array[], bucketCount: number): Float32Array[] {
  return channels.map((samples) => {
    const peaks = new Float32Array(bucketCount);
    if (samples.length === 0) return peaks;
    for (let bucket = 0; bucket < bucketCount; bucket++) {
      const start = Math.floor((bucket * samples.length) / bucketCount);
      const end = Math.max(start + 1, Math.floor(((bucket + 1) * samples.length) / bucketCount));
      let peak = 0;
      for (let i = start; i < end && i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
      peaks[bucket] = peak;
    }
    return peaks;
  });
}

/** Enough buckets for the widest zoom without drawing more points than a canvas can show. */
export function peakBucketCount(durationSec: number): number {
  return Math.max(1, Math.min(20_000, Math.ceil(durationSec * 400)));
}
