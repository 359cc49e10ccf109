/**
 * The latent audio representation of docs/model-pack.md, bit-for-bit the transform of training/foley/audio.py:
 * per channel, centred STFT (periodic Hann, reflect padding) → power → HTK-mel → ln(max(mel, logFloor)) →
 * (x − mean) / std, laid out [L, C] row-major with C = channels · nMels channel-major. The decoder goes back
 * through the mel pseudo-inverse and Griffin-Lim.
 */

import { griffinLim } from './griffin-lim';
import { applyMel, applyMelTranspose, melFilterbank, melGramPseudoInverse, type MelFilterbank } from './mel';
import { StftPlan } from './stft';

/** Plain numbers, structurally compatible with the manifest's LatentSpec. */
export interface LogMelParams {
  sampleRate: number;
  nFft: number;
  hop: number;
  nMels: number;
  fminHz: number;
  fmaxHz: number;
  logFloor: number;
  mean: number;
  std: number;
}

export interface Latent {
  frames: number;
  dims: number;
  /** Row-major [frames × dims]. */
  data: Float32Array;
}

/** Filterbanks and pseudo-inverses cost tens of milliseconds (the latter an eigen-decomposition), so keep them per shape. */
const filterbanks = new Map<string, { fb: MelFilterbank; gramInverse?: Float64Array }>();

function cachedFilterbank(p: LogMelParams): { fb: MelFilterbank; gramInverse?: Float64Array } {
  const key = `${p.sampleRate}/${p.nFft}/${p.nMels}/${p.fminHz}/${p.fmaxHz}`;
  let entry = filterbanks.get(key);
  if (!entry) {
    entry = { fb: melFilterbank(p) };
    filterbanks.set(key, entry);
  }
  return entry;
}

/** The latent's mel filterbank for these parameters (built once per shape). */
export function latentFilterbank(p: LogMelParams): MelFilterbank {
  return cachedFilterbank(p).fb;
}

function validateParams(p: LogMelParams): void {
  if (!(p.logFloor > 0)) throw new RangeError(`logFloor must be > 0, got ${p.logFloor}`);
  if (!(p.std > 0) || !Number.isFinite(p.mean)) throw new RangeError(`need finite mean and std > 0, got mean ${p.mean}, std ${p.std}`);
}

/** Planar audio (equal-length channels, ≥ 1 sample) → normalised log-mel latent with floor(N / hop) + 1 frames. */
export function audioToLatent(channels: Float32Array[], p: LogMelParams): Latent {
  validateParams(p);
  if (channels.length === 0) throw new RangeError('audioToLatent needs at least one channel');
  const lengthSamples = channels[0]!.length;
  if (channels.some((c) => c.length !== lengthSamples)) throw new RangeError('audioToLatent: channels differ in length');
  if (lengthSamples === 0) throw new RangeError('audioToLatent: audio is empty');
  const { fb } = cachedFilterbank(p);
  const plan = new StftPlan(p.nFft, p.hop);
  const dims = channels.length * p.nMels;
  let latent: Latent | null = null;
  const power = new Float64Array(plan.bins);
  const mel = new Float64Array(p.nMels);
  channels.forEach((channel, c) => {
    const spec = plan.forward(channel);
    latent ??= { frames: spec.frames, dims, data: new Float32Array(spec.frames * dims) };
    for (let t = 0; t < spec.frames; t++) {
      const row = t * plan.bins;
      for (let k = 0; k < plan.bins; k++) power[k] = spec.re[row + k]! ** 2 + spec.im[row + k]! ** 2;
      applyMel(fb, power, mel);
      const out = t * dims + c * p.nMels;
      for (let m = 0; m < p.nMels; m++) latent.data[out + m] = (Math.log(Math.max(mel[m]!, p.logFloor)) - p.mean) / p.std;
    }
  });
  return latent!;
}

/** One channel of a latent → linear STFT magnitude [frames × bins]: undo normalisation and log, pseudo-inverse, clip at 0, sqrt. */
export function latentToMagnitude(latent: Float32Array, frames: number, channel: number, channelCount: number, p: LogMelParams): Float32Array {
  const entry = cachedFilterbank(p);
  entry.gramInverse ??= melGramPseudoInverse(entry.fb);
  const gramInverse = entry.gramInverse;
  const { nMels } = p;
  const bins = entry.fb.bins;
  const dims = channelCount * nMels;
  const magnitude = new Float32Array(frames * bins);
  const mel = new Float64Array(nMels);
  const projected = new Float64Array(nMels);
  const power = new Float64Array(bins);
  for (let t = 0; t < frames; t++) {
    const row = t * dims + channel * nMels;
    for (let m = 0; m < nMels; m++) mel[m] = Math.exp(latent[row + m]! * p.std + p.mean);
    // pinv(W)·mel = Wᵀ·((W·Wᵀ)⁺·mel): a small dense product, then the sparse transpose.
    for (let a = 0; a < nMels; a++) {
      let sum = 0;
      for (let b = 0; b < nMels; b++) sum += gramInverse[a * nMels + b]! * mel[b]!;
      projected[a] = sum;
    }
    applyMelTranspose(entry.fb, projected, power);
    for (let k = 0; k < bins; k++) magnitude[t * bins + k] = power[k]! > 0 ? Math.sqrt(power[k]!) : 0;
  }
  return magnitude;
}

/**
 * Latent [frames × channelCount·nMels] → planar audio of `lengthSamples` per channel via Griffin-Lim.
 * Every channel starts Griffin-Lim from the same initial phase (one seed): channels with the same magnitudes decode to
 * the same signal and a panned one stays in phase between them. Independent phases per channel made a centred sound
 * decorrelated noise between left and right — 3 dB lost in a mono fold-down in every band, and a phasey width no
 * recording has (the real dev clips' outputs: mono-mix power 0.69 nats under the channels' mean at every band).
 */
export function latentToAudio(
  latent: Float32Array,
  frames: number,
  channelCount: number,
  p: LogMelParams,
  iterations: number,
  lengthSamples: number,
  seed: number,
  momentum = 0,
): Float32Array[] {
  validateParams(p);
  if (!Number.isInteger(channelCount) || channelCount < 1) throw new RangeError(`channelCount must be ≥ 1, got ${channelCount}`);
  if (latent.length !== frames * channelCount * p.nMels) {
    throw new RangeError(`latent has ${latent.length} values, expected frames × channels × nMels = ${frames} × ${channelCount} × ${p.nMels}`);
  }
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) {
    const magnitude = latentToMagnitude(latent, frames, c, channelCount, p);
    channels.push(griffinLim(magnitude, frames, { nFft: p.nFft, hop: p.hop, iterations, lengthSamples, seed, momentum }));
  }
  return channels;
}
