import { describe, expect, it } from 'vitest';
import { parseManifest } from '../pack/manifest';
import { clipSizes, sliceRows, padToMultiple, resampleRowRange, resampleRows } from './sequence';
import { readFileSync } from 'node:fs';
import { readTrainingFixture } from '../../dsp/training-fixture';

const manifest = parseManifest(JSON.parse(readFileSync(new URL('../../../public/models/foley-test/manifest.json', import.meta.url), 'utf8')));

describe('clipSizes', () => {
  it('derives the documented sizes for a 10 s clip', () => {
    const s = clipSizes(manifest, 10);
    expect(s.samples).toBe(441000);
    expect(s.latentFrames).toBe(Math.floor(441000 / 512) + 1);
    expect(padToMultiple(s.latentFrames, 4)).toBe(864);
    expect(s.visual.count).toBe(80);
    expect(s.sync.count).toBe(240);
    expect(s.curve).toEqual({ count: 60, rate: 6, phase: 0.5 });
  });

  it('sizes samples and curve points as training/foley does for odd durations (curve-length.json)', () => {
    type Clip = { durationSec: number; samples: number; points: number };
    const fixture = readTrainingFixture<{ sampleRate: number; curveRate: number; clips: Clip[] }>('curve-length.json');
    expect([manifest.sampleRate, manifest.loudness.curveRate]).toEqual([fixture.sampleRate, fixture.curveRate]);
    for (const { durationSec, samples, points } of fixture.clips) {
      const s = clipSizes(manifest, durationSec);
      expect([s.samples, s.curve.count], `${durationSec} s`).toEqual([samples, points]);
    }
  });

  it('rejects a non-positive duration', () => {
    expect(() => clipSizes(manifest, 0)).toThrow(/positive/);
  });
});

describe('resampleRows', () => {
  it('interpolates a linear ramp exactly and clamps past the ends', () => {
    // Value = time in seconds on a 4 Hz grid; read back on a 10 Hz grid.
    const ramp = Float32Array.from({ length: 8 }, (_, k) => k / 4);
    const out = resampleRows(ramp, 1, { count: 8, rate: 4, phase: 0 }, { count: 25, rate: 10, phase: 0 });
    for (let i = 0; i < 25; i++) expect(out[i]).toBeCloseTo(Math.min(i / 10, 7 / 4), 6);
  });

  it('honours the grid phase of loudness points (window centres)', () => {
    const curve = Float32Array.from([0, 1]);
    const out = resampleRows(curve, 1, { count: 2, rate: 1, phase: 0.5 }, { count: 3, rate: 2, phase: 0 });
    expect(Array.from(out)).toEqual([0, 0, 0.5]);
  });
});

describe('resampleRowRange', () => {
  it('gives rows of the whole resampling, and past its end the last row (as sliceRows pads)', () => {
    const source = Float32Array.from({ length: 16 }, (_, k) => Math.sin(k));
    const from = { count: 8, rate: 4, phase: 0 };
    const to = { count: 25, rate: 10, phase: 0 };
    const whole = resampleRows(source, 2, from, to);
    expect(Array.from(resampleRowRange(source, 2, from, to, 3, 7))).toEqual(Array.from(whole.subarray(6, 20)));
    expect(Array.from(resampleRowRange(source, 2, from, to, 20, 10))).toEqual(Array.from(sliceRows(whole, 2, 20, 10)));
  });
});

describe('sliceRows', () => {
  it('repeats the last row to pad and truncates to shorten', () => {
    const rows = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(sliceRows(rows, 2, 0, 3))).toEqual([1, 2, 3, 4, 3, 4]);
    expect(Array.from(sliceRows(rows, 2, 0, 1))).toEqual([1, 2]);
    expect(Array.from(sliceRows(rows, 2, 1, 2))).toEqual([3, 4, 3, 4]);
  });
});
