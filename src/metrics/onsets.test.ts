import { describe, expect, it } from 'vitest';
import { Prng } from '../dsp/prng';
import { f1, matchOnsets, onsetTimes } from './onsets';

/** Decaying noise bursts at the given times over a −80 dBFS noise floor, stereo. */
function clicks(timesSec: number[], sampleRate = 44_100, durationSec = 2): Float32Array[] {
  const prng = new Prng(3);
  const audio = [0, 1].map(() => Float32Array.from({ length: durationSec * sampleRate }, () => 1e-4 * prng.nextGaussian()));
  for (const t of timesSec) {
    const start = Math.round(t * sampleRate);
    for (let i = 0; i < 2000; i++) {
      const burst = 0.5 * Math.exp(-i / 300) * prng.nextGaussian();
      for (const channel of audio) channel[start + i]! += burst;
    }
  }
  return audio;
}

describe('onset scores', () => {
  it('finds every burst within ±50 ms and nothing else', () => {
    const events = [0.3, 0.9, 1.5];
    const counts = matchOnsets(onsetTimes(clicks(events), 44_100), events);
    expect(counts).toEqual({ truePositives: 3, falsePositives: 0, falseNegatives: 0 });
    expect(f1(counts)).toBe(1);
  });

  it('matches one to one and respects the tolerance', () => {
    expect(matchOnsets([0.5, 0.51], [0.5])).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 0 });
    expect(matchOnsets([0.58], [0.5])).toEqual({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
    expect(matchOnsets([0.58], [0.5], 0.1)).toEqual({ truePositives: 1, falsePositives: 0, falseNegatives: 0 });
    expect(f1(matchOnsets([], [0.5]))).toBe(0);
  });
});
