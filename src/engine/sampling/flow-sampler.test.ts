import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Prng } from '../../dsp/prng';
import { maxAbsDifference, readTrainingFixture } from '../../dsp/training-fixture';
import { sampleFlow, type FlowOps } from './flow-sampler';

/** Plain-array states with a count of live intermediates, to check the sampler releases what it creates. */
function arrayOps(velocity: (x: Float32Array, t: number) => Float32Array) {
  const live = new Set<Float32Array>();
  const track = (a: Float32Array) => (live.add(a), a);
  const ops: FlowOps<Float32Array> = {
    velocity: async (x, t) => track(velocity(x, t)),
    step: async (x, v, dt) => track(x.map((xi, i) => xi + dt * v[i])),
    release: (x) => {
      if (!live.delete(x)) throw new Error('released a state the sampler did not create (or twice)');
    },
  };
  return { ops, live };
}

function gaussian(n: number, seed: number): Float32Array {
  return new Prng(seed).fillGaussian(new Float32Array(n));
}

describe('sampleFlow', () => {
  it('Euler reaches the data point exactly on the rectified flow towards a single sample', async () => {
    const data = Float32Array.from([0.5, -2, 3, 1e-3]);
    // Exact conditional velocity of x_t = (1 − t)·noise + t·data: (data − x) / (1 − t).
    const toData = (x: Float32Array, t: number) => x.map((xi, i) => (t >= 1 ? 0 : (data[i] - xi) / (1 - t)));
    const { ops, live } = arrayOps(toData);
    const noise = gaussian(4, 7);
    const out = await sampleFlow(noise, ops, { steps: 5, method: 'euler' });
    out.forEach((v, i) => expect(v).toBeCloseTo(data[i], 5));
    live.delete(out);
    expect(live.size).toBe(0);
  });

  it('starts at startT: the steps cover [startT, 1] and the velocity is read at those times only', async () => {
    const times: number[] = [];
    const field = (x: Float32Array, t: number) => (times.push(t), x.map(() => 2 * t));
    // dx/dt = 2t from t = 0.5: x(1) = x(0.5) + 1 − 0.25; Euler over 4 steps of 1/8 gives x(0.5) + 0.6875.
    const out = await sampleFlow(Float32Array.from([1]), arrayOps(field).ops, { steps: 4, method: 'euler', startT: 0.5 });
    expect(times).toEqual([0.5, 0.625, 0.75, 0.875]);
    expect(out[0]).toBeCloseTo(1 + 2 * (0.5 + 0.625 + 0.75 + 0.875) / 8, 6);
    await expect(sampleFlow(Float32Array.from([1]), arrayOps(field).ops, { steps: 4, method: 'euler', startT: 1 })).rejects.toThrow(/startT/);
  });

  it('converges at first order (Euler) and second order (Heun) on dx/dt = x', async () => {
    const error = async (method: 'euler' | 'heun', steps: number) => {
      const out = await sampleFlow(Float32Array.from([1]), arrayOps((x) => x.slice()).ops, { steps, method });
      return Math.abs(out[0] - Math.E);
    };
    const eulerRatio = (await error('euler', 16)) / (await error('euler', 32));
    const heunRatio = (await error('heun', 16)) / (await error('heun', 32));
    expect(eulerRatio).toBeGreaterThan(1.8);
    expect(eulerRatio).toBeLessThan(2.2);
    expect(heunRatio).toBeGreaterThan(3.6);
    expect(heunRatio).toBeLessThan(4.4);
  });

  it('Heun integrates a field linear in t exactly but for its last step, which is Euler as in training/foley/flow.py', async () => {
    // dx/dt = 2t → x(1) = x(0) + 1. Euler with n steps gives x(0) + (n − 1) / n; Heun is exact over [0, 1 − 1/n]
    // ((1 − 1/n)² = 9/16) and then takes an Euler step of 2·(3/4)·(1/4) = 3/8, never evaluating the model at t = 1.
    const field = (x: Float32Array, t: number) => x.map(() => 2 * t);
    const start = Float32Array.from([1]);
    const heun = await sampleFlow(start, arrayOps(field).ops, { steps: 4, method: 'heun' });
    const euler = await sampleFlow(start, arrayOps(field).ops, { steps: 4, method: 'euler' });
    expect(heun[0]).toBeCloseTo(1 + 9 / 16 + 3 / 8, 6);
    expect(euler[0]).toBeCloseTo(1 + 3 / 4, 6);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const field = (x: Float32Array, t: number) => x.map((xi) => Math.sin(xi) - t);
    const run = async (seed: number) => sampleFlow(gaussian(16, seed), arrayOps(field).ops, { steps: 8, method: 'heun' });
    expect(Array.from(await run(3))).toEqual(Array.from(await run(3)));
    expect(Array.from(await run(3))).not.toEqual(Array.from(await run(4)));
  });

  it('reports every step and stops with an AbortError when cancelled, releasing its states', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const { ops, live } = arrayOps((x) => x.map(() => 1));
    const run = sampleFlow(Float32Array.from([0]), ops, {
      steps: 10,
      method: 'euler',
      signal: controller.signal,
      onStep: (step) => {
        seen.push(step);
        if (step === 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([1, 2, 3]);
    expect(live.size).toBe(0);
  });

  it('rejects bad step counts and unknown methods', async () => {
    const { ops } = arrayOps((x) => x);
    await expect(sampleFlow(new Float32Array(1), ops, { steps: 0, method: 'euler' })).rejects.toThrow(/positive integer/);
    await expect(sampleFlow(new Float32Array(1), ops, { steps: 2, method: 'rk4' as 'euler' })).rejects.toThrow(/valid: euler, heun/);
  });
});

interface SamplerFixture {
  start: number[];
  fields: { linear: { a: number; b: number }; denoiser: { c: number; d: number } };
  minNoiseLevel: number;
  maxSteps: { test: number; tiny: number };
  runs: { field: 'linear' | 'denoiser'; method: 'euler' | 'heun'; steps: number; x1: number[] }[];
}

describe('sampleFlow against training/foley/flow.py (flow-sampler.json)', () => {
  const fixture = readTrainingFixture<SamplerFixture>('flow-sampler.json');
  const { a, b } = fixture.fields.linear;
  const { c, d } = fixture.fields.denoiser;
  /** The fixture's toy fields; the denoiser divides as the DiT does (training/foley/networks.py velocity_from_clean). */
  const fields = {
    linear: (x: Float64Array, t: number) => x.map((xi) => a * xi + b * t),
    denoiser: (x: Float64Array, t: number) => x.map((xi) => (c * xi + d - xi) / Math.max(1 - t, fixture.minNoiseLevel)),
  };
  const float64Ops = (velocity: (x: Float64Array, t: number) => Float64Array): FlowOps<Float64Array> => ({
    velocity: async (x, t) => velocity(x, t),
    step: async (x, v, dt) => x.map((xi, i) => xi + dt * v[i]!),
    release: () => {},
  });

  it('reaches the same x(1) with Euler and Heun (Heun ending on an Euler step) for 1 to 32 steps', async () => {
    for (const run of fixture.runs) {
      const out = await sampleFlow(Float64Array.from(fixture.start), float64Ops(fields[run.field]), { steps: run.steps, method: run.method });
      // Same float64 operations in the same order: measured ≤ 1e-15; 1e-12 fails on any change of a step rule.
      expect(maxAbsDifference(out, run.x1), `${run.field} ${run.method} ${run.steps} steps`).toBeLessThan(1e-12);
    }
  });

  it("keeps the committed packs' maxSteps where the DiT's noise clamp starts to act", () => {
    for (const pack of ['test', 'tiny'] as const) {
      const json = JSON.parse(readFileSync(new URL(`../../../public/models/foley-${pack}/manifest.json`, import.meta.url), 'utf8')) as {
        sampler: { maxSteps?: number };
      };
      expect(json.sampler.maxSteps, `foley-${pack}`).toBe(fixture.maxSteps[pack]);
      // The last step starts at t = 1 − 1/maxSteps, where 1 − t may not fall below the clamp.
      expect(1 / fixture.maxSteps[pack]).toBeGreaterThanOrEqual(fixture.minNoiseLevel - 1e-12);
      expect(1 / (fixture.maxSteps[pack] + 1)).toBeLessThan(fixture.minNoiseLevel);
    }
  });
});
