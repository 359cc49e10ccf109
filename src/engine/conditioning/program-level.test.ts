import { describe, expect, it } from 'vitest';
import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import { measureLoudness } from '../../dsp/loudness-meter';
import { Prng } from '../../dsp/prng';
import { curveIntegratedLufs, levelToProgram } from './program-level';

const SPEC = { curveRate: 6, windowSec: 0.4, minLufs: -70, maxLufs: 0 };
const RATE = 48_000;

/** Stereo white noise: 3 s at −20 dBFS RMS, 2 s at −45 (below the relative gate), 1 s of silence, 2 s at −26. */
function scene(): Float32Array[] {
  const prng = new Prng(7);
  const parts: [number, number][] = [[3, -20], [2, -45], [1, -Infinity], [2, -26]];
  const total = parts.reduce((n, [sec]) => n + sec * RATE, 0);
  const channels = [new Float32Array(total), new Float32Array(total)];
  let at = 0;
  for (const [sec, dbfs] of parts) {
    const amplitude = Number.isFinite(dbfs) ? 10 ** (dbfs / 20) * Math.sqrt(3) : 0;
    for (let i = 0; i < sec * RATE; i++, at++) for (const c of channels) c[at] = amplitude * (2 * prng.nextFloat() - 1);
  }
  return channels;
}

/** The curve as the predictor returns it: rows [point, channel], normalised to [0, 1] over the pack's range. */
function rowsOf(channels: Float32Array[]): Float32Array {
  const curve = momentaryLoudnessCurve(channels, RATE, SPEC);
  const points = curve.channels[0]!.length;
  const rows = new Float32Array(points * 2);
  for (let k = 0; k < points; k++) for (let c = 0; c < 2; c++) rows[k * 2 + c] = (curve.channels[c]![k]! - SPEC.minLufs) / (SPEC.maxLufs - SPEC.minLufs);
  return rows;
}

describe('programme level of a predicted curve', () => {
  it('reads the integrated loudness the BS.1770 meter measures on the same audio, gates included', () => {
    const channels = scene();
    const metered = measureLoudness(channels, RATE).integrated;
    // The curve's 400 ms windows every 1/6 s stand in for the meter's 400 ms blocks every 100 ms.
    expect(Math.abs(curveIntegratedLufs(rowsOf(channels), 2, SPEC) - metered)).toBeLessThan(0.3);
  });

  it('moves the curve as a whole to the target, keeping its shape', () => {
    const rows = rowsOf(scene());
    const moved = levelToProgram(rows, 2, SPEC, -23);
    expect(curveIntegratedLufs(moved, 2, SPEC)).toBeCloseTo(-23, 1);
    // Points inside the range keep their distance (LU) from each other.
    const lu = (r: Float32Array, i: number) => SPEC.minLufs + r[i]! * (SPEC.maxLufs - SPEC.minLufs);
    expect(lu(moved, 0) - lu(moved, 30)).toBeCloseTo(lu(rows, 0) - lu(rows, 30), 4);
  });

  it('keeps a curve that is silent throughout silent, and never leaves [0, 1]', () => {
    const silent = new Float32Array(40);
    expect(levelToProgram(silent, 2, SPEC, -23)).toEqual(silent);
    const loud = levelToProgram(Float32Array.from({ length: 40 }, () => 0.95), 2, SPEC, 0);
    expect(Math.max(...loud)).toBeLessThanOrEqual(1);
  });
});
