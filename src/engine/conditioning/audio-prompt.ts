/**
 * A reference recording ("sounds like this") → the latent the audio_prompt_encoder reads. The recording is checked
 * first, because an unusable prompt would silently steer generation: too short, silent or non-numeric is refused
 * with a sentence saying so. Clipping is only warned about (audioPromptWarnings): field recordings often clip a
 * little and still say well what they sound like.
 *
 * Only the first `maxSec` seconds are used, so only they are read (readers ask audioPromptSourceFrames) and
 * resampled: a 2-hour recording costs what 5 s do.
 */

import { audioToLatent, type Latent } from '../../dsp/log-mel';
import type { PackManifest } from '../pack/manifest';

export class AudioPromptError extends Error {
  override name = 'AudioPromptError';
}

/** Peak below −80 dBFS counts as silence. */
const SILENT_PEAK = 1e-4;
/** Samples at |x| ≥ this are at full scale … */
const CLIP_LEVEL = 0.999;
/** … and more than 1 % of them is worth a warning. */
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

/** Matches the pack's channel count: mono is duplicated (the same array, resampled once), extra channels are averaged down. */
function matchChannels(channels: Float32Array[], target: number): Float32Array[] {
  if (channels.length === target) return channels;
  if (channels.length === 1) return Array.from({ length: target }, () => channels[0]!);
  const mix = new Float32Array(channels[0]!.length);
  for (const c of channels) for (let i = 0; i < mix.length; i++) mix[i]! += c[i]! / channels.length;
  return Array.from({ length: target }, () => mix);
}

/**
 * Source frames at `sampleRate` that the latent can depend on: maxSec seconds plus the interpolation margin of
 * resampleLinear (its last output reads at most 2 source frames past maxSec · sampleRate, whatever the ratio).
 */
export function audioPromptSourceFrames(sampleRate: number, manifest: PackManifest): number {
  const { maxSec } = manifest.conditioning.audioPrompt;
  return Math.ceil(maxSec * sampleRate) + Math.ceil((2 * sampleRate) / manifest.sampleRate) + 2;
}

type Recording = { sampleRate: number; channels: Float32Array[] };

function checkRecording(audio: Recording, minSec: number): void {
  const { sampleRate, channels } = audio;
  if (!(sampleRate > 0) || channels.length === 0) throw new AudioPromptError('the audio prompt has no audio channels');
  const durationSec = channels[0]!.length / sampleRate;
  if (durationSec < minSec) {
    throw new AudioPromptError(`the audio prompt is ${durationSec.toFixed(2)} s long; it needs at least ${minSec} s`);
  }
  let peak = 0;
  for (const c of channels) {
    for (let i = 0; i < c.length; i++) {
      const a = Math.abs(c[i]!);
      if (!Number.isFinite(a)) throw new AudioPromptError('the audio prompt contains invalid (NaN or infinite) samples');
      if (a > peak) peak = a;
    }
  }
  if (peak < SILENT_PEAK) throw new AudioPromptError('the audio prompt is silent (peak below −80 dBFS)');
}

/** The part of a recording the pack uses: its first audioPromptSourceFrames frames (views, no copy). */
export function audioPromptExcerpt(audio: Recording, manifest: PackManifest): Recording {
  const frames = audioPromptSourceFrames(audio.sampleRate, manifest);
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.subarray(0, frames)) };
}

/** Sentences worth telling the user about a usable recording (today: clipping), for the part the pack uses. */
export function audioPromptWarnings(audio: Recording, manifest: PackManifest): string[] {
  const { channels } = audioPromptExcerpt(audio, manifest);
  let clipped = 0;
  let total = 0;
  for (const c of channels) {
    for (let i = 0; i < c.length; i++) if (Math.abs(c[i]!) >= CLIP_LEVEL) clipped++;
    total += c.length;
  }
  if (total === 0 || clipped / total <= CLIPPED_FRACTION) return [];
  return [`the audio prompt is clipped (${((100 * clipped) / total).toFixed(1)} % of samples at full scale); using it anyway, expect some distortion in its timbre`];
}

/** Checks, keeps the first maxSec seconds, resamples to the pack rate, matches channels, and returns its latent. */
export function audioPromptLatent(audio: Recording, manifest: PackManifest): Latent {
  const { minSec, maxSec } = manifest.conditioning.audioPrompt;
  const excerpt = audioPromptExcerpt(audio, manifest);
  checkRecording(excerpt, minSec);
  const maxSamples = Math.round(maxSec * manifest.sampleRate);
  // matchChannels repeats one array for every pack channel (mono); resample each distinct array once.
  const resampled = new Map<Float32Array, Float32Array>();
  const channels = matchChannels(excerpt.channels, manifest.channels).map((c) => {
    if (!resampled.has(c)) resampled.set(c, resampleLinear(c, audio.sampleRate, manifest.sampleRate).subarray(0, maxSamples));
    return resampled.get(c)!;
  });
  return audioToLatent(channels, { ...manifest.latent, sampleRate: manifest.sampleRate });
}
