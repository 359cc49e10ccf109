import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { symmetricEigen } from './symmetric-eigen';

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('solves a 2×2 case by hand: [[2, 1], [1, 2]] has eigenvalues 1 and 3', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    expect(Math.abs(vectors[0]! * vectors[2]!)).toBeCloseTo(0.5, 14);
  });

  it('reconstructs a random 64×64 symmetric matrix as V·diag(λ)·Vᵀ with orthonormal V', () => {
    const n = 64;
    const prng = new Prng(7);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = prng.nextGaussian();
    const { values, vectors } = symmetricEigen(a, n);
    let worst = 0;
    let worstOrtho = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          dot += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        worst = Math.max(worst, Math.abs(rebuilt - a[i * n + j]!));
        worstOrtho = Math.max(worstOrtho, Math.abs(dot - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
    expect(worstOrtho).toBeLessThan(1e-12);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]!);
  });
});
