import { describe, expect, it } from 'vitest';
import { curveFromJson, curvePointCount, curveToJson, momentaryLoudnessCurve, resampleCurve } from './loudness-curve';
import { LoudnessMeter, MeterMode } from './loudness-meter';
import { maxAbsDifference, readTrainingFixture } from './training-fixture';

function sine(durationSec: number, sampleRate: number, peak: number): Float32Array {
  return Float32Array.from({ length: Math.round(durationSec * sampleRate) }, (_, n) => peak * Math.sin((2 * Math.PI * 1000 * n) / sampleRate));
}

describe('momentaryLoudnessCurve', () => {
  it('has ceil(duration · 6) points per channel, measured per channel', () => {
    const left = sine(2.5, 48000, 10 ** (-23 / 20));
    const right = sine(2.5, 48000, 10 ** (-33 / 20));
    const curve = momentaryLoudnessCurve([left, right], 48000);
    expect(curve).toMatchObject({ rate: 6, windowSec: 0.4, unit: 'LUFS' });
    expect(curve.channels.map((c) => c.length)).toEqual([15, 15]);
    // One channel alone at −23 dBFS peak reads 3 dB below the stereo pair (weight 1.0, no partner).
    expect(curve.channels[0][7]).toBeCloseTo(-26.01, 1);
    expect(curve.channels[1][7]).toBeCloseTo(-36.01, 1);
  });

  it('agrees with the meter: point k is the 400 ms window centred at (k + 0.5)/6 s', () => {
    const sampleRate = 44100;
    const x = Float32Array.from({ length: 3 * sampleRate }, (_, n) => Math.sin(n * 0.05) * Math.exp(-((n / sampleRate - 1.3) ** 2) * 4));
    const curve = momentaryLoudnessCurve([x], sampleRate);
    const k = 8;
    const end = Math.round(((k + 0.5) / 6) * sampleRate - 0.2 * sampleRate) + Math.round(0.4 * sampleRate);
    const meter = new LoudnessMeter({ sampleRate, channelCount: 1, modes: MeterMode.momentary });
    meter.addFrames([x.subarray(0, end)]);
    expect(curve.channels[0][k]).toBeCloseTo(meter.momentaryLufs(), 2);
  });

  it('clips to [−70, 0] LUFS and survives silence, empty and one-sample input', () => {
    expect(Array.from(momentaryLoudnessCurve([new Float32Array(48000)], 48000).channels[0])).toEqual(new Array(6).fill(-70));
    expect(momentaryLoudnessCurve([new Float32Array(0)], 48000).channels[0].length).toBe(0);
    expect(momentaryLoudnessCurve([], 48000).channels).toEqual([]);
    expect(momentaryLoudnessCurve([Float32Array.of(1)], 48000).channels[0].length).toBe(1);
    const loud = Float32Array.from({ length: 48000 }, (_, n) => (n % 2 ? 1 : -1));
    expect(momentaryLoudnessCurve([loud, loud], 48000).channels[0][3]).toBe(0);
  });
});

describe('curve helpers', () => {
  it('resamples keeping interval centres aligned', () => {
    expect(Array.from(resampleCurve(Float32Array.from([0, 1]), 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(resampleCurve(Float32Array.from([0, 1, 2, 3]), 2))).toEqual([0.5, 2.5]);
    expect(Array.from(resampleCurve(Float32Array.from([5]), 3))).toEqual([5, 5, 5]);
    expect(resampleCurve(new Float32Array(0), 3).length).toBe(3);
  });

  it('round-trips the JSON form and rejects malformed curves with a reason', () => {
    const curve = momentaryLoudnessCurve([sine(1, 48000, 0.1), sine(1, 48000, 0.2)], 48000);
    const parsed = curveFromJson(JSON.parse(JSON.stringify(curveToJson(curve))));
    expect(parsed.channels[1]).toEqual(curve.channels[1]);
    expect(() => curveFromJson({ rate: 6, windowSec: 0.4, unit: 'dB', channels: [[1]] })).toThrow(/unit/);
    expect(() => curveFromJson({ rate: 6, windowSec: 0.4, unit: 'LUFS', channels: [[null]] })).toThrow(/channels\[0\]/);
    expect(() => curveFromJson('x')).toThrow(/object/);
  });
});

interface Segment {
  hz: number;
  peakDb: number;
  startSec: number;
  endSec: number;
}

interface KWeightingFixture {
  signal: { channels: Segment[][] };
  curves: { sampleRate: number; lengthSamples: number; lufs: number[][] }[];
}

/** The fixture's signal formula (training/foley/export/fixtures.py sine_segments): float64 sums stored as float32. */
function sineSegments(segments: Segment[], sampleRate: number, length: number): Float32Array {
  const x = new Float64Array(length);
  for (const { hz, peakDb, startSec, endSec } of segments) {
    const end = Math.min(length, Math.floor(endSec * sampleRate + 0.5));
    for (let n = Math.floor(startSec * sampleRate + 0.5); n < end; n++) x[n]! += 10 ** (peakDb / 20) * Math.sin((2 * Math.PI * hz * n) / sampleRate);
  }
  return Float32Array.from(x);
}

describe('parity with training/foley/loudness.py', () => {
  it('gives the same per-channel momentary curve at 44.1 and 48 kHz over odd lengths (k-weighting.json)', () => {
    const fixture = readTrainingFixture<KWeightingFixture>('k-weighting.json');
    for (const { sampleRate, lengthSamples, lufs } of fixture.curves) {
      const channels = fixture.signal.channels.map((segments) => sineSegments(segments, sampleRate, lengthSamples));
      const curve = momentaryLoudnessCurve(channels, sampleRate);
      curve.channels.forEach((values, c) => {
        const worst = maxAbsDifference(values, lufs[c]!);
        console.info(`curve parity vs loudness.py, ${sampleRate} Hz channel ${c}: max ${worst.toExponential(2)} LU over ${values.length} points`);
        // Both round float64 LUFS to float32 (one step ≈ 4e-6 LU at −30); a 0.004 dB filter change is 400× this.
        expect(worst).toBeLessThan(1e-5);
      });
    }
  });

  it('counts curve points as loudness.py curve_length does (curve-length.json)', () => {
    const fixture = readTrainingFixture<{ curveRate: number; lengths: { lengthSamples: number; sampleRate: number; points: number }[] }>('curve-length.json');
    for (const { lengthSamples, sampleRate, points } of fixture.lengths) {
      expect(curvePointCount(lengthSamples, sampleRate, fixture.curveRate), `${lengthSamples} samples at ${sampleRate} Hz`).toBe(points);
    }
    expect(momentaryLoudnessCurve([new Float32Array(7351)], 44100).channels[0]!.length).toBe(2);
  });
});
