import { describe, expect, it } from 'vitest';
import { ComplexFft, RealFft, complexFft, realFft } from './fft';
import { Prng } from './prng';

function naiveDft(re: Float64Array, im: Float64Array, sign: 1 | -1): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-sign * 2 * Math.PI * k * t) / n;
      outRe[k] += re[t]! * Math.cos(angle) - im[t]! * Math.sin(angle);
      outIm[k] += re[t]! * Math.sin(angle) + im[t]! * Math.cos(angle);
    }
  }
  return [outRe, outIm];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, count = a.length): number {
  let worst = 0;
  for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('ComplexFft', () => {
  for (const n of [1, 2, 4, 8, 16, 64, 512]) {
    it(`matches a naive DFT at size ${n} and inverts`, () => {
      const prng = new Prng(n);
      const re = prng.fillGaussian(new Float64Array(n));
      const im = prng.fillGaussian(new Float64Array(n));
      const [expRe, expIm] = naiveDft(re, im, 1);
      const workRe = re.slice();
      const workIm = im.slice();
      complexFft(n).forward(workRe, workIm);
      expect(maxAbsDiff(workRe, expRe)).toBeLessThan(1e-9 * n);
      expect(maxAbsDiff(workIm, expIm)).toBeLessThan(1e-9 * n);
      complexFft(n).inverse(workRe, workIm);
      expect(maxAbsDiff(workRe, re)).toBeLessThan(1e-12 * n);
      expect(maxAbsDiff(workIm, im)).toBeLessThan(1e-12 * n);
    });
  }

  it('puts a complex exponential in exactly one bin', () => {
    const n = 32;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      re[t] = Math.cos((2 * Math.PI * 5 * t) / n);
      im[t] = Math.sin((2 * Math.PI * 5 * t) / n);
    }
    new ComplexFft(n).forward(re, im);
    for (let k = 0; k < n; k++) expect(Math.hypot(re[k]!, im[k]!)).toBeCloseTo(k === 5 ? n : 0, 9);
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => new ComplexFft(12)).toThrow(/power of two/);
    expect(() => new ComplexFft(0)).toThrow(/power of two/);
    expect(() => new RealFft(1)).toThrow(/≥ 2/);
  });
});

describe('RealFft', () => {
  for (const n of [2, 4, 8, 32, 2048]) {
    it(`matches the complex DFT of a real signal at size ${n} and inverts`, () => {
      const prng = new Prng(100 + n);
      const x = prng.fillGaussian(new Float64Array(n));
      const [expRe, expIm] = naiveDft(x, new Float64Array(n), 1);
      const plan = realFft(n);
      const outRe = new Float64Array(plan.bins);
      const outIm = new Float64Array(plan.bins);
      plan.forward(x, outRe, outIm);
      expect(maxAbsDiff(outRe, expRe, plan.bins)).toBeLessThan(1e-9 * n);
      expect(maxAbsDiff(outIm, expIm, plan.bins)).toBeLessThan(1e-9 * n);
      const back = new Float64Array(n);
      plan.inverse(outRe, outIm, back);
      expect(maxAbsDiff(back, x)).toBeLessThan(1e-12 * n);
    });
  }

  it('works on Float32Array in and out', () => {
    const n = 256;
    const x = new Prng(7).fillGaussian(new Float32Array(n));
    const plan = realFft(n);
    const re = new Float32Array(plan.bins);
    const im = new Float32Array(plan.bins);
    plan.forward(x, re, im);
    const back = new Float32Array(n);
    plan.inverse(re, im, back);
    expect(maxAbsDiff(back, x)).toBeLessThan(1e-5);
  });
});
