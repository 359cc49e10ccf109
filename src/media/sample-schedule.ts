/**
 * Which decoded frame serves which sample time, decided while frames stream past in presentation order.
 *
 * For each rate r (frames per second) the sample times are t_k = k / r for k = 0 .. max(1, floor(durationSec·r)) − 1
 * (start inclusive, end exclusive; at least t_0 for any clip with a duration). Sample k gets the frame on screen at
 * t_k: the last frame whose presentation timestamp is ≤ t_k (within TOLERANCE_SEC, so a timestamp rounded to whole µs still counts as "at" t_k).
 * Sample times before the first frame get the first frame.
 */

/** Half a millisecond: far below any frame interval (8.3 ms at 120 fps), above µs rounding of timestamps. */
const TOLERANCE_SEC = 0.0005;

export interface SampleTarget {
  rateIndex: number;
  frameIndex: number;
  timeSec: number;
}

/**
 * Frames per rate: the count the engine relies on (src/engine/sampling/sequence.ts), at least one for any clip with a
 * duration, so a clip shorter than one sample interval (a single frame at 24 fps sampled at 8 fps) still gives one.
 */
export function frameCountForRate(durationSec: number, rate: number): number {
  if (!(durationSec > 0)) return 0;
  return Math.max(1, Math.floor(durationSec * rate + 1e-6));
}

export class SampleSchedule {
  private readonly next: number[];
  private readonly counts: number[];

  constructor(private readonly rates: readonly number[], durationSec: number) {
    for (const r of rates) {
      if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`Frame rates must be positive numbers, got ${r}.`);
    }
    this.counts = rates.map((r) => frameCountForRate(durationSec, r));
    this.next = rates.map(() => 0);
  }

  get totalFrames(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  get done(): boolean {
    return this.next.every((k, i) => k >= this.counts[i]);
  }

  /**
   * A frame with presentation time `timeSec` arrived: returns every pending target strictly before it. They belong
   * to the previous frame, or to this one when it is the first (targets before the first frame get the first frame).
   */
  takeBefore(timeSec: number): SampleTarget[] {
    return this.take((t) => t + TOLERANCE_SEC < timeSec);
  }

  /** All remaining targets: the stream ended, so they belong to the last frame. */
  takeRest(): SampleTarget[] {
    return this.take(() => true);
  }

  private take(accept: (t: number) => boolean): SampleTarget[] {
    const out: SampleTarget[] = [];
    this.rates.forEach((rate, rateIndex) => {
      while (this.next[rateIndex] < this.counts[rateIndex]) {
        const frameIndex = this.next[rateIndex];
        const timeSec = frameIndex / rate;
        if (!accept(timeSec)) break;
        out.push({ rateIndex, frameIndex, timeSec });
        this.next[rateIndex]++;
      }
    });
    return out.sort((a, b) => a.timeSec - b.timeSec || a.rateIndex - b.rateIndex);
  }
}
