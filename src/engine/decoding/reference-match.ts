/**
 * The decoded audio matched to its audio prompt (docs/model-pack.md, "Audio prompt anchoring"): the last of the
 * anchoring corrections, made on the audio the listener hears rather than on the latent the decoder starts from.
 *
 * The latent is already moved onto the prompt's spectrum and floored at its bed (prompt-anchor.ts,
 * latent-floor.ts), but Griffin-Lim does not reproduce the magnitudes it is given: on the 33 real dev clips (ref
 * protocol, foley-tiny 0.3.3) the decoded output's mean log-mel spectrum still sat 0.9 nats rms per band off the
 * prompt's, and its short frames were more even than the recording's (the recording's hits stand out of deeper
 * gaps within each 400 ms the loudness curve sees). Two corrections on the window's STFT, in the pack's own mel
 * domain (the one the prompt's latent is in):
 * - spectrum: the mean log mel power per band over all frames moves onto the prompt's — an EQ match, limited to
 *   ±24 dB, re-centred so it changes shape, not power (the level is the loudness curve's business);
 * - dynamics: each frame's log power takes the value at the same rank of the prompt's frames (quantile mapping,
 *   as `matchLevels` does for the 400 ms curve): quiet frames get as quiet as the recording's gaps, loud ones stand
 *   out as its hits do. The frame gains are then corrected so the power over every 400 ms is what it was: it runs
 *   on audio already shaped to the loudness curve (loudness-stream.ts) and moves loudness within the curve's
 *   windows, not the curve. Matched before shaping, the shaper's gains of tens of dB per 400 ms undid most of it
 *   (mel-FD 216); matched after shaping and shaped again, 205; with the power held instead, 187.
 * Offline on the kept outputs of `npm run eval:real -- --protocols ref`, both together: mel-FD 228 → 183 (paired log
 * ratio −0.154 ± 0.051), loudness r +0.023, onset F1 +0.006; the spectrum alone 210, the dynamics alone 202.
 */

import type { Latent, LogMelParams } from '../../dsp/log-mel';
import { applyMel, melFilterbank, type MelFilterbank } from '../../dsp/mel';
import { StftPlan, type Spectrogram } from '../../dsp/stft';

/** What the decoded audio is matched to: the audio prompt's spectrum and the spread of its frames' power. */
export interface ReferenceProfile {
  /** Mean ln mel power per band over the prompt's frames and channels, [nMels]. */
  bandLogPower: Float64Array;
  /** ln of each prompt frame's mel power (summed over bands, mean over channels), ascending. */
  frameLogPower: Float64Array;
}

/** The spectrum correction's limit per band, as the latent anchor's: 24 dB of power. */
const MAX_BAND_GAIN_NATS = 2.4 * Math.LN10;
/** A frame moves at most 48 dB: past that a quiet window's noise would be pumped up or a hit wiped out. */
const MAX_FRAME_GAIN_NATS = 4.8 * Math.LN10;

/** The prompt's profile from its latent (normalised ln mel power, [frames, channels·nMels]). */
export function referenceProfile(latent: Latent, p: LogMelParams): ReferenceProfile {
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
  frameLogPower.sort();
  return { bandLogPower, frameLogPower };
}

const filterbanks = new Map<string, MelFilterbank>();

function cachedFilterbank(p: LogMelParams): MelFilterbank {
  const key = `${p.sampleRate}/${p.nFft}/${p.nMels}/${p.fminHz}/${p.fmaxHz}`;
  let fb = filterbanks.get(key);
  if (!fb) {
    fb = melFilterbank(p);
    filterbanks.set(key, fb);
  }
  return fb;
}

function logSumExp(values: Float64Array): number {
  const peak = Math.max(...values);
  return peak + Math.log(values.reduce((sum, v) => sum + Math.exp(v - peak), 0));
}

/** numpy.quantile (linear) of ascending `sorted` at q in [0, 1]. */
function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
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
  return sum.map((value, k) => (weight[k]! > 1e-9 ? value / weight[k]! : k < bins / 2 ? bandGain[0]! : bandGain[fb.nMels - 1]!));
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
 * match: a few fixed-point passes, each dividing out the remaining ratio (smooth, since it is a window's), so the
 * frames keep their contrast. `before` and `equalised` are each frame's power before any gain and after the EQ.
 */
function holdWindowPower(frameGain: Float64Array, before: Float64Array, equalised: Float64Array, windowFrames: number): void {
  const want = movingSum(before, windowFrames);
  for (let pass = 0; pass < 4; pass++) {
    const have = movingSum(equalised.map((power, t) => power * Math.exp(frameGain[t]!)), windowFrames);
    frameGain.forEach((gain, t) => {
      if (want[t]! > 0 && have[t]! > 0) frameGain[t] = Math.min(MAX_FRAME_GAIN_NATS, Math.max(-MAX_FRAME_GAIN_NATS, gain + Math.log(want[t]! / have[t]!)));
    });
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

/**
 * Audio (planar channels at the pack's rate) → the same audio with the prompt's spectrum and frame dynamics, the
 * power over every `windowSec` (the loudness curve's window) kept as it was.
 */
export function matchReference(audio: Float32Array[], profile: ReferenceProfile, p: LogMelParams, windowSec: number): Float32Array[] {
  if (audio.length === 0 || audio[0]!.length === 0) return audio;
  const fb = cachedFilterbank(p);
  const plan = new StftPlan(p.nFft, p.hop);
  const specs = audio.map((channel) => plan.forward(channel));
  const { frames, bins } = specs[0]!;
  const channels = specs.length;

  const before = melLogPower(specs, fb, p.logFloor, null);
  const ownBands = new Float64Array(p.nMels);
  for (let i = 0; i < before.length; i++) ownBands[i % p.nMels]! += before[i]!;
  ownBands.forEach((sum, m) => (ownBands[m] = sum / (frames * channels)));
  const binGain = binGains(fb, spectrumGain(ownBands, profile.bandLogPower));

  // Frame power after the EQ, ranked against the prompt's frames.
  const binScale = binGain.map(Math.exp);
  const after = melLogPower(specs, fb, p.logFloor, binScale);
  const framePower = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let power = 0;
    for (let i = t * channels * p.nMels; i < (t + 1) * channels * p.nMels; i++) power += Math.exp(after[i]!);
    framePower[t] = Math.log(power / channels);
  }
  const order = Array.from({ length: frames }, (_, t) => t).sort((a, b) => framePower[a]! - framePower[b]!);
  const frameGain = new Float64Array(frames);
  order.forEach((t, rank) => (frameGain[t] = quantile(profile.frameLogPower, (rank + 0.5) / frames) - framePower[t]!));
  const meanGain = frameGain.reduce((s, v) => s + v, 0) / frames;
  frameGain.forEach((value, t) => (frameGain[t] = Math.min(MAX_FRAME_GAIN_NATS, Math.max(-MAX_FRAME_GAIN_NATS, value - meanGain))));
  holdWindowPower(frameGain, framePowers(specs, null), framePowers(specs, binScale), Math.max(1, Math.round((windowSec * p.sampleRate) / p.hop)));

  return specs.map((spec, c) => {
    const binAmplitude = binScale.map(Math.sqrt);
    for (let t = 0; t < frames; t++) {
      const frameAmplitude = Math.exp(frameGain[t]! / 2);
      for (let k = 0; k < bins; k++) {
        const amplitude = binAmplitude[k]! * frameAmplitude;
        spec.re[t * bins + k]! *= amplitude;
        spec.im[t * bins + k]! *= amplitude;
      }
    }
    return plan.inverse(spec, audio[c]!.length);
  });
}
