import { describe, expect, it } from 'vitest';
import { Prng } from '../dsp/prng';
import { frechetDistance, logMelFeatures, melFrechetDistance, type FeatureRows } from './frechet';
import { bursts, RATE, sine } from './test-signals';

/** Deterministic features, mirrored exactly by the Python reference below (sin-hash in [0, 1)). */
function hashFeatures(rows: number, dims: number, seed: number, mix: number): FeatureRows {
  const h = (r: number, d: number): number => {
    const v = Math.sin(r * 12.9898 + d * 78.233 + seed * 37.719) * 43758.5453;
    return v - Math.floor(v);
  };
  const values = new Float64Array(rows * dims);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) values[r * dims + d] = h(r, d) + mix * h(r, (d + 1) % dims) + 0.01 * d;
  return { rows, dims, values };
}

describe('Fréchet distance', () => {
  /*
   * Reference values from numpy 2.4.6 / scipy 1.17.1, computed once with:
   *   python3 -c '
   *   import math, numpy as np, scipy.linalg
   *   def h(r, d, s):
   *       v = math.sin(r * 12.9898 + d * 78.233 + s * 37.719) * 43758.5453; return v - math.floor(v)
   *   def feats(rows, dims, s, mix):
   *       return np.array([[h(r, d, s) + mix * h(r, (d + 1) % dims, s) + 0.01 * d for d in range(dims)] for r in range(rows)])
   *   def fd(a, b):
   *       m1, m2 = a.mean(0), b.mean(0); c1, c2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
   *       return float(((m1 - m2) ** 2).sum() + np.trace(c1 + c2 - 2 * scipy.linalg.sqrtm(c1 @ c2).real))
   *   for rows, dims in [(300, 64), (40, 3)]: print(repr(fd(feats(rows, dims, 1, 0.0), feats(rows, dims, 2, 0.5))))'
   */
  it('matches scipy.linalg.sqrtm on 64 and 3 dimensions', () => {
    expect(frechetDistance(hashFeatures(300, 64, 1, 0), hashFeatures(300, 64, 2, 0.5))).toBeCloseTo(5.141411500260614, 9);
    expect(frechetDistance(hashFeatures(40, 3, 1, 0), hashFeatures(40, 3, 2, 0.5))).toBeCloseTo(0.2683902493751956, 12);
  });

  it('is ≈ 0 for identical features and for identical audio', () => {
    const a = hashFeatures(300, 64, 1, 0);
    expect(Math.abs(frechetDistance(a, a))).toBeLessThan(1e-9);
    const clip = bursts([0.3, 1.2, 2.0], 3);
    // Not exactly 0: the −18.4 (log 1e-8) floor bands make the covariance span ~12 decades, and the square roots
    // of its smallest eigenvalues carry their rounding; real clips score 10²–10³.
    expect(Math.abs(melFrechetDistance(clip, clip, RATE))).toBeLessThan(1e-3);
  });

  it('grows with the difference in timbre: noise vs noise ≪ noise vs tone', () => {
    const prng = new Prng(5);
    const noise = (): Float32Array[] => [Float32Array.from({ length: 3 * RATE }, () => 0.1 * prng.nextGaussian())];
    const reference = noise();
    const sameKind = melFrechetDistance(reference, noise(), RATE);
    const tone = melFrechetDistance(reference, [sine(440, 3, () => 0.1)], RATE);
    expect(sameKind).toBeGreaterThan(0);
    expect(tone).toBeGreaterThan(100 * sameKind);
  });

  it('frames the mix with hop 960 and no padding: 64 log-mel values per frame', () => {
    const f = logMelFeatures([new Float32Array(2048 + 960 * 9)], RATE);
    expect(f).toMatchObject({ rows: 10, dims: 64 });
    expect(f.values[0]).toBeCloseTo(Math.log(1e-8), 9);
  });
});
