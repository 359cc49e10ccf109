import { describe, expect, it } from 'vitest';
import { EtaEstimator, type PhaseCosts } from './eta';
import type { Progress } from '../host/protocol';

/** An estimator on a fake clock: `at(ms, progress)` moves the clock and records the event. */
function clocked(options: ConstructorParameters<typeof EtaEstimator>[1] = {}) {
  let nowMs = 0;
  const eta = new EtaEstimator(() => nowMs, options);
  return {
    eta,
    at: (ms: number, progress: Progress) => {
      nowMs = ms;
      return eta.update(progress);
    },
    wait: (ms: number) => {
      nowMs = ms;
      return eta.estimate();
    },
  };
}

const step = (step: number, window = 0, windows = 1, steps = 4): Progress => ({ stage: 'denoise', step, steps, window, windows });

describe('EtaEstimator', () => {
  it('extrapolates the pace of denoise steps across windows', () => {
    const { at } = clocked();
    expect(at(0, step(0, 0, 2))).toBeNull();
    // 2 of 8 steps took 2 s → 6 steps left at 1 s each (decoding and shaping not measured yet: a lower bound).
    expect(at(2000, step(2, 0, 2))).toBeCloseTo(6, 9);
  });

  it('counts every window, not just the current one', () => {
    const { at } = clocked();
    at(0, { stage: 'encode', done: 1, total: 1 });
    // 1 step of 4 × 3 windows took 1 s: 11 steps left.
    expect(at(1000, step(1, 0, 3))).toBeCloseTo(11, 9);
  });

  it('adds the last window\'s decode and shaping once they have been measured', () => {
    const { at, eta } = clocked();
    at(0, { stage: 'encode', done: 1, total: 1 });
    at(4000, step(4, 0, 2)); // 1 s per step
    at(5000, step(1, 1, 2));
    at(5500, { stage: 'decode-audio', done: 1, total: 2 }); // window 0 decoded 1.5 s after its last step
    // 3 steps left, the one in progress half done (2.5 s) + the last window's decode (1.5 s); shaping unmeasured.
    expect(eta.estimate()).toEqual({ sec: 4, lowerBound: true });
  });

  it('reports the tail after the last step instead of freezing at "all steps done"', () => {
    const { at, wait } = clocked({ priors: { decodeMsPerWindow: 5000, shapeMsPerSec: 100 }, plan: { videoSec: 10, windows: 1, steps: 4 } });
    at(0, { stage: 'encode', done: 1, total: 1 });
    expect(at(4000, step(4))).toBeCloseTo(5 + 1, 9);
    // The estimate keeps falling between events…
    expect(wait(6000)).toEqual({ sec: 4, lowerBound: false });
    // …and once the decode overruns its measured time, only what is still ahead remains.
    expect(wait(12_000)).toEqual({ sec: 1, lowerBound: false });
    expect(at(12_500, { stage: 'decode-audio', done: 1, total: 1 })).toBeCloseTo(1, 9);
    expect(at(12_600, { stage: 'shape', durationSec: 10 })).toBeCloseTo(1, 9);
  });

  it('the issue 11 case: a slow decode behind fast steps is in the estimate from the first window on', () => {
    const { at, eta } = clocked();
    at(0, { stage: 'encode', done: 1, total: 1 });
    for (let k = 1; k <= 4; k++) at(k * 1000, step(k, 0, 3));
    for (let k = 0; k <= 2; k++) at(4000 + k * 1000, step(k, 1, 3));
    // Window 0 took 2.5 s to decode. Left: 6 steps at 1 s, one half done (5.5 s), then the last decode (2.5 s); a
    // step-only estimate says 5.5 s.
    at(6500, { stage: 'decode-audio', done: 1, total: 3 });
    expect(eta.estimate()).toEqual({ sec: 8, lowerBound: true });
  });

  it('grows the estimate when a step takes longer than the average so far, by the stall spread over the steps', () => {
    const { at, wait } = clocked();
    at(0, { stage: 'encode', done: 1, total: 1 });
    at(2000, step(2, 0, 1, 10)); // 1 s per step, 8 left
    expect(wait(2500)?.sec).toBeCloseTo(7.5, 9);
    // The third step has run 5 s: it ends now, making 3 steps in 7 s, and 7 steps are left at that average.
    expect(wait(7000)?.sec).toBeCloseTo((7 * 7) / 3, 9);
    expect(wait(12_000)?.sec).toBeCloseTo((7 * 12) / 3, 9);
  });

  it('a stall between windows (seen: 65 s on SwiftShader WebGPU) is not taken as the pace of every step left', () => {
    const { at, wait } = clocked();
    at(0, { stage: 'encode', done: 1, total: 1 });
    for (let k = 1; k <= 16; k++) at(k * 100, step(k, 0, 2, 16));
    // 65 s without a step after window 1: 17 steps "done" in 66.6 s, 15 left at that average.
    expect(wait(66_600)?.sec).toBeCloseTo((15 * 66.6) / 17, 6);
  });

  it('estimates reading and conditioning from their rates, with the work planned up front', () => {
    const priors: PhaseCosts = { stepMs: 1000, decodeMsPerWindow: 2000, shapeMsPerSec: 0 };
    const { at } = clocked({ priors, plan: { videoSec: 10, windows: 2, steps: 4 } });
    // 2 s of video read in 1 s: 8 s left → 4 s; conditioning unmeasured → a lower bound.
    expect(at(1000, { stage: 'decode-video', doneSec: 2, totalSec: 10 })).toBeCloseTo(4 + 8 + 2, 9);
  });

  it('keeps what it measured for the next job', () => {
    const { at, wait, eta } = clocked({ plan: { videoSec: 2, windows: 1, steps: 2 } });
    at(1000, { stage: 'decode-video', doneSec: 2, totalSec: 2 });
    at(1400, { stage: 'encode', done: 1, total: 1 });
    at(3400, step(2, 0, 1, 2));
    at(4400, { stage: 'decode-audio', done: 1, total: 1 });
    at(4400, { stage: 'shape', durationSec: 2 });
    wait(4600);
    expect(eta.costs()).toEqual({ readMsPerSec: 500, conditionMsPerSec: 200, stepMs: 1000, decodeMsPerWindow: 1000, shapeMsPerSec: 100 });
  });

  it('has no estimate before any step rate is known', () => {
    const { at } = clocked();
    expect(at(500, { stage: 'decode-video', doneSec: 1, totalSec: 3 })).toBeNull();
    expect(at(900, { stage: 'encode', done: 1, total: 1 })).toBeNull();
  });
});
