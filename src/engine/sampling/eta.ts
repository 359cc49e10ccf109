/**
 * Seconds left in a generation, from measured rates of every phase: reading frames (ms per second of video),
 * conditioning (ms per second of video), denoising (ms per step, windows × steps in all), decoding (ms per window;
 * only the last window's decode is not hidden behind denoising) and loudness shaping (ms per second of video).
 *
 * Rates come from this job as it runs, else from `priors` (what an earlier job on the same pack and backend
 * measured, see `costs()`). A phase still ahead whose rate nobody has measured makes the estimate a lower bound;
 * without any step rate there is no estimate at all. Time since the last event counts: the estimate keeps falling
 * between events, and when a unit overruns its average the phase's average is taken as if that unit ended now, so
 * the estimate grows with a stall, by the stall spread over the phase's units (a 65 s stall between two windows of
 * 16 steps on SwiftShader WebGPU is not 65 s per step still to come).
 */

import type { Progress } from '../host/protocol';

/** Measured cost of each phase, in ms per unit; a missing field was not measured. */
export interface PhaseCosts {
  readMsPerSec?: number;
  conditionMsPerSec?: number;
  stepMs?: number;
  decodeMsPerWindow?: number;
  shapeMsPerSec?: number;
}

/** The work known before the first event: seconds of video, windows and steps per window. */
export interface WorkPlan {
  videoSec: number;
  windows: number;
  steps: number;
}

export interface Eta {
  sec: number;
  /** True when a phase still ahead has no measured rate, so the true time is longer. */
  lowerBound: boolean;
}

type Phase = 'read' | 'condition' | 'denoise' | 'tail' | 'shape';

/** Seconds of video between two 'decode-video' events (src/engine/conditioning/video-features.ts reports every 0.25 s). */
const READ_GRAIN_SEC = 0.25;

/** A phase's remaining work: `units` left at `unitMs` each (undefined = not measured yet). */
interface Remaining {
  /** undefined: the amount of work is not known yet (the video's length before it is read). */
  units: number | undefined;
  unitMs: number | undefined;
  /** Units between two progress events of the phase: a step, a window, 0.25 s of video, or the whole phase. */
  grain: number;
  /** Units of the phase done, and ms since it began: its average including the unit in progress. */
  done: number;
  elapsedMs: number;
}

export class EtaEstimator {
  private readonly startMs: number;
  /** The last event of the current phase: the unit in progress started then. */
  private phaseEventMs: number;
  private phase: Phase = 'read';
  private plan: Partial<WorkPlan>;
  private readDoneSec = 0;
  private readEndMs: number | null = null;
  private conditionEndMs: number | null = null;
  private stepsDone = 0;
  /** When each window's last step finished (its decode starts then). */
  private readonly denoiseEndMs: number[] = [];
  private decodesDone = 0;
  private shapeStartMs: number | null = null;
  private readonly measured: PhaseCosts = {};
  private readonly priors: PhaseCosts;

  constructor(
    private readonly now: () => number = () => performance.now(),
    options: { plan?: WorkPlan | null; priors?: PhaseCosts } = {},
  ) {
    this.startMs = this.now();
    this.phaseEventMs = this.startMs;
    this.plan = { ...(options.plan ?? {}) };
    this.priors = options.priors ?? {};
  }

  /** Records a progress event; returns the estimate in seconds (null when there is none), see `estimate()`. */
  update(progress: Progress): number | null {
    const nowMs = this.now();
    switch (progress.stage) {
      case 'download':
        return this.estimate()?.sec ?? null;
      case 'decode-video':
        this.phaseEventMs = nowMs;
        this.plan.videoSec = progress.totalSec;
        this.readDoneSec = progress.doneSec;
        if (progress.doneSec > 0) this.measured.readMsPerSec = (nowMs - this.startMs) / progress.doneSec;
        if (progress.doneSec >= progress.totalSec) this.enter('condition', nowMs);
        break;
      case 'encode':
        if (progress.done >= progress.total) this.endConditioning(nowMs);
        this.phaseEventMs = nowMs;
        break;
      case 'denoise':
        this.onDenoise(progress, nowMs);
        this.phaseEventMs = nowMs;
        break;
      case 'decode-audio':
        this.plan.windows = progress.total;
        this.decodesDone = progress.done;
        this.onDecoded(progress.done, nowMs);
        // While steps run, decodes are in the background; only after the last step are they the phase in progress.
        if (this.phase === 'tail') this.phaseEventMs = nowMs;
        break;
      case 'shape':
        this.plan.videoSec ??= progress.durationSec;
        this.shapeStartMs = nowMs;
        this.phaseEventMs = nowMs;
        this.enter('shape', nowMs);
        break;
    }
    return this.estimate()?.sec ?? null;
  }

