/**
 * A reference recording ("sounds like this") → the latent the audio_prompt_encoder reads. The recording is checked
 * first, because an unusable prompt would silently steer generation: too short, silent or clipped is refused with
 * a sentence saying so.
 */

import { audioToLatent, type Latent } from '../dsp/log-mel';
import type { PackManifest } from './manifest';

export class AudioPromptError extends Error {
  override name = 'AudioPromptError';
}

/** Peak below −80 dBFS counts as silence. */
const SILENT_PEAK = 1e-4;
/** Samples at |x| ≥ this are at full scale … */
const CLIP_LEVEL = 0.999;
/** … and more than 1 % of them means the recording is clipped. */
const CLIPPED_FRACTION = 0.01;

/**
 * Linear-interpolation resampling. Enough for a timbre embedding read from a 64-band mel spectrum: the aliasing it
 * lets through on downsampling sits far below the mel resolution of the bands it lands in.
 */
export function resampleLinear(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const length = Math.max(1, Math.round((input.length * toRate) / fromRate));
  const out = new Float32Array(length);
  const ratio = fromRate / toRate;
  for (let i = 0; i < length; i++) {
    const position = Math.min(i * ratio, input.length - 1);
    const k = Math.floor(position);
    const w = position - k;
    out[i] = (1 - w) * input[k]! + w * input[Math.min(k + 1, input.length - 1)]!;
  }
  return out;
}

/** Matches the pack's channel count: mono is duplicated, extra channels are averaged down. */
function matchChannels(channels: Float32Array[], target: number): Float32Array[] {
  if (channels.length === target) return channels;
  if (channels.length === 1) return Array.from({ length: target }, () => channels[0]!);
  const mix = new Float32Array(channels[0]!.length);
  for (const c of channels) for (let i = 0; i < mix.length; i++) mix[i]! += c[i]! / channels.length;
  return Array.from({ length: target }, () => mix);
}

function checkRecording(audio: { sampleRate: number; channels: Float32Array[] }, minSec: number): void {
  const { sampleRate, channels } = audio;
  if (!(sampleRate > 0) || channels.length === 0) throw new AudioPromptError('the audio prompt has no audio channels');
  const durationSec = channels[0]!.length / sampleRate;
  if (durationSec < minSec) {
    throw new AudioPromptError(`the audio prompt is ${durationSec.toFixed(2)} s long; it needs at least ${minSec} s`);
  }
  let peak = 0;
  let clipped = 0;
  let total = 0;
  for (const c of channels) {
    for (let i = 0; i < c.length; i++) {
      const a = Math.abs(c[i]!);
      if (!Number.isFinite(a)) throw new AudioPromptError('the audio prompt contains invalid (NaN or infinite) samples');
      if (a > peak) peak = a;
      if (a >= CLIP_LEVEL) clipped++;
    }
    total += c.length;
  }
  if (peak < SILENT_PEAK) throw new AudioPromptError('the audio prompt is silent (peak below −80 dBFS)');
  if (clipped / total > CLIPPED_FRACTION) {
    throw new AudioPromptError(`the audio prompt is clipped (${((100 * clipped) / total).toFixed(1)} % of samples at full scale); use an unclipped recording`);
  }
}

/** Checks, resamples to the pack rate, matches channels, keeps the first maxSec seconds, and returns its latent. */
export function audioPromptLatent(audio: { sampleRate: number; channels: Float32Array[] }, manifest: PackManifest): Latent {
  const { minSec, maxSec } = manifest.conditioning.audioPrompt;
  checkRecording(audio, minSec);
  const maxSamples = Math.round(maxSec * manifest.sampleRate);
  const channels = matchChannels(audio.channels, manifest.channels).map((c) =>
    resampleLinear(c, audio.sampleRate, manifest.sampleRate).subarray(0, maxSamples),
  );
  return audioToLatent(channels, { ...manifest.latent, sampleRate: manifest.sampleRate });
}
