import { describe, expect, it } from 'vitest';
import { windowKnown } from '../conditioning/known-frames';
import { checkReferenceInit, referenceStart } from './reference-init';

const DIMS = 3;
/** A reference of 4 latent rows whose values name their row: row r = [r, r, r]. */
const REFERENCE = { data: Float32Array.from({ length: 4 * DIMS }, (_, i) => Math.floor(i / DIMS)), frames: 4, dims: DIMS };

describe('reference init (SDEdit start from the looped reference)', () => {
  it('mixes noise with the reference looped over the clip frames, continuing the loop across windows', () => {
    const noise = new Float32Array(6 * DIMS).fill(10);
    // A window starting at clip frame 3 with no known rows: rows take reference rows 3, 0, 1, 2, 3, 0.
    const start = referenceStart(noise, DIMS, 0.25, REFERENCE, null, 3);
    const rows = Array.from({ length: 6 }, (_, j) => start[j * DIMS]!);
    expect(rows).toEqual([3, 0, 1, 2, 3, 0].map((r) => 0.75 * 10 + 0.25 * r));
    expect(noise.every((v) => v === 10)).toBe(true);
  });

  it('puts known rows (the reference prefix, the window before) on the path as themselves', () => {
    const prefix = { latent: { data: new Float32Array(2 * DIMS).fill(-5), frames: 2, dims: DIMS }, loudness: new Float32Array(4) };
    const before = { startFrame: 0, frames: 2, dims: DIMS, data: new Float32Array(2 * DIMS).fill(7) };
    const known = windowKnown(1, 4, DIMS, prefix, [before]);
    const start = referenceStart(new Float32Array(6 * DIMS), DIMS, 0.5, REFERENCE, known, 1);
    // Rows: 2 prefix rows (−5), clip frame 1 known from the window before (7), clip frames 2–4 from reference rows 2, 3, 0.
    expect(Array.from({ length: 6 }, (_, j) => start[j * DIMS]! / 0.5)).toEqual([-5, -5, 7, 2, 3, 0]);
  });

  it('accepts 0 to 0.95 and refuses anything else', () => {
    expect(checkReferenceInit(0)).toBe(0);
    expect(checkReferenceInit(0.95)).toBe(0.95);
    for (const bad of [-0.1, 0.96, 1, Number.NaN]) expect(() => checkReferenceInit(bad)).toThrow(/reference init must be a number from 0 to 0.95/);
  });
});
