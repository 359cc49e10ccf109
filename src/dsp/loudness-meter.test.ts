import { describe, expect, it } from 'vitest';
import { LoudnessMeter, LoudnessModeError, MeterMode, gatedLoudnessLufs, lufsToEnergy, measureLoudness } from './loudness-meter';
import { loudnessRange } from './loudness-range';

function sine(durationSec: number, sampleRate: number, peak: number, hz = 1000): Float32Array {
  return Float32Array.from({ length: Math.round(durationSec * sampleRate) }, (_, n) => peak * Math.sin((2 * Math.PI * hz * n) / sampleRate));
}

const MINUS_23_DBFS = 10 ** (-23 / 20);

describe('measureLoudness', () => {
  it('reads the same streamed in odd-sized blocks as in one piece', () => {
    const x = sine(5, 48000, MINUS_23_DBFS);
    const whole = measureLoudness([x, x], 48000);
    const meter = new LoudnessMeter({ sampleRate: 48000, channelCount: 2 });
    for (let from = 0; from < x.length; from += 1237) {
      const piece = x.subarray(from, Math.min(x.length, from + 1237));
      meter.addFrames([piece, piece]);
    }
    expect(meter.integratedLufs()).toBeCloseTo(whole.integrated, 9);
    expect(meter.momentaryMaxLufs()).toBeCloseTo(whole.momentaryMax, 9);
    expect(meter.shortTermMaxLufs()).toBeCloseTo(whole.shortTermMax, 9);
    expect(meter.truePeakDbtp()).toBeCloseTo(whole.truePeak, 9);
  });

  it('weights mono as one loudspeaker (3 dB below the same signal on two) and dualMono as two', () => {
    const x = sine(3, 48000, MINUS_23_DBFS);
    expect(measureLoudness([x], 48000).integrated).toBeCloseTo(-23 - 10 * Math.log10(2), 1);
    expect(measureLoudness([x], 48000, { channelLayout: ['dualMono'] }).integrated).toBeCloseTo(-23, 1);
  });

  it('excludes the LFE of 5.1 and weights surrounds by 1.41 (+1.5 dB)', () => {
    const x = sine(3, 48000, MINUS_23_DBFS);
    const silent = new Float32Array(x.length);
    expect(measureLoudness([silent, silent, silent, x, silent, silent], 48000).integrated).toBe(-Infinity);
    const centreOnly = measureLoudness([silent, silent, x, silent, silent, silent], 48000).integrated;
    const surroundOnly = measureLoudness([silent, silent, silent, silent, x, silent], 48000).integrated;
    expect(surroundOnly - centreOnly).toBeCloseTo(10 * Math.log10(1.41), 2);
  });

  it('handles 1–8 channels with the default layouts', () => {
    const x = sine(1, 48000, 0.1);
    for (let count = 1; count <= 8; count++) {
      const m = measureLoudness(Array.from({ length: count }, () => x), 48000);
      expect(m.channels).toBe(count);
      expect(Number.isFinite(m.integrated)).toBe(true);
    }
    expect(() => measureLoudness(Array.from({ length: 9 }, () => x), 48000)).toThrow(/channelLayout/);
  });

  it('gives −Infinity, not an exception, for silence, zero-length, one sample and no channels', () => {
    for (const channels of [[new Float32Array(48000)], [new Float32Array(0)], [], [Float32Array.of(0)]]) {
      const m = measureLoudness(channels, 48000);
      expect([m.integrated, m.lra, m.momentaryMax, m.shortTermMax, m.truePeak]).toEqual([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
    }
    const one = measureLoudness([Float32Array.of(0.5)], 48000);
    expect(one.integrated).toBe(-Infinity); // no complete 400 ms block
    expect(Number.isFinite(one.momentaryMax)).toBe(true); // a 400 ms window of mostly silence
    expect(one.truePeak).toBeGreaterThanOrEqual(20 * Math.log10(0.5));
  });

  it('treats NaN/±Infinity samples as silence and DC as inaudible', () => {
    const x = sine(3, 48000, MINUS_23_DBFS);
    x[1000] = Number.NaN;
    x[2000] = Infinity;
    x[3000] = -Infinity;
    const m = measureLoudness([x, x], 48000);
    expect(m.integrated).toBeCloseTo(-23, 1);
    expect(Number.isFinite(m.truePeak)).toBe(true);
    const dc = new Float32Array(48000 * 3).fill(0.5);
    const meter = new LoudnessMeter({ sampleRate: 48000, channelCount: 1 });
    meter.addFrames([dc]);
    expect(meter.momentaryLufs()).toBeLessThan(-100); // the RLB high-pass removes DC; only its onset was heard
    expect(meter.truePeakDbtp()).toBeGreaterThanOrEqual(20 * Math.log10(0.5));
  });

  it('measures 8 kHz and 192 kHz', () => {
    for (const sampleRate of [8000, 192000]) {
      const x = sine(3, sampleRate, MINUS_23_DBFS, 500);
      expect(measureLoudness([x, x], sampleRate).integrated).toBeCloseTo(-23 - 0.55, 0);
    }
    expect(() => measureLoudness([sine(1, 2000, 0.1, 100)], 2000)).toThrow(RangeError);
    expect(() => measureLoudness([Float32Array.of(0.1)], 1e9)).toThrow(/not supported/);
  });
});

describe('LoudnessMeter modes', () => {
  it('refuses a measure whose mode was not enabled, and lra implies short-term', () => {
    const meter = new LoudnessMeter({ sampleRate: 48000, channelCount: 1, modes: MeterMode.momentary });
    expect(() => meter.integratedLufs()).toThrow(LoudnessModeError);
    expect(() => meter.truePeakDbtp()).toThrow(LoudnessModeError);
    const lra = new LoudnessMeter({ sampleRate: 48000, channelCount: 1, modes: MeterMode.lra });
    expect(lra.shortTermLufs()).toBe(-Infinity);
  });

  it('reset returns to the fresh state', () => {
    const meter = new LoudnessMeter({ sampleRate: 48000, channelCount: 1 });
    meter.addFrames([sine(1, 48000, 0.5)]);
    meter.reset();
    expect(meter.momentaryMaxLufs()).toBe(-Infinity);
    expect(meter.integratedLufs()).toBe(-Infinity);
    expect(meter.truePeakDbtp()).toBe(-Infinity);
  });
});

describe('gating stages', () => {
  it('drops blocks below −70 LUFS, then below −10 LU relative', () => {
    const blocks = Float64Array.from([lufsToEnergy(-20), lufsToEnergy(-20), lufsToEnergy(-35), lufsToEnergy(-80)]);
    expect(gatedLoudnessLufs(blocks)).toBeCloseTo(-20, 9);
    expect(gatedLoudnessLufs(new Float64Array(0))).toBe(-Infinity);
  });

  it('LRA uses nearest-rank 10th and 95th percentiles after the gates', () => {
    const values = Array.from({ length: 101 }, (_, i) => -30 + i * 0.1); // −30 … −20 LUFS
    const range = loudnessRange([...values, -90, -Infinity]);
    expect(range.lowLufs).toBeCloseTo(-29, 9);
    expect(range.highLufs).toBeCloseTo(-20.5, 9);
    expect(range.lraLu).toBeCloseTo(8.5, 9);
    expect(loudnessRange([]).lraLu).toBe(-Infinity);
  });
});
