import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { StftPlan, istft, periodicHann, reflectIndex, stft, stftFrameCount } from './stft';

/** torch.stft(x, 8, hop_length=3, window=hann_window(8, periodic=True), center=True, pad_mode='reflect') in float64, rows = frames. */
const TORCH_RE = [
  [0.3853553391, 0.3896446609, -1.2, 0.6103553391, 0.0146446609],
  [1.2669417382, -0.8544417382, 0.0, 0.7544417382, -1.0669417382],
  [2.4, -1.2, 0.0, 0.0, 0.0],
  [3.5330582618, -1.5455582618, -0.0, -0.7544417382, 1.0669417382],
  [4.4146446609, -2.7896446609, 1.2, -0.6103553391, -0.0146446609],
];
const TORCH_IM = [
  [0, 0, 0, 0, 0],
  [0, 0.0337310601, 0.2037689399, 0.1337310601, 0],
  [0, 0.7881727984, -0.8631727984, 0.8881727984, 0],
  [0, 0.0337310601, 0.2037689399, 0.1337310601, 0],
  [0, 0, 0, 0, 0],
];

describe('stft', () => {
  it('matches torch.stft(center=True, reflect, periodic Hann) on a pinned example', () => {
    const x = Float64Array.from({ length: 13 }, (_, i) => (((i * 7) % 5) - 2) * 0.25 + 0.1 * i);
    const spec = stft(x, 8, 3);
    expect(spec.frames).toBe(5);
    expect(spec.bins).toBe(5);
    for (let t = 0; t < 5; t++) {
      for (let k = 0; k < 5; k++) {
        expect(spec.re[t * 5 + k]).toBeCloseTo(TORCH_RE[t]![k]!, 5);
        expect(spec.im[t * 5 + k]).toBeCloseTo(TORCH_IM[t]![k]!, 5);
      }
    }
  });

  it('has floor(N / hop) + 1 frames', () => {
    for (const n of [1, 511, 512, 513, 4000]) {
      expect(stft(new Float32Array(n).fill(0.5), 1024, 512).frames).toBe(stftFrameCount(n, 512));
      expect(stftFrameCount(n, 512)).toBe(Math.floor(n / 512) + 1);
    }
  });

  it('reflects like numpy.pad(mode="reflect")', () => {
    const mapped = Array.from({ length: 10 }, (_, i) => reflectIndex(i - 3, 4));
    expect(mapped).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
    expect(reflectIndex(-5, 1)).toBe(0);
  });

  it('uses the periodic Hann window', () => {
    const w = periodicHann(4);
    [0, 0.5, 1, 0.5].forEach((expected, i) => expect(w[i]).toBeCloseTo(expected, 12));
  });

  it('inverts exactly with istft at several hops and lengths', () => {
    const prng = new Prng(3);
    for (const [nFft, hop, n] of [
      [2048, 512, 44_100],
      [1024, 256, 5_000],
      [512, 128, 700],
      [256, 64, 129],
    ] as const) {
      const x = prng.fillGaussian(new Float32Array(n));
      const y = istft(stft(x, nFft, hop), nFft, hop, n);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('zero-pads istft output beyond the last frame and reuses buffers', () => {
    const plan = new StftPlan(64, 16);
    const x = new Prng(8).fillGaussian(new Float32Array(100));
    const spec = plan.forward(x);
    const again = plan.forward(x, spec);
    expect(again).toBe(spec);
    const long = plan.inverse(spec, 300);
    expect(long.length).toBe(300);
    expect(Math.abs(long[99]! - x[99]!)).toBeLessThan(1e-5);
    expect(long.subarray(100 + 32).every((v) => v === 0)).toBe(true);
  });

  it('rejects an empty signal and a bad hop', () => {
    expect(() => stft(new Float32Array(0), 64, 16)).toThrow(/empty/);
    expect(() => new StftPlan(64, 0)).toThrow(/hop/);
    expect(() => new StftPlan(64, 65)).toThrow(/hop/);
  });
});
