/**
 * The exported soundtrack: the chosen take, optionally with the video's own audio mixed under it at a level the
 * user sets (dB relative to full scale as recorded; 0 dB keeps the original as loud as it was).
 */
import { resampleChannels } from '../audio-resample';

export interface PlanarAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/** Lowest level the UI and CLI accept; below this the original is inaudible under any take. */
export const MIN_ORIGINAL_GAIN_DB = -60;
export const MAX_ORIGINAL_GAIN_DB = 12;

export function originalGainProblem(gainDb: number): string | null {
  if (!Number.isFinite(gainDb) || gainDb < MIN_ORIGINAL_GAIN_DB || gainDb > MAX_ORIGINAL_GAIN_DB) {
    return `The original audio level must be from ${MIN_ORIGINAL_GAIN_DB} to ${MAX_ORIGINAL_GAIN_DB} dB.`;
  }
  return null;
}

/**
 * The original's channels laid out as `count` channels: equal counts map one to one, a mono original feeds every
 * channel, a mono take gets the average of all the original's channels, otherwise the first `count` are used.
 */
export function matchChannelCount(channels: readonly Float32Array[], count: number): Float32Array[] {
  if (channels.length === count) return [...channels];
  if (channels.length === 1) return Array.from({ length: count }, () => channels[0]!);
  if (count === 1) {
    const sum = new Float32Array(channels[0]!.length);
    for (const channel of channels) for (let i = 0; i < sum.length; i++) sum[i]! += channel[i]! / channels.length;
    return [sum];
  }
  return Array.from({ length: count }, (_, c) => channels[Math.min(c, channels.length - 1)]!);
}

/**
 * take + 10^(gainDb/20) · original, at the take's rate and length (the original is resampled, then cut or padded
 * with silence, so sample 0 of both is video time 0). No limiter: a sum above full scale is the user's level choice,
 * and the encoders keep floats beyond ±1 rather than wrapping.
 */
export function mixOriginal(take: PlanarAudio, original: PlanarAudio, gainDb: number): PlanarAudio {
  const problem = originalGainProblem(gainDb);
  if (problem) throw new RangeError(problem);
  const gain = 10 ** (gainDb / 20);
  const atRate = original.sampleRate === take.sampleRate ? original.channels : resampleChannels(original.channels, original.sampleRate, take.sampleRate);
  const laidOut = matchChannelCount(atRate, take.channels.length);
  const channels = take.channels.map((channel, c) => {
    const mixed = channel.slice();
    const source = laidOut[c]!;
    const length = Math.min(mixed.length, source.length);
    for (let i = 0; i < length; i++) mixed[i]! += gain * source[i]!;
    return mixed;
  });
  return { sampleRate: take.sampleRate, channels };
}