  /** Seconds left now; null while no step rate is known (measured or prior). */
  estimate(): Eta | null {
    const nowMs = this.now();
    const phases = this.remaining(nowMs);
    if (!phases) return null;
    const sinceLastMs = nowMs - this.phaseEventMs;
    let totalMs = 0;
    let lowerBound = false;
    phases.forEach(({ units, unitMs, grain: phaseGrain, done, elapsedMs }, i) => {
      if (units !== undefined && units <= 0) return;
      if (units === undefined || unitMs === undefined) {
        lowerBound = true;
        return;
      }
      if (i > 0) {
        totalMs += units * unitMs;
        return;
      }
      // The current phase: its grain in progress has run for sinceLastMs already. Past its average, take it as
      // ending now and re-average the phase with it.
      const grain = Math.min(phaseGrain, units);
      if (sinceLastMs <= unitMs * grain) totalMs += units * unitMs - sinceLastMs;
      else totalMs += (units - grain) * Math.max(unitMs, elapsedMs / (done + grain));
    });
    return { sec: Math.max(0, totalMs) / 1000, lowerBound };
  }

  /** What this job measured, over the priors it was given; call when the job has ended (it closes shaping). */
  costs(): PhaseCosts {
    const nowMs = this.now();
    if (this.shapeStartMs !== null && this.plan.videoSec) this.measured.shapeMsPerSec = (nowMs - this.shapeStartMs) / this.plan.videoSec;
    return { ...this.priors, ...this.measured };
  }

  private rate(key: keyof PhaseCosts): number | undefined {
    return this.measured[key] ?? this.priors[key];
  }

  private enter(phase: Phase, nowMs: number): void {
    if (phase === 'condition' && this.readEndMs === null) this.readEndMs = nowMs;
    this.phase = phase;
  }

  private endConditioning(nowMs: number): void {
    if (this.conditionEndMs !== null) return;
    this.conditionEndMs = nowMs;
    const videoSec = this.plan.videoSec;
    if (videoSec) this.measured.conditionMsPerSec = (nowMs - (this.readEndMs ?? this.startMs)) / videoSec;
    this.phase = 'denoise';
  }

  private onDenoise(progress: Extract<Progress, { stage: 'denoise' }>, nowMs: number): void {
    // A job without an 'encode' event (older engines, tests) starts its step clock at its first step.
    if (this.conditionEndMs === null) {
      this.conditionEndMs = nowMs;
      this.phase = 'denoise';
    }
    this.plan.windows = progress.windows;
    this.plan.steps = progress.steps;
    this.stepsDone = progress.window * progress.steps + progress.step;
    // Window conditioning before each window's first step is part of the step rate: it is spread over the steps.
    if (this.stepsDone > 0) this.measured.stepMs = (nowMs - this.conditionEndMs) / this.stepsDone;
    if (progress.step === progress.steps) {
      this.denoiseEndMs[progress.window] = nowMs;
      if (progress.window === progress.windows - 1) this.phase = 'tail';
    }
  }

  private onDecoded(done: number, nowMs: number): void {
    // Decodes finish in order of their windows closely enough: the done-th decode started when window done−1 ended.
    const startedMs = this.denoiseEndMs[done - 1];
    if (startedMs !== undefined) this.measured.decodeMsPerWindow = nowMs - startedMs;
  }

  /** The phases from the current one on, each with units left and unit cost; null without a step rate. */
  private remaining(nowMs: number): Remaining[] | null {
    const { videoSec, windows, steps } = this.plan;
    const stepMs = this.rate('stepMs');
    if (stepMs === undefined || windows === undefined || steps === undefined) return null;
    const totalSteps = windows * steps;
    const stepsLeft = totalSteps - this.stepsDone;
    const denoising = stepsLeft > 0;
    // While denoising, earlier windows decode alongside it; only the last window's decode is left at the end.
    const decodesLeft = denoising ? 1 : windows - this.decodesDone;
    const all: Record<Phase, Remaining> = {
      read: {
        units: videoSec === undefined ? undefined : videoSec - this.readDoneSec,
        unitMs: this.rate('readMsPerSec'),
        grain: READ_GRAIN_SEC,
        done: this.readDoneSec,
        elapsedMs: nowMs - this.startMs,
      },
      // Single-grain phases: an overrun leaves nothing of them to estimate.
      condition: { units: this.conditionEndMs === null ? videoSec : 0, unitMs: this.rate('conditionMsPerSec'), grain: videoSec ?? 1, done: 0, elapsedMs: 0 },
      denoise: { units: stepsLeft, unitMs: stepMs, grain: 1, done: this.stepsDone, elapsedMs: nowMs - (this.conditionEndMs ?? this.startMs) },
      tail: { units: decodesLeft, unitMs: this.rate('decodeMsPerWindow'), grain: 1, done: 0, elapsedMs: nowMs - this.phaseEventMs },
      shape: { units: videoSec, unitMs: this.rate('shapeMsPerSec'), grain: videoSec ?? 1, done: 0, elapsedMs: 0 },
    };
    const order: Phase[] = ['read', 'condition', 'denoise', 'tail', 'shape'];
    return order.slice(order.indexOf(this.phase)).map((phase) => all[phase]);
  }
}
