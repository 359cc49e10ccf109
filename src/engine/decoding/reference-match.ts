/**
 * The decoded audio matched to its audio prompt (docs/model-pack.md, "Audio prompt anchoring"): the last of the
 * anchoring corrections, made on the audio the listener hears rather than on the latent the decoder starts from.
 *
 * The latent is already moved onto the prompt's spectrum and floored at its bed (prompt-anchor.ts,
 * latent-floor.ts), but Griffin-Lim does not reproduce the magnitudes it is given: on the 33 real dev clips (ref
 * protocol, foley-tiny 0.3.3) the decoded output's mean log-mel spectrum still sat 0.9 nats rms per band off the
 * prompt's, and its short frames were more even than the recording's (the recording's hits stand out of deeper
 * gaps within each 400 ms the loudness curve sees). Two corrections on the STFT of audio already shaped to the
 * curve (generate.ts), in the pack's own mel domain (the one the prompt's latent is in):
 * - spectrum: the mean log mel power per band over all frames moves onto the prompt's — an EQ match, limited to
 *   ±24 dB, re-centred so it changes shape, not power;
 * - contrast: each frame's log power relative to its loudness window's mean takes the prompt's value at the same
 *   rank (quantile mapping, as `matchLevels` does for the 400 ms curve): quiet frames get as quiet as the recording's
 *   gaps, loud ones stand out as its hits do, at whatever level the curve set for the window.
 * The K-weighted power of every loudness window is then put back as it was, so the curve still holds. Matched
 * before shaping, the shaper's gains of tens of dB per 400 ms undid most of it (mel-FD 216 against 206).
 */

import { latentFilterbank, type Latent, type LogMelParams } from '../../dsp/log-mel';
import { kWeightingFilter, kWeightingGainDb } from '../../dsp/k-weighting';
import { applyMel, type MelFilterbank } from '../../dsp/mel';
import { StftPlan, type Spectrogram } from '../../dsp/stft';
import { logSumExp, quantileOfSorted } from '../conditioning/prompt-anchor';

/** What the decoded audio is matched to: the audio prompt's spectrum and the contrast of its frames. */
export interface ReferenceProfile {
  /** Mean ln mel power per band over the prompt's frames and channels, [nMels]. */
  bandLogPower: Float64Array;
  /**
   * Each prompt frame's ln mel power (summed over bands, mean over channels) less the mean of that over the loudness
   * window centred on it: how far its hits stand out of its gaps, whatever its level. Ascending.
   */
  frameContrast: Float64Array;
}

/** The spectrum correction's limit per band, as the latent anchor's: 24 dB of power. */
const MAX_BAND_GAIN_NATS = 2.4 * Math.LN10;
/** A frame moves at most 48 dB: past that a quiet window's noise would be pumped up or a hit wiped out. */
const MAX_FRAME_GAIN_NATS = 4.8 * Math.LN10;

/** Loudness-window length in STFT frames. */
function windowFramesOf(p: LogMelParams, windowSec: number): number {
  return Math.max(1, Math.round((windowSec * p.sampleRate) / p.hop));
}

/** Mean of the values in the centred window of `width` around each (fewer at the edges). */
function localMean(values: Float64Array, width: number): Float64Array {
  const sums = movingSum(values, width);
  const counts = movingSum(values.map(() => 1), width);
  return sums.map((sum, i) => sum / counts[i]!);
}

/** Each value less the mean of the values in the centred window of `width` around it. */
function lessLocalMean(values: Float64Array, width: number): Float64Array {
  const means = localMean(values, width);
  return values.map((v, i) => v - means[i]!);
}

/** The prompt's profile from its latent (normalised ln mel power, [frames, channels·nMels]). */
export function referenceProfile(latent: Latent, p: LogMelParams, windowSec: number): ReferenceProfile {
  const channels = latent.dims / p.nMels;
  if (!Number.isInteger(channels) || channels < 1 || latent.frames < 1) throw new RangeError(`referenceProfile needs a latent of whole ${p.nMels}-band channels and at least one frame`);
  const bandLogPower = new Float64Array(p.nMels);
  const frameLogPower = new Float64Array(latent.frames);
  for (let t = 0; t < latent.frames; t++) {
    let power = 0;
    for (let i = 0; i < latent.dims; i++) {
      const logPower = latent.data[t * latent.dims + i]! * p.std + p.mean;
      bandLogPower[i % p.nMels]! += logPower;
      power += Math.exp(logPower);
    }
    frameLogPower[t] = Math.log(power / channels);
  }
  bandLogPower.forEach((sum, m) => (bandLogPower[m] = sum / (latent.frames * channels)));
  return { bandLogPower, frameContrast: lessLocalMean(frameLogPower, windowFramesOf(p, windowSec)).sort() };
}

