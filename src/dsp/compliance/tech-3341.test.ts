/** EBU Tech 3341 ("EBU Mode") compliance cases 1–6, 9, 10, 12, 13, 15–23, plus cases 1–5 at 44.1 and 96 kHz. */
import { describe, expect, it, vi } from 'vitest';
import { LoudnessMeter, MeterMode, measureLoudness } from '../loudness-meter';
import { truePeakDbtp } from '../true-peak';
import { interSamplePeakBurst, repeated, stereo, toneSequence, truePeakSine, type ToneSegment } from './test-signals';

// Minutes of audio per case on a shared 2-core machine: the default 5 s is too short, and no assertion is timed.
vi.setConfig({ testTimeout: 120_000 });

const LOUDNESS_TOLERANCE_LU = 0.1;

function tone(segments: [number, number][], sampleRate: number): Float32Array[] {
  return stereo(toneSequence(segments.map(([durationSec, peakDbfs]) => ({ durationSec, peakDbfs })), sampleRate));
}

/** Feeds `channels` in 10 ms pieces and returns the readings after each piece (time in s, M, S). */
function readEvery10Ms(channels: Float32Array[], sampleRate: number): { timeSec: number; momentary: number; shortTerm: number }[] {
  const meter = new LoudnessMeter({ sampleRate, channelCount: channels.length, modes: MeterMode.shortTerm });
  const piece = sampleRate / 100;
  const readings = [];
  for (let from = 0; from + piece <= channels[0].length; from += piece) {
    meter.addFrames(channels.map((c) => c.subarray(from, from + piece)));
    readings.push({ timeSec: (from + piece) / sampleRate, momentary: meter.momentaryLufs(), shortTerm: meter.shortTermLufs() });
  }
  return readings;
}

describe.each([48000, 44100, 96000])('Tech 3341 cases 1–5 at %i Hz', (sampleRate) => {
  it('case 1: 20 s at −23 dBFS → M, S, I = −23.0', () => {
    const signal = tone([[20, -23]], sampleRate);
    const m = measureLoudness(signal, sampleRate);
    expect(Math.abs(m.integrated + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    const end = readEvery10Ms(signal, sampleRate).at(-1)!;
    expect(Math.abs(end.momentary + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    expect(Math.abs(end.shortTerm + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 2: 20 s at −33 dBFS → M, S, I = −33.0', () => {
    const signal = tone([[20, -33]], sampleRate);
    const m = measureLoudness(signal, sampleRate);
    expect(Math.abs(m.integrated + 33)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    const end = readEvery10Ms(signal, sampleRate).at(-1)!;
    expect(Math.abs(end.momentary + 33)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    expect(Math.abs(end.shortTerm + 33)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 3: −36 / −23 / −36 dBFS → I = −23.0 (relative gate)', () => {
    const m = measureLoudness(tone([[10, -36], [60, -23], [10, -36]], sampleRate), sampleRate);
    expect(Math.abs(m.integrated + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 4: −72 / −36 / −23 / −36 / −72 dBFS → I = −23.0 (absolute and relative gates)', () => {
    const m = measureLoudness(tone([[10, -72], [10, -36], [60, -23], [10, -36], [10, -72]], sampleRate), sampleRate);
    expect(Math.abs(m.integrated + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 5: −26 / −20 (20.1 s) / −26 dBFS → I = −23.0', () => {
    const m = measureLoudness(tone([[20, -26], [20.1, -20], [20, -26]], sampleRate), sampleRate);
    expect(Math.abs(m.integrated + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });
});

describe('Tech 3341 at 48 kHz', () => {
  const sampleRate = 48000;

  it('case 6: 5.0 channels, surrounds weighted 1.41 → I = −23.0', () => {
    const level = (peakDbfs: number): Float32Array => toneSequence([{ durationSec: 20, peakDbfs }], sampleRate);
    const m = measureLoudness([level(-28), level(-28), level(-24), level(-30), level(-30)], sampleRate);
    expect(Math.abs(m.integrated + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 9: (1.34 s at −20, 1.66 s at −30) × 5 → S = −23.0, constant after 3 s', () => {
    const pattern: ToneSegment[] = [{ durationSec: 1.34, peakDbfs: -20 }, { durationSec: 1.66, peakDbfs: -30 }];
    const readings = readEvery10Ms(stereo(toneSequence(repeated(pattern, 5), sampleRate)), sampleRate);
    const afterWindow = readings.filter((r) => r.timeSec >= 3);
    expect(afterWindow.length).toBeGreaterThan(1000);
    for (const r of afterWindow) expect(Math.abs(r.shortTerm + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 10: 3 s at −23 dBFS after i·0.15 s of silence → max S = −23.0 in each of 20 files', () => {
    for (let i = 0; i < 20; i++) {
      const signal = tone([[i * 0.15, -Infinity], [3, -23], [1, -Infinity]], sampleRate);
      expect(Math.abs(measureLoudness(signal, sampleRate).shortTermMax + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    }
  });

  it('case 12: (0.18 s at −20, 0.22 s at −30) × 25 → M = −23.0, constant after 1 s', () => {
    const pattern: ToneSegment[] = [{ durationSec: 0.18, peakDbfs: -20 }, { durationSec: 0.22, peakDbfs: -30 }];
    const readings = readEvery10Ms(stereo(toneSequence(repeated(pattern, 25), sampleRate)), sampleRate);
    const afterOneSecond = readings.filter((r) => r.timeSec >= 1);
    expect(afterOneSecond.length).toBeGreaterThan(800);
    for (const r of afterOneSecond) expect(Math.abs(r.momentary + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
  });

  it('case 13: 400 ms at −23 dBFS after i·20 ms of silence → max M = −23.0 in each of 20 files', () => {
    for (let i = 0; i < 20; i++) {
      const signal = tone([[i * 0.02, -Infinity], [0.4, -23], [1, -Infinity]], sampleRate);
      expect(Math.abs(measureLoudness(signal, sampleRate).momentaryMax + 23)).toBeLessThanOrEqual(LOUDNESS_TOLERANCE_LU);
    }
  });

  /** True-peak tolerance of Tech 3341: +0.2 / −0.4 dB. */
  function expectTruePeak(channel: Float32Array, expectedDbtp: number): void {
    const measured = truePeakDbtp(stereo(channel));
    expect(measured).toBeLessThanOrEqual(expectedDbtp + 0.2);
    expect(measured).toBeGreaterThanOrEqual(expectedDbtp - 0.4);
  }

  it.each([
    [15, 1 / 4, 0.5, 0, -6],
    [16, 1 / 4, 0.5, 45, -6],
    [17, 1 / 6, 0.5, 60, -6],
    [18, 1 / 8, 0.5, 67.5, -6],
    [19, 1 / 4, 1.41, 45, 3],
  ])('case %i: sine at %f·fs, amplitude %f, phase %f° → %f dBTP', (_case, cyclesPerSample, amplitude, phaseDeg, expectedDbtp) => {
    expectTruePeak(truePeakSine(sampleRate, cyclesPerSample, amplitude, phaseDeg), expectedDbtp);
  });

  it.each([
    [20, 0],
    [21, 1],
    [22, 2],
    [23, 3],
  ])('case %i: fs/6 sine with one fs/4 period at 1.0, decimated with offset %i → 0.0 dBTP', (_case, offset) => {
    expectTruePeak(interSamplePeakBurst(sampleRate, offset), 0);
  });
});
