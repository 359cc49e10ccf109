/** EBU Tech 3342 (Loudness Range) compliance cases 1–4. */
import { describe, expect, it, vi } from 'vitest';
import { measureLoudness } from '../loudness-meter';
import { stereo, toneSequence } from './test-signals';

// Minutes of audio per case on a shared 2-core machine: the default 5 s is too short, and no assertion is timed.
vi.setConfig({ testTimeout: 120_000 });

const LRA_TOLERANCE_LU = 1;

describe('Tech 3342 at 48 kHz', () => {
  it.each([
    [1, [-20, -30], 10],
    [2, [-20, -15], 5],
    [3, [-40, -20], 20],
    [4, [-50, -35, -20, -35, -50], 15],
  ])('case %i: 20 s each at %j dBFS → LRA = %i LU', (_case, levels, expectedLu) => {
    const sampleRate = 48000;
    const signal = stereo(toneSequence(levels.map((peakDbfs) => ({ durationSec: 20, peakDbfs })), sampleRate));
    const { lra } = measureLoudness(signal, sampleRate);
    expect(Math.abs(lra - expectedLu)).toBeLessThanOrEqual(LRA_TOLERANCE_LU);
  });
});
