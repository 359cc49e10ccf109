import { describe, expect, it } from 'vitest';
import { momentaryLoudnessCurve } from '../dsp/loudness-curve';
import { Prng } from '../dsp/prng';
import type { VideoMotion } from './av-align';
import { loudnessErrorLu, scoreTake, totalScore, type TargetCurve } from './take-score';
import { bursts, RATE, sine } from './test-signals';

const FPS = 24;
const DURATION_SEC = 6;
/** On whole frames and whole onset hops (30 ms), where the onset detector reads a burst 26 ms early (< 1 frame). */
const IMPACTS_SEC = [0.75, 1.5, 2.25, 3, 3.75, 4.5, 5.25];

/** Motion with a sharp peak at each impact: step k sits at (k + 1) / fps. */
function motionAt(timesSec: readonly number[]): VideoMotion {
  const motion = new Float64Array(DURATION_SEC * FPS - 1).fill(0.01);
  for (const t of timesSec) motion[Math.round(t * FPS) - 1] = 0.3;
  return { fps: FPS, motion };
}

function curveOf(audio: Float32Array[]): TargetCurve {
  const curve = momentaryLoudnessCurve(audio, RATE, { rate: 6, windowSec: 0.4 });
  return { rate: 6, windowSec: 0.4, minLufs: -70, maxLufs: 0, channels: curve.channels.map((c) => Array.from(c)) };
}

function noise(durationSec: number, seed: number, colour: (white: number, previous: number) => number): Float32Array[] {
  const prng = new Prng(seed);
  let previous = 0;
  const mono = Float32Array.from({ length: durationSec * RATE }, () => (previous = colour(0.2 * prng.nextGaussian(), previous)));
  return [mono, mono.slice()];
}

describe('scoreTake', () => {
  it('ranks clicks on the motion peaks above the same clicks 200 ms late', () => {
    const motion = motionAt(IMPACTS_SEC);
    const aligned = scoreTake({ audio: bursts(IMPACTS_SEC, DURATION_SEC), motion });
    const late = scoreTake({ audio: bursts(IMPACTS_SEC.map((t) => t + 0.2), DURATION_SEC), motion });
    expect(aligned.avSync).toBeGreaterThan(0.8);
    expect(late.avSync).toBeLessThan(0.2);
    expect(totalScore(aligned)).toBeGreaterThan(totalScore(late));
    expect(aligned.loudness).toBeNull();
    expect(aligned.prompt).toBeNull();
  });

  it('measures loudness error in LU: a take 6 dB below its target is 6 LU off, the target itself 0', () => {
    const take = [sine(440, 4, (t) => 0.1 + 0.4 * (t % 1)), sine(440, 4, (t) => 0.1 + 0.4 * (t % 1))];
    const target = curveOf(take);
    expect(loudnessErrorLu(take, target)).toBeLessThan(0.01);
    const quieter = take.map((c) => c.map((v) => v / 2));
    expect(loudnessErrorLu(quieter, target)).toBeCloseTo(6.02, 1);
    const onTarget = scoreTake({ audio: take, target });
    const off = scoreTake({ audio: quieter, target });
    expect(onTarget.loudness).toBeGreaterThan(0.99);
    expect(off.loudness).toBeCloseTo(1 / (1 + 6.02 / 3), 2);
    expect(totalScore(onTarget)).toBeGreaterThan(totalScore(off));
  });

  it('stretches a target of another length over the take, as generation does', () => {
    const take = [sine(440, 4), sine(440, 4)];
    const target = curveOf(take);
    const coarse = { ...target, rate: 3, channels: target.channels.map((c) => c.filter((_, k) => k % 2 === 0)) };
    expect(loudnessErrorLu(take, { ...coarse, rate: 6 })).toBeLessThan(0.5);
  });

  it('scores the take that sounds like the reference above one that does not', () => {
    const lowPass = (white: number, previous: number) => 0.95 * previous + 0.05 * white * 10;
    const white = (value: number) => value;
    const reference = noise(3, 1, lowPass);
    const like = scoreTake({ audio: noise(6, 2, lowPass), reference });
    const unlike = scoreTake({ audio: noise(6, 3, white), reference });
    expect(like.melFD!).toBeLessThan(unlike.melFD!);
    expect(like.prompt!).toBeGreaterThan(unlike.prompt!);
    expect(like.avSync).toBeNull();
  });

  it('leaves out a reference too short to fit, and weighs components 0.5 / 0.3 / 0.2', () => {
    expect(scoreTake({ audio: bursts([1], 2), reference: [new Float32Array(100)] }).prompt).toBeNull();
    expect(totalScore({ avSync: 1, prompt: 0, loudness: 0, loudnessErrorLu: 9, melFD: 1e9 })).toBeCloseTo(0.5, 12);
    expect(totalScore({ avSync: null, prompt: 1, loudness: 0, loudnessErrorLu: 9, melFD: 0 })).toBeCloseTo(0.6, 12);
    expect(totalScore({ avSync: null, prompt: null, loudness: null, loudnessErrorLu: null, melFD: null })).toBe(0);
  });
});