/** ln mel power (floored) of every frame and channel, [frames, channels, nMels], with each bin's power scaled by binScale. */
function melLogPower(specs: Spectrogram[], fb: MelFilterbank, logFloor: number, binScale: Float64Array | null): Float64Array {
  const { frames, bins } = specs[0]!;
  const out = new Float64Array(frames * specs.length * fb.nMels);
  const power = new Float64Array(bins);
  const mel = new Float64Array(fb.nMels);
  specs.forEach((spec, c) => {
    for (let t = 0; t < frames; t++) {
      const row = t * bins;
      for (let k = 0; k < bins; k++) power[k] = (spec.re[row + k]! ** 2 + spec.im[row + k]! ** 2) * (binScale ? binScale[k]! : 1);
      applyMel(fb, power, mel);
      const base = (t * specs.length + c) * fb.nMels;
      for (let m = 0; m < fb.nMels; m++) out[base + m] = Math.log(Math.max(mel[m]!, logFloor));
    }
  });
  return out;
}

/** Per-band gain (nats of power, [nMels]) moving the mean log spectrum `own` onto `target`, power kept. */
function spectrumGain(own: Float64Array, target: Float64Array): Float64Array {
  const gain = own.map((value, m) => Math.min(MAX_BAND_GAIN_NATS, Math.max(-MAX_BAND_GAIN_NATS, target[m]! - value)));
  const shift = logSumExp(own.map((value, m) => value + gain[m]!)) - logSumExp(own);
  return gain.map((value) => value - shift);
}

/** Band gains spread over STFT bins by the filterbank's weights; bins outside every band take the nearest band's. */
function binGains(fb: MelFilterbank, bandGain: Float64Array): Float64Array {
  const { bins, weights } = fb;
  const sum = new Float64Array(bins);
  const weight = new Float64Array(bins);
  for (let m = 0; m < fb.nMels; m++) {
    for (let k = fb.firstBin[m]!; k < fb.endBin[m]!; k++) {
      sum[k]! += weights[m * bins + k]! * bandGain[m]!;
      weight[k]! += weights[m * bins + k]!;
    }
  }
  return sum.map((value, k) => (weight[k]! > 1e-9 ? value / weight[k]! : k < fb.firstBin[0]! ? bandGain[0]! : bandGain[fb.nMels - 1]!));
}

/** Centred moving sum over `width` frames (fewer at the edges). */
function movingSum(values: Float64Array, width: number): Float64Array {
  const prefix = new Float64Array(values.length + 1);
  values.forEach((v, i) => (prefix[i + 1] = prefix[i]! + v));
  const before = width >> 1;
  return values.map((_, i) => prefix[Math.min(values.length, i - before + width)]! - prefix[Math.max(0, i - before)]!);
}

/**
 * Corrects `frameGain` (nats) so the power over every centred window of `windowFrames` is what it was before the
 * match: a few passes, each adding the remaining log ratio averaged over the window around the frame (a smooth
 * correction, so the frames keep their contrast). `before` and `equalised` are each frame's power before any gain and after the EQ.
 */
function holdWindowPower(frameGain: Float64Array, before: Float64Array, equalised: Float64Array, windowFrames: number): void {
  const want = movingSum(before, windowFrames);
  for (let pass = 0; pass < 4; pass++) {
    const have = movingSum(equalised.map((power, t) => power * Math.exp(frameGain[t]!)), windowFrames);
    // The log ratio smoothed over a window again: a frame between two windows that disagree takes their middle, so
    // a hit does not take its own window's correction alone (that overshot: +1 dB on hits 40 dB over their bed).
    const update = localMean(have.map((h, t) => (want[t]! > 0 && h > 0 ? Math.log(want[t]! / h) : 0)), windowFrames);
    frameGain.forEach((gain, t) => (frameGain[t] = Math.min(MAX_FRAME_GAIN_NATS, Math.max(-MAX_FRAME_GAIN_NATS, gain + update[t]!))));
  }
}

/** Power of each frame, channels summed, with each bin's power scaled by binScale when given. */
function framePowers(specs: Spectrogram[], binScale: Float64Array | null): Float64Array {
  const { frames, bins } = specs[0]!;
  const out = new Float64Array(frames);
  for (const spec of specs) {
    for (let t = 0; t < frames; t++) {
      let sum = 0;
      for (let k = 0; k < bins; k++) sum += (spec.re[t * bins + k]! ** 2 + spec.im[t * bins + k]! ** 2) * (binScale ? binScale[k]! : 1);
      out[t]! += sum;
    }
  }
  return out;
}

