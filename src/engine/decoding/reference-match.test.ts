import { describe, expect, it } from 'vitest';
import { momentaryLoudnessCurve } from '../../dsp/loudness-curve';
import { audioToLatent, type LogMelParams } from '../../dsp/log-mel';
import { Prng } from '../../dsp/prng';
import { matchReference, referenceProfile, type ReferenceProfile } from './reference-match';

// The shipped pack's latent at a lower rate, so a few seconds of audio stay quick.
const PARAMS: LogMelParams = { sampleRate: 16000, nFft: 1024, hop: 256, nMels: 48, fminHz: 0, fmaxHz: 8000, logFloor: 1e-5, mean: -7.8, std: 5.22 };

/** Seeded noise, `colour` filtering each white sample with the previous output; stereo copies. */
function noise(durationSec: number, seed: number, colour: (white: number, previous: number) => number, gain: (t: number) => number = () => 1): Float32Array[] {
  const prng = new Prng(seed);
  let previous = 0;
  const mono = Float32Array.from({ length: Math.round(durationSec * PARAMS.sampleRate) }, (_, i) => {
    previous = colour(0.1 * prng.nextGaussian(), previous);
    return previous * gain(i / PARAMS.sampleRate);
  });
  return [mono, mono.slice()];
}

const white = (w: number): number => w;
const dark = (w: number, previous: number): number => 0.2 * w + 0.95 * previous;

/** The audio's own profile (its band means and sorted frame contrasts) measured as the prompt's is. */
function profileOf(audio: Float32Array[]): ReferenceProfile {
  return referenceProfile(audioToLatent(audio, PARAMS), PARAMS, 0.4);
}

/** RMS over bands of the difference of two log spectra with its mean (the overall level) taken out: their shapes' distance. */
function shapeDistance(a: Float64Array, b: Float64Array): number {
  const offset = a.reduce((s, v, m) => s + v - b[m]!, 0) / a.length;
  return Math.sqrt(a.reduce((s, v, m) => s + (v - b[m]! - offset) ** 2, 0) / a.length);
}
const spread = (sorted: Float64Array): number => sorted[Math.floor(0.9 * sorted.length)]! - sorted[Math.floor(0.1 * sorted.length)]!;

describe('reference match', () => {
  it("moves the decoded audio's spectrum onto the prompt's without changing its power much", () => {
    const generated = noise(3, 1, white);
    const prompt = profileOf(noise(2, 2, dark));
    const before = profileOf(generated);
    const matched = matchReference(generated, prompt, PARAMS, 0.4);
    const after = profileOf(matched);
    // White against strongly low-passed noise: several nats per band apart, under half a nat after.
    expect(shapeDistance(before.bandLogPower, prompt.bandLogPower)).toBeGreaterThan(2);
    expect(shapeDistance(after.bandLogPower, prompt.bandLogPower)).toBeLessThan(0.5);
    // The loudness the curve measures (K-weighted, 400 ms) stays where it was, though the spectrum moved a lot.
    const curve = (audio: Float32Array[]) => momentaryLoudnessCurve(audio, PARAMS.sampleRate, { rate: 6, windowSec: 0.4 }).channels[0]!;
    const [want, got] = [curve(generated), curve(matched)];
    for (let k = 1; k < want.length - 1; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(0.5);
    expect(matched[1]).toEqual(matched[0]);
  });

  it("gives a steady sound the prompt's gaps: its quiet frames as quiet as the recording's between hits", () => {
    const generated = noise(3, 3, white);
    // Hits of 60 ms every 300 ms over a bed 40 dB down.
    const hits = noise(2, 4, white, (t) => (t % 0.3 < 0.06 ? 1 : 0.01));
    const prompt = profileOf(hits);
    const before = profileOf(generated).frameContrast;
    const matched = matchReference(generated, prompt, PARAMS, 0.4);
    const after = profileOf(matched).frameContrast;
    // The power over each 400 ms, what the loudness curve measures, stays about as it was (held on STFT frames; with
    // hits 40 dB over their bed the overlap-add moves some of a hit's power across a window's edge).
    const windowPower = (audio: Float32Array[], at: number): number => audio[0]!.subarray(at, at + 6400).reduce((s, v) => s + v * v, 0);
    const errorsDb = Array.from({ length: 26 }, (_, i) => 10 * Math.log10(windowPower(matched, i * 1600) / windowPower(generated, i * 1600)));
    expect(Math.max(...errorsDb.map(Math.abs))).toBeLessThan(2);
    expect(Math.abs(errorsDb.reduce((s, e) => s + e, 0) / errorsDb.length)).toBeLessThan(0.3);
    expect(spread(before)).toBeLessThan(1);
    expect(spread(prompt.frameContrast)).toBeGreaterThan(5);
    // The frames' spread now close to the recording's (STFT frames overlap, so the deepest gaps fill a little).
    expect(spread(after)).toBeGreaterThan(0.6 * spread(prompt.frameContrast));
  });

  it('gives the contrast inside every window whatever the level the curve set there', () => {
    // The first half 20 dB under the second, as a shaped curve may leave it.
    const generated = noise(4, 6, white, (t) => (t < 2 ? 0.1 : 1));
    const prompt = profileOf(noise(2, 4, white, (t) => (t % 0.3 < 0.06 ? 1 : 0.01)));
    const matched = matchReference(generated, prompt, PARAMS, 0.4);
    const half = (audio: Float32Array[], from: number) => audio.map((c) => c.subarray(from, from + 24000));
    for (const from of [4000, 36000]) expect(spread(profileOf(half(matched, from)).frameContrast)).toBeGreaterThan(0.6 * spread(prompt.frameContrast));
  });

  it('leaves silence silent and keeps the length', () => {
    const silent = [new Float32Array(5000), new Float32Array(5000)];
    const matched = matchReference(silent, profileOf(noise(2, 5, dark)), PARAMS, 0.4);
    expect(matched[0]!.length).toBe(5000);
    expect(matched.every((c) => c.every((v) => v === 0))).toBe(true);
  });
});

