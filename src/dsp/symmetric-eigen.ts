/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * Matrix Computations, §8.5): slow for big matrices but unconditionally stable and accurate to a few ulps of the
 * largest eigenvalue, which is what a 64×64 covariance needs. Row-major n×n float64 in, nothing mutated.
 */

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Column j of the row-major n×n matrix is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 100;

function offDiagonalNorm(a: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += a[i * n + j]! ** 2;
  return Math.sqrt(2 * sum);
}

function frobenius(a: Float64Array): number {
  let sum = 0;
  for (const v of a) sum += v * v;
  return Math.sqrt(sum);
}

/**
 * One Jacobi rotation zeroing a[p][q] (Golub & Van Loan, Algorithm 8.5.1), applied to a (both sides) and to the
 * eigenvector columns v. Also used by mel.ts's pseudo-inverse.
 */
export function jacobiRotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q]!;
  if (apq === 0) return;
  const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p]!;
    const akq = a[k * n + q]!;
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k]!;
    const aqk = a[q * n + k]!;
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!;
    const vkq = v[k * n + q]!;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  if (matrix.length !== n * n) throw new RangeError(`symmetricEigen: ${matrix.length} values is not ${n}×${n}`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const tolerance = 1e-15 * Math.max(frobenius(a), Number.MIN_VALUE);
  for (let sweep = 0; sweep < MAX_SWEEPS && offDiagonalNorm(a, n) > tolerance; sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) jacobiRotate(a, v, n, p, q);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}