/** Each STFT bin's K-weighting power gain (ITU-R BS.1770), so the power held is the loudness the curve measures. */
function kWeights(p: LogMelParams): Float64Array {
  const filter = kWeightingFilter(p.sampleRate);
  return Float64Array.from({ length: p.nFft / 2 + 1 }, (_, k) => 10 ** (kWeightingGainDb(filter, (k * p.sampleRate) / p.nFft, p.sampleRate) / 10));
}

/** Scales every frame of `specs` by exp(gain[t] / 2) and every bin by `binAmplitude` (when given), then inverts. */
function resynthesise(specs: Spectrogram[], plan: StftPlan, frameGain: Float64Array, binAmplitude: Float64Array | null, lengthSamples: number): Float32Array[] {
  const { frames, bins } = specs[0]!;
  return specs.map((spec) => {
    for (let t = 0; t < frames; t++) {
      const frameAmplitude = Math.exp(frameGain[t]! / 2);
      for (let k = 0; k < bins; k++) {
        const amplitude = (binAmplitude ? binAmplitude[k]! : 1) * frameAmplitude;
        spec.re[t * bins + k]! *= amplitude;
        spec.im[t * bins + k]! *= amplitude;
      }
    }
    return plan.inverse(spec, lengthSamples);
  });
}

/**
 * Audio (planar channels at the pack's rate) → the same audio with the prompt's spectrum and the contrast of its
 * frames, the K-weighted power over every `windowSec` (the loudness curve's window) kept as it was.
 */
export function matchReference(audio: Float32Array[], profile: ReferenceProfile, p: LogMelParams, windowSec: number): Float32Array[] {
  if (audio.length === 0 || audio[0]!.length === 0) return audio;
  const fb = latentFilterbank(p);
  const plan = new StftPlan(p.nFft, p.hop);
  const specs = audio.map((channel) => plan.forward(channel));
  const { frames } = specs[0]!;
  const channels = specs.length;
  const windowFrames = windowFramesOf(p, windowSec);

  const before = melLogPower(specs, fb, p.logFloor, null);
  const ownBands = new Float64Array(p.nMels);
  for (let i = 0; i < before.length; i++) ownBands[i % p.nMels]! += before[i]!;
  ownBands.forEach((sum, m) => (ownBands[m] = sum / (frames * channels)));
  const binScale = binGains(fb, spectrumGain(ownBands, profile.bandLogPower)).map(Math.exp);

  // Each frame's power after the EQ relative to its window's, ranked against the prompt's: the contrast inside a
  // window changes, not the windows' levels, which the curve set (ranking absolute powers over a block whose curve
  // moves by 20 dB gave the quiet windows all the low quantiles and left almost no contrast inside any window).
  const after = melLogPower(specs, fb, p.logFloor, binScale);
  const framePower = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let power = 0;
    for (let i = t * channels * p.nMels; i < (t + 1) * channels * p.nMels; i++) power += Math.exp(after[i]!);
    framePower[t] = Math.log(power / channels);
  }
  const contrast = lessLocalMean(framePower, windowFrames);
  const order = Array.from({ length: frames }, (_, t) => t).sort((a, b) => contrast[a]! - contrast[b]!);
  const frameGain = new Float64Array(frames);
  order.forEach((t, rank) => (frameGain[t] = Math.min(MAX_FRAME_GAIN_NATS, Math.max(-MAX_FRAME_GAIN_NATS, quantileOfSorted(profile.frameContrast, (rank + 0.5) / frames) - contrast[t]!))));
  const weights = kWeights(p);
  const loudness = framePowers(specs, weights);
  holdWindowPower(
    frameGain,
    loudness,
    framePowers(specs, binScale.map((scale, k) => scale * weights[k]!)),
    windowFrames,
  );
  const matched = resynthesise(specs, plan, frameGain, binScale.map(Math.sqrt), audio[0]!.length);

  // Overlap-add averages neighbouring frames' amplitudes, which loses power where their gains differ: measured on the
  // result, the remaining per-window ratio is smooth, so one more pass puts the loudness back without new contrast.
  const again = matched.map((channel) => plan.forward(channel));
  const correction = new Float64Array(frames);
  holdWindowPower(correction, loudness, framePowers(again, weights), windowFrames);
  return resynthesise(again, plan, correction, null, audio[0]!.length);
}
