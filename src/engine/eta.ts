/**
 * Seconds left in a generation, from the pace of denoising so far. Time spent decoding earlier windows is part of
 * the measured pace, so later estimates include it.
 */

import type { Progress } from './protocol';

export class EtaEstimator {
  private start: { ms: number; done: number } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Returns the estimate after this progress event, or null while there is nothing to extrapolate from. */
  update(progress: Progress): number | null {
    if (progress.stage !== 'denoise') return null;
    const nowMs = this.now();
    const done = progress.window * progress.steps + progress.step;
    const total = progress.windows * progress.steps;
    if (this.start === null) {
      this.start = { ms: nowMs, done };
      return null;
    }
    const units = done - this.start.done;
    if (units <= 0) return null;
    return (((nowMs - this.start.ms) / units) * (total - done)) / 1000;
  }
}
