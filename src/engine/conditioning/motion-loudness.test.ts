import { describe, expect, it } from 'vitest';
import { motionEnergyAt } from '../../metrics/av-align';
import { pearson } from '../../metrics/loudness-correlation';
import { FrameMotion } from './frame-motion';
import { MOTION_LU_PER_SD, withMotionEnergy, withoutCuts } from './motion-loudness';

const SPEC = { curveRate: 6, windowSec: 0.4, minLufs: -70, maxLufs: 0 };
const FPS = 24;
/** 10 s at the latent rate of foley-tiny (44.1 kHz / 512). */
const LATENT = { count: 862, rate: 44100 / 512, phase: 0 };

/** Still for 4 s, moving for 3 s, still again: motion as the sync frames give it. */
function motionOfScene(): Float64Array {
  const frames = new FrameMotion();
  for (let k = 0; k < 10 * FPS; k++) {
    const moving = k >= 4 * FPS && k < 7 * FPS;
    frames.push(new Float32Array(3 * 16).fill(moving ? (k % 2) * 0.5 : 0.2));
  }
  return frames.motion();
}

describe('motion energy in the predicted loudness curve', () => {
  it('measures motion as mean |Δgrey| between neighbouring frames', () => {
    const frames = new FrameMotion();
    frames.push(new Float32Array(12).fill(0));
    frames.push(Float32Array.from({ length: 12 }, (_, i) => (i < 4 ? 1 : 0))); // red plane only: grey 0.299
    expect(Array.from(frames.motion())).toEqual([expect.closeTo(0.299, 6)]);
  });

  it('raises the curve where the picture moves, by MOTION_LU_PER_SD per standard deviation, on every channel', () => {
    const flat = new Float32Array(LATENT.count * 2).fill(0.5);
    const moved = withMotionEnergy(flat, 2, { fps: FPS, motion: motionOfScene() }, LATENT, SPEC);
    const lufs = (row: number, c: number) => SPEC.minLufs + moved[row * 2 + c]! * (SPEC.maxLufs - SPEC.minLufs);
    const at = (sec: number) => Math.round(sec * LATENT.rate);
    expect(lufs(at(5.5), 0)).toBeGreaterThan(-35 + 1);
    expect(lufs(at(1), 0)).toBeLessThan(-35 - 1);
    expect(lufs(at(5.5), 1)).toBe(lufs(at(5.5), 0));
    const values = Array.from({ length: LATENT.count }, (_, k) => lufs(k, 0));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(-35, 3);
    expect(sd).toBeCloseTo(MOTION_LU_PER_SD, 3);
    // The shape is the motion energy over the loudness curve's own 0.4 s window (the metric's function), read at the
    // latent frames: it rises within that window of the movement starting, where the baseline's 1 s average has
    // already risen before it starts.
    const times = Array.from({ length: 58 }, (_, k) => k / 6 + 0.2);
    const energy = motionEnergyAt({ fps: FPS, motion: motionOfScene() }, times, SPEC.windowSec);
    const atCurve = times.map((t) => values[Math.round(t * LATENT.rate)]!);
    expect(pearson(atCurve, Array.from(energy))).toBeGreaterThan(0.99);
    const still = lufs(at(2), 0);
    const moving = lufs(at(5.5), 0);
    expect(lufs(at(4 - 0.3), 0) - still).toBeLessThan(0.05 * (moving - still));
    expect(moving - lufs(at(4 + 0.3), 0)).toBeLessThan(0.05 * (moving - still));
    const baseline = motionEnergyAt({ fps: FPS, motion: motionOfScene() }, [2, 4 - 0.3, 5.5]);
    expect(baseline[1]! - baseline[0]!).toBeGreaterThan(0.2 * (baseline[2]! - baseline[0]!));
  });

  it('leaves the curve as predicted for a still picture or a single frame, nearly so for flicker, and keeps it in [0, 1]', () => {
    const rows = Float32Array.from({ length: LATENT.count * 2 }, (_, i) => (i % 7) / 6);
    expect(withMotionEnergy(rows, 2, { fps: FPS, motion: new Float64Array(239).fill(0.01) }, LATENT, SPEC)).toBe(rows);
    expect(withMotionEnergy(rows, 2, { fps: FPS, motion: new Float64Array(0) }, LATENT, SPEC)).toBe(rows);
    // Codec flicker on a still picture: motion energy varying by a few per cent moves the curve by well under 1 LU.
    const flicker = Float64Array.from({ length: 239 }, (_, k) => 0.01 * (1 + 0.05 * Math.sin(k / 3)));
    const flickered = withMotionEnergy(rows, 2, { fps: FPS, motion: flicker }, LATENT, SPEC);
    expect(Math.max(...flickered.map((v, i) => Math.abs(v - rows[i]!))) * (SPEC.maxLufs - SPEC.minLufs)).toBeLessThan(1);
    const moved = withMotionEnergy(rows, 2, { fps: FPS, motion: motionOfScene() }, LATENT, SPEC, 40);
    expect(Math.min(...moved)).toBe(0);
    expect(Math.max(...moved)).toBe(1);
  });

  it('does not count a hard cut as motion, but keeps a flash and steady or duplicated-frame motion', () => {
    const lufsOf = (rows: Float32Array) => Array.from({ length: LATENT.count }, (_, k) => SPEC.minLufs + rows[k * 2]! * (SPEC.maxLufs - SPEC.minLufs));
    const flat = new Float32Array(LATENT.count * 2).fill(0.5);
    // Two still shots (codec noise around 0.003) with a hard cut between them at 5 s.
    const still = Float64Array.from({ length: 239 }, (_, k) => 0.003 * (1 + 0.3 * Math.sin(k)));
    const cut = Float64Array.from(still, (v, k) => (k === 119 ? 0.2 : v));
    const withCut = lufsOf(withMotionEnergy(flat, 2, { fps: FPS, motion: cut }, LATENT, SPEC));
    const noCut = lufsOf(withMotionEnergy(flat, 2, { fps: FPS, motion: still }, LATENT, SPEC));
    expect(Math.max(...withCut.map((v, k) => Math.abs(v - noCut[k]!)))).toBeLessThan(0.5);
    expect(Math.max(...withCut.map((v) => Math.abs(v + 35)))).toBeLessThan(1.5);
    // The same step counted as motion would have lifted the curve by more than 15 LU at the cut.
    const asMotion = motionEnergyAt({ fps: FPS, motion: cut }, [2, 5]);
    expect(((asMotion[1]! - asMotion[0]!) / 0.25) * MOTION_LU_PER_SD).toBeGreaterThan(15);
    // A flash lights up and goes out: two large steps in a row stay motion and lift the curve.
    const flash = Float64Array.from(still, (v, k) => (k === 119 || k === 120 ? 0.2 : v));
    expect(withoutCuts(flash)).toEqual(flash);
    const withFlash = lufsOf(withMotionEnergy(flat, 2, { fps: FPS, motion: flash }, LATENT, SPEC));
    expect(withFlash[Math.round(5 * LATENT.rate)]! + 35).toBeGreaterThan(5);
    // A cut inside moving footage goes too; steady motion and 12 fps footage doubled to 24 fps (x, 0, x, 0) stay.
    const moving = Float64Array.from({ length: 239 }, (_, k) => 0.03 * (1 + 0.5 * Math.sin(k / 2)));
    const movingCut = Float64Array.from(moving, (v, k) => (k === 100 ? 0.25 : v));
    expect(withoutCuts(movingCut)[100]).toBeCloseTo((moving.slice(94, 100).reduce((a, b) => a + b, 0) + moving.slice(101, 107).reduce((a, b) => a + b, 0)) / 12, 9);
    expect(withoutCuts(moving)).toEqual(moving);
    const doubled = Float64Array.from({ length: 239 }, (_, k) => (k % 2 === 0 ? 0.06 + 0.02 * Math.sin(k) : 0));
    expect(withoutCuts(doubled)).toEqual(doubled);
  });

  it("does not swing the curve on a still picture's keyframe refresh (one invisible step)", () => {
    const flat = new Float32Array(LATENT.count * 2).fill(0.5);
    // H.264 of a still picture: no motion at all but one step of 0.0009 where the next keyframe refreshes it.
    const still = Float64Array.from({ length: 239 }, (_, k) => (k === 119 ? 0.0009 : 0));
    const moved = withMotionEnergy(flat, 2, { fps: FPS, motion: still }, LATENT, SPEC);
    expect(Math.max(...moved.map((v) => Math.abs(v - 0.5))) * (SPEC.maxLufs - SPEC.minLufs)).toBeLessThan(1);
    // With the metric's floor (1e-4) the same step would have swung it by about 10 LU.
    const metricEnergy = motionEnergyAt({ fps: FPS, motion: still }, [2, 5], SPEC.windowSec);
    expect(((metricEnergy[1]! - metricEnergy[0]!) / 0.25) * MOTION_LU_PER_SD).toBeGreaterThan(8);
  });

  it('leaves changes of light out of the movement the curve reads: a fade, not a moving box or a local flash', () => {
    const side = 16;
    const texture = Float32Array.from({ length: side * side }, (_, i) => 0.2 + 0.6 * (((i * 7919) % 97) / 96));
    const rgb = (grey: (i: number) => number) => {
      const g = Float32Array.from({ length: side * side }, (_, i) => grey(i));
      return Float32Array.from({ length: 3 * g.length }, (_, i) => g[i % g.length]!);
    };
    // A fade to black over 12 frames, then towards white: every step is a gain and an offset of the last.
    const fade = new FrameMotion();
    for (let k = 0; k <= 12; k++) fade.push(rgb((i) => texture[i]! * (1 - k / 12)));
    for (let k = 1; k <= 6; k++) fade.push(rgb(() => k / 6));
    expect(Math.min(...fade.motion())).toBeGreaterThan(0.01);
    expect(Array.from(fade.movement().subarray(0, 12))).toEqual(new Array(12).fill(0));
    // A box moving over the texture, and a flash lighting one corner: movement, as measured.
    const moving = new FrameMotion();
    for (let k = 0; k < 6; k++) moving.push(rgb((i) => (i % side >= k && i % side < k + 4 && i < 4 * side ? 1 : texture[i]!)));
    moving.push(rgb((i) => (i < 4 * side ? 1 : texture[i]!)));
    expect(moving.movement()).toEqual(moving.motion());
    expect(Math.min(...moving.motion())).toBeGreaterThan(0);
  });
});
