import { describe, expect, it } from 'vitest';
import { applyBandFloor, applyLatentFloor, FLOOR_DB, referenceFloor } from './latent-floor';

describe('latent floor', () => {
  it('fills a silent hole with the band mean 30 dB down and leaves active frames alone', () => {
    const std = 5;
    // 1 channel, 2 bands, 6 frames: level 0 everywhere but a hole of 2 frames at −90 dB (−9 ln10 / std in latent units).
    const hole = (-9 * Math.LN10) / std;
    const latent = Float32Array.from([0, 0, 0, 0, hole, hole, hole, hole, 0, 0, 0, 0]);
    const raised = applyLatentFloor(latent, 6, 1, 2, std);
    expect(raised).toBe(4);
    const floor = (-(FLOOR_DB / 10) * Math.LN10) / std;
    expect(Array.from(latent.subarray(4, 8))).toEqual([floor, floor, floor, floor].map(Math.fround));
    expect(Array.from(latent.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('leaves a latent whose frames all lie within 30 dB of the band mean unchanged', () => {
    const latent = Float32Array.from([0.1, -0.2, 0.3, -0.4, 0, 0.2]);
    const copy = latent.slice();
    expect(applyLatentFloor(latent, 3, 1, 2, 5)).toBe(0);
    expect(latent).toEqual(copy);
  });

  it('floors each band at the reference\'s quiet frames: its bed kept, its silences allowed', () => {
    // Reference, 2 dims × 20 frames: dim 0 a bed at −2 with events at 1; dim 1 near silence (−9) with events at 1.
    const reference = new Float32Array(40);
    for (let f = 0; f < 20; f++) {
      reference[f * 2] = f % 4 === 0 ? 1 : -2;
      reference[f * 2 + 1] = f % 4 === 0 ? 1 : -9;
    }
    const floor = referenceFloor(reference, 20, 2);
    expect(Array.from(floor)).toEqual([-2, -9]);
    // A generated hole at −6 in both dims: raised to the bed in dim 0, left as it is in dim 1.
    const latent = Float32Array.from([0.5, 0.5, -6, -6, 0.5, 0.5]);
    expect(applyBandFloor(latent, floor)).toBe(1);
    expect(Array.from(latent)).toEqual([0.5, 0.5, -2, -6, 0.5, 0.5]);
  });
});
