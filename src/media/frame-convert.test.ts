import { describe, expect, it } from 'vitest';
import { areaResizePlane, areaResizeRgbaToChw, areaWeights, rgbaToChw, rotateChw, yuvToRgbChw } from './frame-convert';

describe('areaWeights', () => {
  it('gives every output taps summing to 1 that cover exactly its share of the input', () => {
    for (const [src, dst] of [[1280, 224], [7, 3], [3, 7], [100, 100]]) {
      const w = areaWeights(src, dst);
      const coverage = new Float64Array(src);
      for (let d = 0; d < dst; d++) {
        let sum = 0;
        for (let k = w.offsets[d]; k < w.offsets[d + 1]; k++) {
          sum += w.weight[k];
          coverage[w.index[k]] += w.weight[k] * (src / dst);
        }
        expect(sum).toBeCloseTo(1, 6);
      }
      // Downscaling: each input pixel contributes exactly one pixel's worth in total.
      if (src >= dst) coverage.forEach((c) => expect(c).toBeCloseTo(1, 4));
    }
  });
});

describe('areaResizePlane', () => {
  it('averages 2×2 blocks exactly on a 2× downscale', () => {
    const data = Uint8Array.from([0, 100, 10, 30, 200, 100, 50, 70]);
    const out = areaResizePlane({ data, offset: 0, strideBytes: 4, step: 1, width: 4, height: 2 }, 2, 1);
    expect(Array.from(out)).toEqual([100, 40]);
  });

  it('turns a 1-pixel checkerboard into flat mid-grey (no aliasing)', () => {
    const n = 64;
    const data = Uint8Array.from({ length: n * n }, (_, i) => ((i % n) + Math.floor(i / n)) % 2 ? 255 : 0);
    const out = areaResizePlane({ data, offset: 0, strideBytes: n, step: 1, width: n, height: n }, 10, 10);
    out.forEach((v) => expect(Math.abs(v - 127.5)).toBeLessThan(4));
  });

  it('honours offset, stride and step (one channel of padded RGBA)', () => {
    const width = 3, stride = 16;
    const data = new Uint8Array(stride * 2);
    for (let y = 0; y < 2; y++) for (let x = 0; x < width; x++) data[y * stride + x * 4 + 1] = 90;
    const out = areaResizePlane({ data, offset: 1, strideBytes: stride, step: 4, width, height: 2 }, 1, 1);
    expect(out[0]).toBeCloseTo(90, 4);
  });
});

describe('rotateChw', () => {
  // One 3×2 plane:  1 2 3
  //                 4 5 6
  const plane = Float32Array.from([1, 2, 3, 4, 5, 6]);
  it.each([
    [0, [1, 2, 3, 4, 5, 6]],
    [90, [4, 1, 5, 2, 6, 3]],
    [180, [6, 5, 4, 3, 2, 1]],
    [270, [3, 6, 2, 5, 1, 4]],
  ] as const)('turns %i° clockwise', (deg, expected) => {
    expect(Array.from(rotateChw(plane, 3, 2, deg))).toEqual(expected);
  });

  it('turns every channel', () => {
    const two = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
    expect(Array.from(rotateChw(two, 2, 2, 90))).toEqual([3, 1, 4, 2, 30, 10, 40, 20]);
  });
});

describe('RGB conversion', () => {
  it('areaResizeRgbaToChw keeps channels apart and scales to [0, 1]', () => {
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([255, 51, 0, 255], i * 4);
    const out = areaResizeRgbaToChw({ data: rgba, width: 4, height: 4, strideBytes: 16 }, 2, 2);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 1, 1, 1]);
    out.subarray(4, 8).forEach((v) => expect(v).toBeCloseTo(0.2, 6));
    expect(Array.from(out.subarray(8, 12))).toEqual([0, 0, 0, 0]);
  });

  it('rgbaToChw is the identity-size case', () => {
    const out = rgbaToChw(Uint8ClampedArray.from([255, 0, 51, 9, 0, 255, 0, 9]), 2, 1);
    expect(Array.from(out).map((v) => Math.round(v * 100) / 100)).toEqual([1, 0, 0, 1, 0.2, 0]);
  });

  it('yuvToRgbChw maps limited-range black, white and BT.709 red to RGB', () => {
    // BT.709 limited-range 100% red: Y=63, Cb=102, Cr=240 (ITU-R BT.709 §3.5, rounded).
    const p = (a: number[]) => Float32Array.from(a);
    const out = yuvToRgbChw({ y: p([16, 235, 63]), u: p([128, 128, 102]), v: p([128, 128, 240]), matrix: 'bt709', fullRange: false }, 3, 1);
    const px = (i: number) => [out[i], out[3 + i], out[6 + i]].map((v) => Math.round(v * 50) / 50);
    expect(px(0)).toEqual([0, 0, 0]);
    expect(px(1)).toEqual([1, 1, 1]);
    expect(px(2)).toEqual([1, 0, 0]);
  });
});
