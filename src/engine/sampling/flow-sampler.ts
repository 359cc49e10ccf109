/**
 * Flow-matching ODE integration from t = 0 (noise) to t = 1 (data), MMAudio `flow_matching.py` style: the sampler
 * knows nothing about the model. It integrates any velocity function over any state type, so the engine can keep
 * the state in GPU tensors (stepping with the `sampler_step` graph) while tests use plain arrays.
 */

export type SamplerMethod = 'euler' | 'heun';

export interface FlowOps<X> {
  /** Velocity dx/dt at (x, t). The returned state is owned by the sampler. */
  velocity(x: X, t: number): Promise<X>;
  /** x + dt·v as a new state; neither input is consumed. */
  step(x: X, v: X, dt: number): Promise<X>;
  /** Frees a state the sampler created and no longer needs (GPU buffers). */
  release(x: X): void;
}

export interface SampleFlowOptions {
  steps: number;
  method: SamplerMethod;
  signal?: AbortSignal;
  /** Called after each completed step (1-based). */
  onStep?: (step: number, steps: number) => void;
  /** Flow time the state passed in sits at (default 0, pure noise): the steps then cover [startT, 1]. */
  startT?: number;
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Heun (trapezoid) step: x + dt·(v(x, t) + v(x + dt·v(x, t), t + dt)) / 2, as two half steps. */
async function heunStep<X>(x: X, t: number, dt: number, ops: FlowOps<X>): Promise<X> {
  const v1 = await ops.velocity(x, t);
  const predicted = await ops.step(x, v1, dt);
  const v2 = await ops.velocity(predicted, t + dt);
  ops.release(predicted);
  const half = await ops.step(x, v1, dt / 2);
  ops.release(v1);
  const next = await ops.step(half, v2, dt / 2);
  ops.release(half);
  ops.release(v2);
  return next;
}

async function eulerStep<X>(x: X, t: number, dt: number, ops: FlowOps<X>): Promise<X> {
  const v = await ops.velocity(x, t);
  const next = await ops.step(x, v, dt);
  ops.release(v);
  return next;
}

/**
 * Integrates dx/dt = v(x, t) on the uniform grid t_i = startT + i·(1 − startT) / steps. `noise` stays owned by the caller; the result
 * is owned by the caller; every intermediate state is released. Cancels between evaluations via `signal`.
 */
export async function sampleFlow<X>(noise: X, ops: FlowOps<X>, options: SampleFlowOptions): Promise<X> {
  const { steps, method, signal } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const stepFn = method === 'heun' ? heunStep : method === 'euler' ? eulerStep : undefined;
  if (!stepFn) throw new RangeError(`unknown sampler method "${method as string}"; valid: euler, heun`);
  const startT = options.startT ?? 0;
  if (!(startT >= 0 && startT < 1)) throw new RangeError(`startT must be in [0, 1), got ${startT}`);
  const dt = (1 - startT) / steps;
  let x = noise;
  for (let i = 0; i < steps; i++) {
    if (signal?.aborted) {
      if (x !== noise) ops.release(x);
      throw abortError(signal);
    }
    // The last Heun step would evaluate the model at t = 1, where it was never trained (training/foley/flow.py
    // samples t in (0, 1)); like the Python sampler, it falls back to Euler there.
    const next = await (i === steps - 1 ? eulerStep : stepFn)(x, startT + i * dt, dt, ops);
    if (x !== noise) ops.release(x);
    x = next;
    options.onStep?.(i + 1, steps);
  }
  return x;
}
